"""A throw-away PostgreSQL server for the tests: Debian's server binaries, a temporary cluster.

``initdb`` refuses to run as root, so when the tests run as root (CI does) the cluster belongs to
the unprivileged ``nobody`` account and every server command runs through ``runuser``. The
cluster listens on 127.0.0.1 on a free port and on a Unix socket in its own directory; ``trust``
authentication for local connections, except the role ``pw_analyst`` that must give a password
(the tests of libpq's password conventions use it). Durability is switched off: the cluster is
deleted after the session.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD_ROLE = "pw_analyst"
# The role's password, the same in every test that sets it (the server is shared by the session).
PASSWORD = "s3cret-Pa55"


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` that has initdb (or $ANNOTATOR_PG_BIN)."""
    env = os.environ.get("ANNOTATOR_PG_BIN")
    candidates = [env] if env else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise RuntimeError(
        "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin: install Debian's "
        "'postgresql' package (apt-get install -y postgresql; .ci/run does it) or set "
        "ANNOTATOR_PG_BIN to the folder that holds initdb and pg_ctl"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bin_dir: Path
    base: Path
    port: int
    user: str | None  # the account the server runs as when we are root, else None

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        hba = self.data / "pg_hba.conf"
        hba.write_text(
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        self.run_server()

    def run_server(self) -> None:
        """Start the server on the cluster (again, after ``halt``)."""
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"),
                  "-w", "-t", "60", "start")

    def halt(self) -> None:
        """Stop the server, ending every connection, keeping the cluster (a server that goes
        away; "fast", so that what was committed stays with the durability settings above)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start_server() -> PgServer:
    bin_dir = find_bin_dir()
    base = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    user = None
    if os.geteuid() == 0:
        user = "nobody"
        entry = pwd.getpwnam(user)
        (base / "run").mkdir()
        for path in (base, base / "run"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    else:
        (base / "run").mkdir()
    server = PgServer(bin_dir, base, _free_port(), user)
    try:
        server.start()
    except Exception:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server
