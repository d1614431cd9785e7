"""Property-based tests: no input makes a reader fail with anything but the project's own errors;
offsets convert between code points and UTF-16 without loss.

Hypothesis feeds arbitrary bytes, arbitrary text (with CRs, NULs, BOMs, emoji and unpaired
surrogates) and arbitrary JSON (random shapes with the keys each format looks for) to every reader
the format registry knows, to the article readers, and to the native record parser. A reader may
accept the input or raise an :class:`AnnotatorError`; any other exception is a bug. What is
accepted must be usable: span offsets inside the text, text free of NULs and lone surrogates.
The native writer and reader round-trip any valid record.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError
from annotator.core.model import AnnotationRecord, DocumentMeta, Origin, Span, Status
from annotator.formats import registry
from annotator.formats.articles import read_jsonl_articles, read_txt
from annotator.formats.native import read_jsonl, record_from_json, write_jsonl

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Characters that break naive readers, mixed into ordinary ones.
NASTY = st.sampled_from(["\r", "\n", "\t", "\x00", "\ufeff", "😀", "é", "\u2029", " "])
SURROGATE = st.characters(codec=None, categories=["Cs"])
CHARS = st.one_of(st.characters(), NASTY, SURROGATE)
TEXT = st.text(CHARS, max_size=40)

KEYS = st.one_of(
    st.sampled_from(
        [
            "text", "data", "meta", "spans", "start", "end", "label", "labels", "annotator",
            "status", "origin", "layer", "text_sha256", "format_version", "title", "date",
            "source", "entities", "start_offset", "end_offset", "relations", "tokens",
            "token_start", "token_end", "answer", "_input_hash", "_task_hash", "id",
            "annotations", "completions", "predictions", "result", "value", "type",
            "from_name", "to_name", "completed_by", "created_username", "lang", "filename",
        ]
    ),
    st.text(max_size=6),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=60),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(["PERSON", "ORG", "GPE", "todo", "done", "accept", "reject", "manual"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=25,
)


@st.composite
def plausible_native(draw: st.DrawFn) -> dict[str, object]:
    """A native record that is nearly valid, so validation is reached past the first check."""
    text = draw(st.text(CHARS, min_size=1, max_size=30))
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(-2, len(text) + 2))
        end = draw(st.integers(-2, len(text) + 3))
        span: dict[str, object] = {
            "start": start,
            "end": end,
            "label": draw(st.sampled_from(["PERSON", "ORG", "", "GPE", 3])),
        }
        if draw(st.booleans()):
            span["text"] = draw(st.one_of(st.just(text[max(start, 0) : max(end, 0)]), TEXT))
        if draw(st.booleans()):
            span["origin"] = draw(st.sampled_from(["model", "manual", "robot", None]))
        spans.append(span)
    record: dict[str, object] = {"text": text, "spans": spans}
    for key, values in (
        ("annotator", st.one_of(st.none(), TEXT)),
        ("status", st.sampled_from(["todo", "in_progress", "done", "finished", 1])),
        ("meta", st.one_of(st.none(), st.dictionaries(KEYS, SCALARS, max_size=3))),
        ("text_sha256", st.one_of(st.none(), TEXT)),
    ):
        if draw(st.booleans()):
            record[key] = draw(values)
    return record


def _lines(values: list[object]) -> bytes:
    return "".join(json.dumps(v, ensure_ascii=True) + "\n" for v in values).encode("utf-8")


def _check_usable(records: list[AnnotationRecord]) -> None:
    for record in records:
        record.text.encode("utf-8")  # no lone surrogates
        assert "\x00" not in record.text
        for span in record.spans:
            assert 0 <= span.start < span.end <= len(record.text)


def _read_in_tmp(files: dict[str, bytes], entry: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        try:
            result = registry.read_annotations(Path(tmp) / entry, fmt)
        except AnnotatorError:
            return
        _check_usable(result.records)


def _available(fmt: str) -> bool:
    if fmt == "jsonl":
        return True
    module = registry._READERS[fmt].split(":")[0]
    return importlib.util.find_spec(module) is not None


# Which file each format reads, and the sibling files it may need.
ENTRIES = {
    "auto": ("data.jsonl", {}),
    "jsonl": ("data.jsonl", {}),
    "prodigy": ("data.jsonl", {}),
    "doccano": ("data.jsonl", {}),
    "labelstudio": ("tasks.json", {}),
    "brat": ("doc.ann", {"doc.txt": "Tehran hosted the talks.\n"}),
    "spacy": ("corpus.spacy", {}),
    "mae": ("doc.xml", {}),
}
FORMATS = ["auto", *[f for f in registry.READ_FORMATS if _available(f)]]


def test_every_registered_format_is_covered() -> None:
    assert set(registry.READ_FORMATS) <= set(ENTRIES)
    assert "jsonl" in FORMATS


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY_SETTINGS
@given(data=st.binary(max_size=300))
def test_annotation_readers_on_arbitrary_bytes(fmt: str, data: bytes) -> None:
    entry, siblings = ENTRIES[fmt]
    _read_in_tmp({entry: data, **{k: v.encode() for k, v in siblings.items()}}, entry, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY_SETTINGS
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=4))
def test_annotation_readers_on_arbitrary_json(fmt: str, values: list[object]) -> None:
    entry, siblings = ENTRIES[fmt]
    if entry.endswith(".json"):
        data = json.dumps(values if len(values) > 1 else values[0]).encode("utf-8")
    elif entry.endswith(".ann"):
        data = "\n".join(str(v) for v in values).encode("utf-8", "surrogatepass")
    else:
        data = _lines(values)
    _read_in_tmp({entry: data, **{k: v.encode() for k, v in siblings.items()}}, entry, fmt)


# Pieces of JSON and of hostile files; joined at random they make near-miss records.
FRAGMENTS = st.sampled_from(
    [
        b'{"text": ', b'"Tehran hosted the talks."', b', "spans": [', b'{"start": 0, "end": 6, ',
        b'"label": "GPE"}', b", ", b"]", b"}", b"\n", b"\r\n", b'"annotator": "ana"',
        b'"data": {"text": "x"}', b'"annotations": [{"result": [', b'"value": ',
        b'"entities": [', b'"label": [[0, 6, "GPE"]]', b'"tokens": [', b'"token_end": 9',
        b"9" * 5000, b"[" * 3000, b'{"a":' * 2000, b'"\\ud800"', b'"\\u0000"', b"\x00",
        b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b"NaN", b"-Infinity", b"1e999", b"-0",
        b"null", b"true", b"T1\tGPE 0 6\tTehran", b"E1\tMeet:T9", b"R1\tR Arg1:T1 Arg2:T7",
    ]
)


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY_SETTINGS
@given(pieces=st.lists(FRAGMENTS, min_size=1, max_size=12))
def test_annotation_readers_on_hostile_fragments(fmt: str, pieces: list[bytes]) -> None:
    entry, siblings = ENTRIES[fmt]
    data = b"".join(pieces)
    _read_in_tmp({entry: data, **{k: v.encode() for k, v in siblings.items()}}, entry, fmt)


@PROPERTY_SETTINGS
@given(pieces=st.lists(FRAGMENTS, min_size=1, max_size=12), suffix=st.sampled_from([".txt", ".jsonl"]))
def test_article_readers_on_hostile_fragments(pieces: list[bytes], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"a{suffix}"
        path.write_bytes(b"".join(pieces))
        try:
            read_txt(path) if suffix == ".txt" else read_jsonl_articles(path)
        except AnnotatorError:
            return


@PROPERTY_SETTINGS
@given(text=st.text(CHARS, max_size=60), ann=st.lists(st.text(CHARS, max_size=30), max_size=5))
def test_brat_like_pairs_of_arbitrary_text(text: str, ann: list[str]) -> None:
    files = {
        "doc.txt": text.encode("utf-8", "surrogatepass"),
        "doc.ann": "\n".join(ann).encode("utf-8", "surrogatepass"),
    }
    _read_in_tmp(files, "doc.ann", "brat" if "brat" in FORMATS else "auto")


@PROPERTY_SETTINGS
@given(obj=st.one_of(plausible_native(), JSON_VALUES))
def test_native_record_parser(obj: object) -> None:
    try:
        record = record_from_json(obj, known_labels=lambda label: label != "GPE")
    except AnnotatorError:
        return
    _check_usable([record])
    assert all(span.label != "GPE" for span in record.spans)


@PROPERTY_SETTINGS
@given(objs=st.lists(st.one_of(plausible_native(), JSON_VALUES), min_size=1, max_size=4))
def test_native_reader_on_json_lines(objs: list[object]) -> None:
    _read_in_tmp({"data.jsonl": _lines(objs)}, "data.jsonl", "jsonl")


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".txt", ".jsonl"]))
def test_article_readers_on_arbitrary_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"a{suffix}"
        path.write_bytes(data)
        reader = read_txt if suffix == ".txt" else read_jsonl_articles
        try:
            docs = reader(path)
        except AnnotatorError:
            return
        for doc in [docs] if suffix == ".txt" else docs:  # type: ignore[list-item]
            doc.text.encode("utf-8")
            assert "\x00" not in doc.text and "\r" not in doc.text and doc.text.strip()


@PROPERTY_SETTINGS
@given(values=st.lists(st.one_of(JSON_VALUES, st.fixed_dictionaries(
    {"text": TEXT}, optional={"meta": st.dictionaries(KEYS, SCALARS, max_size=4)}
)), min_size=1, max_size=4))
def test_article_jsonl_reader_on_arbitrary_json(values: list[object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.jsonl"
        path.write_bytes(_lines(values))
        try:
            docs = read_jsonl_articles(path)
        except AnnotatorError:
            return
        for doc in docs:
            doc.text.encode("utf-8")
            for value in doc.meta.to_dict().values():
                value.encode("utf-8")
                assert "\x00" not in value
            assert "\x00" not in doc.text and "\r" not in doc.text


@st.composite
def valid_records(draw: st.DrawFn) -> AnnotationRecord:
    text = draw(st.text(st.one_of(st.characters(codec="utf-8", exclude_characters="\r\x00"), NASTY.filter(
        lambda c: c not in ("\r", "\x00"))), min_size=1, max_size=40))
    spans: dict[tuple[int, int, str], Span] = {}
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["PERSON", "ORG", "GPE"]))
        origin = draw(st.sampled_from(list(Origin)))
        spans[(start, end, label)] = Span(start, end, label, origin)
    title = draw(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=10))
    meta = DocumentMeta(title=title, lang=draw(st.sampled_from(["", "en"])))
    annotator = draw(st.one_of(st.none(), st.sampled_from(["ana", "Bob Z", "ñandú"])))
    status = draw(st.sampled_from(list(Status)))
    return AnnotationRecord(text, meta, annotator, status, list(spans.values()))


@PROPERTY_SETTINGS
@given(records=st.lists(valid_records(), min_size=1, max_size=4, unique_by=lambda r: r.text))
def test_native_writer_and_reader_round_trip(records: list[AnnotationRecord]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.jsonl"
        assert write_jsonl(path, records) == len(records)
        back = read_jsonl(path)
    assert [(r.text, r.meta, r.annotator, r.status) for r in back] == [
        (r.text, r.meta, r.annotator, r.status) for r in records
    ]
    assert [[s.key + (s.origin,) for s in r.spans] for r in back] == [
        [s.key + (s.origin,) for s in r.spans] for r in records
    ]


# Offset conversion between code points and Qt's UTF-16 positions (gui/offsets.py holds no Qt
# import): texts rich in characters outside the Basic Multilingual Plane.
ASTRAL_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["😀", "🇮", "🇷", "𝐁", "👍", "🏽", "\U0010ffff", "\n", "a", "é"]),
    ),
    max_size=40,
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@PROPERTY_SETTINGS
@given(text=ASTRAL_TEXT)
def test_utf16_positions_are_the_utf16_length_of_the_text_before(text: str) -> None:
    from annotator.gui.offsets import OffsetMap

    m = OffsetMap(text)
    assert m.length_u16 == _utf16_len(text)
    for cp in range(len(text) + 1):
        assert m.to_utf16(cp) == _utf16_len(text[:cp])


@PROPERTY_SETTINGS
@given(text=ASTRAL_TEXT)
def test_code_points_of_every_utf16_position_are_monotonic_and_never_split_a_character(
    text: str,
) -> None:
    from annotator.gui.offsets import OffsetMap

    m = OffsetMap(text)
    previous = 0
    for pos in range(m.length_u16 + 1):
        cp = m.to_codepoint(pos)
        assert previous <= cp <= len(text)
        previous = cp
        back = m.to_utf16(cp)
        # Exact where pos starts a character; one unit back inside a surrogate pair.
        assert back == pos or (back == pos - 1 and ord(text[cp]) > 0xFFFF)
    assert m.to_codepoint(m.length_u16) == len(text)


@PROPERTY_SETTINGS
@given(text=ASTRAL_TEXT.filter(bool), data=st.data())
def test_a_span_survives_the_trip_to_qt_and_back(text: str, data: st.DataObject) -> None:
    from annotator.gui.offsets import OffsetMap

    m = OffsetMap(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    u_start, u_end = m.to_utf16(start), m.to_utf16(end)
    # The UTF-16 selection holds exactly the span's text ...
    units = text.encode("utf-16-le")[2 * u_start : 2 * u_end]
    assert units.decode("utf-16-le") == text[start:end]
    # ... and comes back as the same code-point span.
    assert (m.to_codepoint(u_start), m.to_codepoint(u_end)) == (start, end)
