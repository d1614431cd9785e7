"""Runs annotator's real command line (``annotator.cli.main``) in a forked child per request: the
subject of test_kill.py's command-line kills.

A test that kills a hundred command-line runs would spend most of its time starting Python and
importing annotator (about a second each). This process pays that once: it imports the command
line and the services its writing commands load, then, for each request read from stdin (a JSON
line: ``{"argv": [...], "log": PATH}``), forks a child that runs ``main(argv)`` with its output
in ``log`` and exits with its status, exactly as ``annotator ARGV`` would, from the same code. It
answers ``{"pid": PID}`` as soon as the child exists (the test may kill that pid) and
``{"status": CODE, "seconds": S}`` once it has ended (``-9`` when it was killed), but collects
the child only when the test then sends ``reap``: until then the pid stays the (ended) child's,
so a signal the test sends late reaches no other process.

A request ``{"worker": [ARGS], "log": PATH}`` runs ``kill_worker.py ARGS`` the same way (its
main, after the same imports), for test_kill.py's worker kills.

Usage: ``python cli_forker.py``; prints ``ready`` once warmed up. Forking is safe here: the
process runs no other thread (checked before each fork).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

import kill_worker  # beside this file (the script's folder is first on sys.path)

import annotator.services.annotations_import  # noqa: F401 - warmed: imported by the commands
import annotator.services.review  # noqa: F401
import annotator.store  # noqa: F401
from annotator.cli import main


def serve() -> None:
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        assert threading.active_count() == 1, "a thread would not survive the fork"
        pid = os.fork()
        if pid == 0:  # the child: one command-line run
            out = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(out, 2)
            code = 70
            try:
                if "worker" in request:
                    sys.argv = ["kill_worker.py", *request["worker"]]
                    kill_worker.main()
                else:
                    code = main(request["argv"])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        started = time.monotonic()
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()
        ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # ended, not yet collected
        assert ended is not None
        seconds = time.monotonic() - started
        code = -ended.si_status if ended.si_code != os.CLD_EXITED else ended.si_status
        sys.stdout.write(json.dumps({"status": code, "seconds": seconds}) + "\n")
        sys.stdout.flush()
        assert sys.stdin.readline().strip() == "reap"
        os.waitpid(pid, 0)


if __name__ == "__main__":
    serve()
