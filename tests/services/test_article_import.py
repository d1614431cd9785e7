"""Importing articles as analysts get them, through the real command line and database: a folder
of mixed files (page, PDF, Word, e-mail, feed, plain text with a sidecar) lands with its details
and the original file's path and hash; oversized, bomb-like and endless inputs are refused or
capped with the file and the reason, the database unchanged, memory bounded."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tracemalloc
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import pypdf
from reportlab.pdfgen import canvas

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.formats.articles import read_articles
from annotator.formats.feeds import MAX_ENTRIES
from annotator.store import Store
from tests.formats.test_article_readers import EN_PARAGRAPHS, PDF_PARAGRAPHS, english_page, make_report_pdf
from tests.services.test_bad_inputs import fingerprint

ROOT = Path(__file__).resolve().parent.parent.parent


def _mixed_folder(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "page": folder / "herald.html",
        "pdf": folder / "brief.pdf",
        "word": folder / "note.docx",
        "mail": folder / "mail.eml",
        "text": folder / "wire.txt",
    }
    files["page"].write_text(english_page(), encoding="utf-8")
    make_report_pdf(files["pdf"])
    document = docx.Document()
    document.core_properties.author = "Desk Officer"
    document.add_paragraph("Hezbollah and Iranian advisers were seen near Palmyra, residents said on Monday.")
    document.save(str(files["word"]))
    message = EmailMessage()
    message["Subject"] = "Tehran hosts the Syrian chief of staff"
    message["From"] = "Wire Desk <wire@example.org>"
    message["Date"] = "Fri, 12 May 2023 09:00:00 +0000"
    message.set_content("General Abdul Karim Mahmoud Ibrahim met Mohammad Baqeri in Tehran on Friday.\n")
    files["mail"].write_bytes(message.as_bytes())
    raw = " date 2023-05-12 Islam Times - Baqeri and Ashtiani met their guest.\n"
    files["text"].write_text(raw, encoding="utf-8")
    (folder / "wire.meta.json").write_text('{"source": "Islam Times"}', encoding="utf-8")
    return files


def test_a_folder_of_mixed_articles_imports_with_details(tmp_path: Path, capsys) -> None:
    files = _mixed_folder(tmp_path / "inbox")
    db = tmp_path / "db.sqlite"
    assert main(["import", "--db", str(db), "--no-preannotate", str(tmp_path / "inbox")]) == 0
    out = capsys.readouterr().out
    assert "5 imported, 0 skipped" in out
    store = Store(db)
    try:
        docs = {Path(d.meta.original_path).name: d for d in store.documents.many(store.documents.ids())}
    finally:
        store.close()
    assert set(docs) == {p.name for p in files.values()}
    for path in files.values():
        meta = docs[path.name].meta
        assert meta.original_path == str(path.resolve())
        assert meta.original_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    page, pdf = docs["herald.html"], docs["brief.pdf"]
    assert EN_PARAGRAPHS[1] in page.text and "All rights reserved" not in page.text
    assert (page.meta.source, page.meta.author) == ("The Levant Herald", "Jane Doe")
    assert page.meta.date == "2023-09-22"
    assert pdf.text.split("\n\n") == PDF_PARAGRAPHS and pdf.meta.author == "Alma Research Center"
    assert docs["note.docx"].meta.author == "Desk Officer"
    mail = docs["mail.eml"].meta
    assert (mail.title, mail.author) == ("Tehran hosts the Syrian chief of staff", "Wire Desk")
    assert mail.date == "2023-05-12"
    text = docs["wire.txt"]
    assert (text.meta.source, text.meta.date) == ("Islam Times", "2023-05-12")
    assert text.text == "Islam Times - Baqeri and Ashtiani met their guest.\n"
    # The stored text is what the analyst reads; importing again adds nothing.
    assert main(["import", "--db", str(db), "--no-preannotate", str(tmp_path / "inbox")]) == 0
    assert "0 imported, 5 skipped" in capsys.readouterr().out


def test_a_pdf_locked_only_against_editing_is_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    make_report_pdf(plain)
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    assert pypdf.PdfReader(locked).is_encrypted
    (doc,) = read_articles(locked)
    assert doc.text.split("\n\n") == PDF_PARAGRAPHS


def test_one_bad_pdf_in_a_folder_imports_nothing(seeded_db: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "inbox"
    _mixed_folder(folder)
    (folder / "zz_broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n")
    before = fingerprint(seeded_db)
    assert main(["import", "--db", str(seeded_db), "--no-preannotate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "zz_broken.pdf: not a readable PDF" in err and "Traceback" not in err
    assert fingerprint(seeded_db) == before


def test_a_500_mb_file_is_refused_unread(seeded_db: Path, tmp_path: Path, capsys) -> None:
    before = fingerprint(seeded_db)
    for name in ("huge.pdf", "huge.html", "huge.docx", "huge.eml", "huge.rss", "huge.txt"):
        path = tmp_path / name
        with path.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
            handle.truncate(500 * 1024 * 1024)
        tracemalloc.start()
        try:
            try:
                read_articles(path)
            except InputError as exc:
                message = exc.message
            else:
                raise AssertionError(f"{name} was read")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert name in message and ("larger than" in message), message
        assert peak < 80 * 1024 * 1024, (name, peak)  # the .txt reader reads up to its 64 MiB cap
        assert main(["import", "--db", str(seeded_db), "--no-preannotate", str(path)]) == 2
        assert "larger than" in capsys.readouterr().err
    assert fingerprint(seeded_db) == before


def test_a_docx_inflating_past_the_cap_is_refused_uninflated(seeded_db: Path, tmp_path: Path, capsys) -> None:
    """300 parts of 1 MiB of zeros: each part looks ordinary, together they would fill 300 MiB."""
    path = tmp_path / "many_parts.docx"
    zero = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(300):
            archive.writestr(f"word/media/image{i}.bin", zero)
    assert path.stat().st_size < 2 * 1024 * 1024
    before = fingerprint(seeded_db)
    assert main(["import", "--db", str(seeded_db), "--no-preannotate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "many_parts.docx: the archive would inflate to 300 MiB" in err and "zip bomb" in err
    assert fingerprint(seeded_db) == before


def _write_feed(path: Path, entries: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Levant Herald</title>')
        for i in range(entries):
            handle.write(
                f"<item><title>Story {i}</title><link>https://levantherald.example/s/{i}</link>"
                "<pubDate>Fri, 22 Sep 2023 10:00:00 GMT</pubDate>"
                f"<description>Report {i} on the Quds Force and the drill near Damascus.</description></item>"
            )
        handle.write("</channel></rss>")


MEASURE = """
import resource, sys
from pathlib import Path
from annotator.core.labels import default_labels
from annotator.services.importing import import_paths
from annotator.store import Store
import annotator.formats.feeds, feedparser, lxml.etree  # loaded before the baseline
store = Store(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = import_paths(store, [Path(sys.argv[1])], default_labels(), None)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
store.close()
print(len(report.added), (after - before) // 1024)
for line in report.notices:
    print(line)
"""


def test_a_feed_of_100000_entries_is_capped_with_a_notice(tmp_path: Path) -> None:
    feed = tmp_path / "endless.rss"
    _write_feed(feed, 100_000)
    db = tmp_path / "db.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(feed), str(db)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env={**os.environ, "PYTHONUTF8": "1"},
    )
    assert result.returncode == 0, result.stderr
    first, *notices = result.stdout.splitlines()
    added, grown_mb = map(int, first.split())
    assert added == MAX_ENTRIES
    assert notices == [f"{feed}: the feed holds 100,000 entries; only the first {MAX_ENTRIES:,} were read"]
    # Reading all 100,000 entries through feedparser costs over a gigabyte; the cap keeps it small.
    assert grown_mb < 150, grown_mb
    counts, _, _ = fingerprint(db)
    assert counts["document"] == MAX_ENTRIES


def test_the_feed_notice_reaches_the_command_line(tmp_path: Path, capsys) -> None:
    feed = tmp_path / "long.rss"
    _write_feed(feed, MAX_ENTRIES + 5)
    db = tmp_path / "db.sqlite"
    assert main(["import", "--db", str(db), "--no-preannotate", str(feed)]) == 0
    out = capsys.readouterr().out
    assert f"the feed holds {MAX_ENTRIES + 5:,} entries; only the first {MAX_ENTRIES:,} were read" in out
    assert f"{MAX_ENTRIES} imported" in out


def test_an_empty_pdf_page_set_and_a_text_pdf_differ(tmp_path: Path) -> None:
    """The no-text-layer check looks at every page: a report whose first page is a scanned cover
    is read from its text pages."""
    path = tmp_path / "cover.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 500, fill=1)  # the cover: a picture, no text
    c.showPage()
    c.drawString(72, 700, "The drill near Palmyra ended on Saturday, officials said.")
    c.showPage()
    c.save()
    (doc,) = read_articles(path)
    assert doc.text == "The drill near Palmyra ended on Saturday, officials said."


def test_split_articles_on_the_command_line(tmp_path: Path, capsys) -> None:
    from tests.formats.test_article_readers import two_article_page

    page = tmp_path / "aawsat.html"
    page.write_text(two_article_page()[0], encoding="utf-8")
    db = tmp_path / "db.sqlite"
    assert main(["import", "--db", str(db), "--no-preannotate", "--split-articles", str(page)]) == 0
    out = capsys.readouterr().out
    assert "imported aawsat.html#1 as document 1" in out and "imported aawsat.html#2 as document 2" in out
    store = Store(db)
    try:
        titles = [store.documents.get(i).meta.title for i in store.documents.ids()]
    finally:
        store.close()
    assert titles == [
        "Iran's Quds Force Chief in Syria to Oversee Joint Drill",
        "EU Envoy: Madrid Is Working on a Way Out of the Gaza Crisis",
    ]
