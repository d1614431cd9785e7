"""One typed settings object with defaults, stored as JSON in the user's config directory.

Shared by the GUI and the command line. ``ANNOTATOR_CONFIG_DIR``, ``ANNOTATOR_DATA_DIR`` and
``ANNOTATOR_CACHE_DIR`` move the config, data and cache directories (tests point them at
temporary folders, so they never touch the user's own settings, cache or database);
``ANNOTATOR_DB`` names the database file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs

from annotator.store.location import parse_location

APP = "annotator"


def config_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_CONFIG_DIR") or platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    return Path(os.environ.get("ANNOTATOR_DATA_DIR") or platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    """What can be made again from what is installed (py3langid's model unpacked, see
    nlp/langid_model.py); ``ANNOTATOR_CACHE_DIR`` moves it."""
    return Path(os.environ.get("ANNOTATOR_CACHE_DIR") or platformdirs.user_cache_dir(APP))


def default_db_path() -> Path | str:
    """``ANNOTATOR_DB`` (a file, or a ``postgresql://`` URL), else the default file."""
    env = os.environ.get("ANNOTATOR_DB")
    return parse_location(env) if env else data_dir() / "annotations.sqlite"


@dataclass
class Settings:
    annotator: str = ""
    models: dict[str, str] = field(default_factory=dict)  # language -> package name or path
    labels_path: str = ""  # a label set file instead of the built-in one
    schema_path: str = ""  # an analysis schema file or folder overriding the built-in one
    font_size: int = 12
    show_suggestions: bool = True
    export_dir: str = ""  # the folder last exported to (the Export dialog starts there)
    active_model: str = ""  # the trained model (folder) whose suggestions the window shows
    model_folders: list[str] = field(default_factory=list)  # folders searched for trained models
    # Worker processes pre-annotating a large import, at most one a core (nlp/parallel.py);
    # 1 keeps pre-annotation in the importing process.
    preannotate_processes: int = 2
    # The database last chosen in the window (File > Connect to team database…, Open local
    # database…): a file path or a server URL, never with a password. --db and ANNOTATOR_DB win.
    database: str = ""

    @staticmethod
    def path() -> Path:
        return config_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        path = cls.path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # unreadable, invalid or too deep: defaults
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {f.name: f for f in fields(cls)}
        values = {}
        defaults = cls()
        for key, value in data.items():
            if key in known and isinstance(value, type(getattr(defaults, key))):
                values[key] = value
        return cls(**values)

    def export_folder(self) -> Path:
        """Where an export is offered first: the folder last exported to while it exists, else
        the user's documents folder (never the program's own folder or source checkout)."""
        if self.export_dir and Path(self.export_dir).is_dir():
            return Path(self.export_dir)
        documents = Path(platformdirs.user_documents_dir())
        return documents if documents.is_dir() else Path.home()

    def remember_export(self, target: Path) -> None:
        """Remember the folder of an export (a file's folder; brat's target is a folder)."""
        folder = target if target.is_dir() or not target.suffix else target.parent
        self.export_dir = str(folder.expanduser().resolve())
        self.save()

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.part")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
