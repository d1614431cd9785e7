"""Articles as analysts get them: saved news pages (EN/FR/AR, several layouts), web archives, PDF
reports, Word files, e-mails and feeds, each built here the way real ones are (navigation, ads,
related links, footers; running headers, page numbers and hyphenation), read by the real readers.
The text must hold the article's paragraphs and none of the furniture, with the right details."""
# ruff: noqa: E501  (the pages are written as sites write them: long lines of markup)

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from annotator.core.errors import InputError
from annotator.formats.articles import iter_article_files, read_articles

EN_PARAGRAPHS = [
    "The commander of Iran's Quds Force visited Syria this week to oversee a joint military "
    "drill, according to reports in Iranian media on Friday.",
    "General Ismail Qaani toured several regions and met senior officials in Damascus, where "
    "talks centred on the security challenges facing the country.",
    "Analysts said the visit signalled a deepening of military cooperation between Tehran and "
    "Damascus after years of war.",
]
FR_PARAGRAPHS = [
    "Le commandant de la Force Qods s'est rendu en Syrie dans le cadre d'un voyage « important » "
    "et a supervisé un exercice conjoint, selon les médias iraniens.",
    "Les rapports indiquent que le général Esmaïl Qaani a visité plusieurs régions afin d'aider "
    "la Syrie à faire face aux défis militaires et sécuritaires.",
]
AR_PARAGRAPHS = [
    "زار قائد فيلق القدس الإيراني إسماعيل قاآني سوريا للإشراف على مناورة عسكرية مشتركة، "
    "بحسب ما أفادت وسائل إعلام إيرانية.",
    "وقالت التقارير إن قاآني تفقد عدة مناطق والتقى كبار المسؤولين في دمشق لبحث التحديات "
    "الأمنية التي تواجهها البلاد.",
]
BOILERPLATE = [
    "Advertisement", "Subscribe", "Related stories", "Markets rally", "All rights reserved",
    "Privacy policy", "Cookie", "Sign in", "Newsletter", "Partager", "Abonnez-vous",
    "Mentions légales", "الأكثر قراءة", "جميع الحقوق محفوظة", "Comments", "Great article", "Share on",
]


def _absent(text: str) -> list[str]:
    return [b for b in BOILERPLATE if b.lower() in text.lower()]


def _paras(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>\n" for p in items)


def english_page() -> str:
    """A classic news layout: OpenGraph and <meta> details, nav, ads, byline, related, comments."""
    return f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Quds Force chief visits Syria | The Levant Herald</title>
<meta property="og:site_name" content="The Levant Herald">
<meta property="og:title" content="Quds Force chief visits Syria">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2023-09-22T10:00:00Z">
<link rel="canonical" href="https://levantherald.example/world/quds-force-syria">
<script>window.dataLayer = [];</script><style>.ad {{ color: red }}</style></head><body>
<div id="cookie-banner">We use Cookie files. <button>Accept</button></div>
<header><a href="/">The Levant Herald</a><a href="/login">Sign in</a><a href="/subscribe">Subscribe</a>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<div class="ad-slot">Advertisement</div>
<main><article><h1>Quds Force chief visits Syria</h1>
<p class="byline">By <a href="/authors/jane">Jane Doe</a>, <time datetime="2023-09-22">22 September 2023</time></p>
{_paras(EN_PARAGRAPHS)}
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Markets rally on oil news</a></li>
<li><a href="/b">Cup final preview</a></li></ul></aside>
<section id="comments"><h3>Comments</h3><div class="comment"><p>Great article, thanks!</p></div></section>
<div class="newsletter">Newsletter: get the headlines every morning. <input type="email"></div>
</main>
<footer><p>© 2023 The Levant Herald. All rights reserved.</p><a href="/privacy">Privacy policy</a>
<a href="/contact">Contact us</a></footer></body></html>"""


def french_page() -> str:
    """Another layout: details only in JSON-LD, the article in nested divs, share bar, footer."""
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": "Le chef de la Force Qods en Syrie", "datePublished": "2023-09-23T08:30:00+02:00",
        "author": {"@type": "Person", "name": "Marie Dubois"},
        "publisher": {"@type": "Organization", "name": "Le Courrier du Levant"},
        "mainEntityOfPage": "https://courrier-levant.example/monde/force-qods-syrie",
    }
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Le chef de la Force Qods en Syrie - Le Courrier du Levant</title>
<script type="application/ld+json">{json.dumps(ld)}</script>
<link rel="canonical" href="https://courrier-levant.example/monde/force-qods-syrie"></head><body>
<div class="topbar"><a href="/abonnement">Abonnez-vous</a> <a href="/connexion">Se connecter</a></div>
<ul class="menu"><li><a href="/monde">Monde</a></li><li><a href="/france">France</a></li><li><a href="/economie">Économie</a></li></ul>
<div class="page"><div class="col-main"><div class="story">
<h1 class="story-title">Le chef de la Force Qods en Syrie</h1>
<div class="share">Partager sur Facebook · Partager sur X</div>
<div class="story-body">{_paras(FR_PARAGRAPHS)}</div>
</div></div>
<div class="col-side"><div class="pub">Publicité</div><h4>Les plus lus</h4>
<ol><li><a href="/x">Le pétrole en hausse</a></li><li><a href="/y">La météo du week-end</a></li></ol></div></div>
<div class="footer">Mentions légales · Contact · © Le Courrier du Levant 2023</div></body></html>"""


def arabic_page() -> str:
    """A right-to-left page: <meta name=author>, a date in <meta name=date>, most-read box."""
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>قاآني في سوريا - صحيفة المشرق</title>
<meta property="og:site_name" content="صحيفة المشرق">
<meta property="og:title" content="قاآني في سوريا">
<meta name="author" content="أحمد الخطيب">
<meta name="date" content="2023-09-24">
<meta property="og:url" content="https://mashreq.example/ar/syria/qaani"></head><body>
<nav><a href="/">الرئيسية</a> | <a href="/politics">سياسة</a> | <a href="/economy">اقتصاد</a> | <a href="/sport">رياضة</a></nav>
<div class="banner">إعلان</div>
<article><h1>قاآني في سوريا</h1>{_paras(AR_PARAGRAPHS)}</article>
<aside><h3>الأكثر قراءة</h3><ul><li><a href="/1">ارتفاع أسعار النفط</a></li><li><a href="/2">نتائج المباريات</a></li></ul></aside>
<footer>جميع الحقوق محفوظة © 2023 صحيفة المشرق</footer></body></html>"""


def _read_one(path: Path) -> object:
    docs = read_articles(path)
    assert len(docs) == 1
    return docs[0]


def _has_paragraphs(text: str, paragraphs: list[str]) -> None:
    blocks = text.split("\n\n")
    for paragraph in paragraphs:
        assert paragraph in blocks, paragraph


def test_english_news_page(tmp_path: Path) -> None:
    path = tmp_path / "quds.html"
    path.write_text(english_page(), encoding="utf-8")
    doc = _read_one(path)
    _has_paragraphs(doc.text, EN_PARAGRAPHS)
    assert doc.text.startswith("Quds Force chief visits Syria\n\n")  # the headline leads
    assert _absent(doc.text) == []
    assert "Home" not in doc.text.split("\n") and "By Jane Doe" not in doc.text
    m = doc.meta
    assert (m.title, m.source, m.author, m.date, m.lang) == (
        "Quds Force chief visits Syria", "The Levant Herald", "Jane Doe", "2023-09-22", "en"
    )
    assert m.url == "https://levantherald.example/world/quds-force-syria"
    assert m.filename == "quds.html" and m.original_path == str(path.resolve())
    assert len(m.original_sha256) == 64


def test_french_page_with_json_ld(tmp_path: Path) -> None:
    path = tmp_path / "qods.htm"
    path.write_text(french_page(), encoding="utf-8")
    doc = _read_one(path)
    _has_paragraphs(doc.text, FR_PARAGRAPHS)
    assert _absent(doc.text) == [] and "Publicité" not in doc.text and "Les plus lus" not in doc.text
    m = doc.meta
    assert (m.title, m.source, m.author, m.date, m.lang) == (
        "Le chef de la Force Qods en Syrie", "Le Courrier du Levant", "Marie Dubois", "2023-09-23", "fr"
    )
    assert m.url == "https://courrier-levant.example/monde/force-qods-syrie"


def test_arabic_right_to_left_page(tmp_path: Path) -> None:
    path = tmp_path / "qaani.html"
    path.write_bytes(arabic_page().encode("utf-8"))
    doc = _read_one(path)
    _has_paragraphs(doc.text, AR_PARAGRAPHS)
    assert _absent(doc.text) == [] and "إعلان" not in doc.text and "رياضة" not in doc.text
    m = doc.meta
    assert (m.source, m.author, m.date, m.lang) == ("صحيفة المشرق", "أحمد الخطيب", "2023-09-24", "ar")
    assert m.title == "قاآني في سوريا" and m.url == "https://mashreq.example/ar/syria/qaani"


def test_page_in_a_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin1.html"
    path.write_bytes(french_page().replace("utf-8", "iso-8859-1").encode("latin-1", "replace"))
    doc = _read_one(path)
    assert "le général Esmaïl Qaani a visité plusieurs régions" in doc.text


def test_mhtml_web_archive(tmp_path: Path) -> None:
    archive = EmailMessage()
    archive["Subject"] = "Quds Force chief visits Syria"
    archive["Snapshot-Content-Location"] = "https://levantherald.example/world/quds-force-syria"
    archive["MIME-Version"] = "1.0"
    archive.set_content(english_page(), subtype="html", cte="quoted-printable")
    archive.add_related(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, maintype="image", subtype="png")
    path = tmp_path / "saved.mhtml"
    path.write_bytes(archive.as_bytes())
    doc = _read_one(path)
    _has_paragraphs(doc.text, EN_PARAGRAPHS)
    assert _absent(doc.text) == []
    assert doc.meta.source == "The Levant Herald" and doc.meta.date == "2023-09-22"


# -- PDF --------------------------------------------------------------------------------------

PDF_LINES = [  # page by page: the body as laid out, "" for a paragraph gap
    [
        "IRGC-QF Commander visits Syria",
        "",
        "The Commander of the Quds Force, Esmail Qaani, recently visited Syria and",
        "met with senior officials in Damascus, overseeing a joint military drill. The",
        "conversations centered on the multifaceted security challenges facing Syria.",
        "",
        "During the joint exercise, Qaani explored various operational zones, inclu-",
        "ding a visit to the armoured and artillery units of the Syrian army in the",
        "province of Homs, according to the Syrian Observatory for Human",
    ],
    [
        "Rights, which reported his participation in the drills held with Hezbollah",
        "in the Palmyra desert, an area of strategic importance.",
        "",
        "Iran maintains a substantial focus on Syria in a bilateral context and in",
        "the coordinated operations of allied militias across the region.",
    ],
    [
        "Despite domestic criticism of the cost of its investment in Syria, Iran's",
        "commitment to its operations there remains unfaltering.",
    ],
]
PDF_PARAGRAPHS = [
    "IRGC-QF Commander visits Syria",
    "The Commander of the Quds Force, Esmail Qaani, recently visited Syria and met with senior "
    "officials in Damascus, overseeing a joint military drill. The conversations centered on the "
    "multifaceted security challenges facing Syria.",
    "During the joint exercise, Qaani explored various operational zones, including a visit to "
    "the armoured and artillery units of the Syrian army in the province of Homs, according to "
    "the Syrian Observatory for Human Rights, which reported his participation in the drills held "
    "with Hezbollah in the Palmyra desert, an area of strategic importance.",
    "Iran maintains a substantial focus on Syria in a bilateral context and in the coordinated "
    "operations of allied militias across the region.",
    "Despite domestic criticism of the cost of its investment in Syria, Iran's commitment to its "
    "operations there remains unfaltering.",
]


def make_report_pdf(path: Path) -> None:
    """A think-tank brief: running header, footer with the page number, hyphenated lines."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Iran Dossier: the Quds Force in Syria")
    c.setAuthor("Alma Research Center")
    c.setCreator("Word")
    pages = len(PDF_LINES)
    for number, lines in enumerate(PDF_LINES, 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, 805, "ALMA RESEARCH AND EDUCATION CENTER | Iran Dossier, September 2023")
        c.setFont("Helvetica", 11)
        y = 760.0
        for line in lines:
            if line:
                c.drawString(72, y, line)
                y -= 15
            else:
                y -= 12
        c.setFont("Helvetica", 8)
        c.drawString(72, 40, "www.alma-org.example · Confidential")
        c.drawString(480, 40, f"Page {number} of {pages}")
        c.showPage()
    c.save()


def test_pdf_report_paragraphs_hyphens_and_furniture(tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    make_report_pdf(path)
    doc = _read_one(path)
    assert doc.text.split("\n\n") == PDF_PARAGRAPHS
    assert doc.meta.title == "Iran Dossier: the Quds Force in Syria"
    assert doc.meta.author == "Alma Research Center"
    assert doc.meta.date == datetime.now().strftime("%Y-%m-%d")  # reportlab stamps today


def test_pdf_typeset_with_flowing_paragraphs(tmp_path: Path) -> None:
    """A PDF typeset by a layout engine (wrapped, justified lines over three pages)."""
    path = tmp_path / "typeset.pdf"
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.spaceAfter = 10
    paragraphs = [
        f"Paragraph {i}: " + " ".join(EN_PARAGRAPHS) + f" The reports, numbered {i}, said no more."
        for i in range(1, 19)
    ]
    story: list[object] = [Paragraph("A long brief on the Quds Force", styles["Title"])]
    for text in paragraphs:
        story += [Paragraph(text, body), Spacer(1, 4)]

    def footer(canvas_: canvas.Canvas, pdf: SimpleDocTemplate) -> None:
        canvas_.setFont("Helvetica", 8)
        canvas_.drawString(290, 30, str(pdf.page))

    SimpleDocTemplate(str(path), pagesize=A4, title="A long brief", author="Analyst Desk").build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    doc = _read_one(path)
    blocks = doc.text.split("\n\n")
    assert blocks[0] == "A long brief on the Quds Force"
    assert blocks[1:] == paragraphs
    assert doc.meta.title == "A long brief" and doc.meta.author == "Analyst Desk"


# -- Word, e-mail, feeds ------------------------------------------------------------------------


def test_word_document(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Weekly brief: Syria"
    document.core_properties.author = "Desk Officer"
    document.core_properties.created = datetime(2023, 9, 25, 9, 0)
    section = document.sections[0]
    section.header.paragraphs[0].text = "RESTRICTED — internal brief"
    section.footer.paragraphs[0].text = "Page 1"
    document.add_heading("Quds Force chief visits Syria", level=1)
    for paragraph in EN_PARAGRAPHS:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Actor", "Role"
    table.cell(1, 0).text, table.cell(1, 1).text = "Ismail Qaani", "Quds Force commander"
    path = tmp_path / "brief.docx"
    document.save(str(path))
    doc = _read_one(path)
    assert doc.text.split("\n\n") == [
        "Quds Force chief visits Syria", *EN_PARAGRAPHS, "Actor | Role", "Ismail Qaani | Quds Force commander"
    ]
    assert "RESTRICTED" not in doc.text and "Page 1" not in doc.text
    assert (doc.meta.title, doc.meta.author, doc.meta.date) == ("Weekly brief: Syria", "Desk Officer", "2023-09-25")


@pytest.mark.parametrize("html", [False, True], ids=["plain", "html-only"])
def test_email(tmp_path: Path, html: bool) -> None:
    message = EmailMessage()
    message["Subject"] = "Fwd: Quds Force chief visits Syria"
    message["From"] = "Levant Herald Newsletter <news@levantherald.example>"
    message["To"] = "analyst@example.org"
    message["Date"] = "Fri, 22 Sep 2023 18:05:00 +0300"
    if html:
        message.set_content("<html><body>" + _paras(EN_PARAGRAPHS) + "</body></html>", subtype="html")
    else:
        message.set_content("\n\n".join(EN_PARAGRAPHS) + "\n")
    path = tmp_path / "forwarded.eml"
    path.write_bytes(message.as_bytes())
    doc = _read_one(path)
    assert doc.text.split("\n\n") == EN_PARAGRAPHS
    assert (doc.meta.title, doc.meta.author, doc.meta.date) == (
        "Fwd: Quds Force chief visits Syria", "Levant Herald Newsletter", "2023-09-22"
    )


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Levant Herald - World</title><link>https://levantherald.example/world</link>
<language>en-gb</language>
<item><title>Quds Force chief visits Syria</title>
<link>https://levantherald.example/world/quds-force-syria</link>
<dc:creator>Jane Doe</dc:creator><pubDate>Fri, 22 Sep 2023 10:00:00 GMT</pubDate>
<description>Short teaser.</description>
<content:encoded><![CDATA[{body}<div class="share-buttons">Share on X</div>
<script>track("Advertisement")</script>]]></content:encoded></item>
<item><title>Drill ends near Homs</title><link>https://levantherald.example/world/drill-ends</link>
<pubDate>Sat, 23 Sep 2023 07:30:00 GMT</pubDate>
<source url="https://wire.example/feed">Wire Service</source>
<description>&lt;p&gt;The joint drill ended near Homs on Saturday, officials said.&lt;/p&gt;</description></item>
<item><title>Link only</title><link>https://levantherald.example/world/link-only</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
<title>Le Courrier du Levant</title><id>urn:courrier</id><updated>2023-09-23T08:30:00Z</updated>
<entry><title>Le chef de la Force Qods en Syrie</title>
<link href="https://courrier-levant.example/monde/force-qods-syrie"/>
<id>urn:1</id><published>2023-09-23T08:30:00+02:00</published><updated>2023-09-24T00:00:00Z</updated>
<author><name>Marie Dubois</name></author>
<content type="html">{body}</content></entry>
</feed>"""


def test_rss_feed_entries_are_articles(tmp_path: Path) -> None:
    from xml.sax.saxutils import escape

    path = tmp_path / "world.rss"
    path.write_text(RSS.format(body=_paras(EN_PARAGRAPHS)), encoding="utf-8")
    notices: list[str] = []
    docs = read_articles(path, notices)
    assert len(docs) == 2 and notices == [f"{path}: 1 entry without text skipped"]
    first, second = docs
    assert first.text.split("\n\n") == ["Quds Force chief visits Syria", *EN_PARAGRAPHS]
    assert _absent(first.text) == []
    assert (first.meta.source, first.meta.author, first.meta.date, first.meta.lang) == (
        "The Levant Herald - World", "Jane Doe", "2023-09-22", "en"
    )
    assert first.meta.url == "https://levantherald.example/world/quds-force-syria"
    assert first.meta.filename == "world.rss#1" and second.meta.filename == "world.rss#2"
    assert second.text == "Drill ends near Homs\n\nThe joint drill ended near Homs on Saturday, officials said."
    assert second.meta.source == "Wire Service" and second.meta.date == "2023-09-23"
    assert first.meta.original_path == second.meta.original_path == str(path.resolve())

    atom = tmp_path / "courrier.atom"
    atom.write_text(ATOM.format(body=escape(_paras(FR_PARAGRAPHS))), encoding="utf-8")
    (doc,) = read_articles(atom)
    assert doc.text.split("\n\n") == ["Le chef de la Force Qods en Syrie", *FR_PARAGRAPHS]
    assert (doc.meta.source, doc.meta.author, doc.meta.date, doc.meta.lang) == (
        "Le Courrier du Levant", "Marie Dubois", "2023-09-23", "fr"
    )
    assert doc.meta.url == "https://courrier-levant.example/monde/force-qods-syrie"


# -- details beside plain text ----------------------------------------------------------------


def test_sidecar_and_manifests_give_plain_text_its_details(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    raw = " date 2023-05-12 Islam Times - Chief of Staff met the Syrian army's chief.\n"
    (folder / "a.txt").write_text(raw, encoding="utf-8")
    (folder / "a.meta.json").write_text('{"outlet": "Islam Times", "author": "Staff"}', encoding="utf-8")
    (folder / "b.txt").write_text("Second article, from the manifest.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Third article, from the CSV manifest.\n", encoding="utf-8")
    (folder / "manifest.json").write_text(
        json.dumps({"b.txt": {"source": "Asharq Al-Awsat", "date": "2023-09-23", "url": "https://x.example/b"}}),
        encoding="utf-8",
    )
    (folder / "manifest.csv").write_text(
        "filename,source,date,author\nc.txt,Iran Dossier,2023-09-24,Alma\n", encoding="utf-8"
    )
    files = list(iter_article_files([folder]))
    assert [p.name for p in files] == ["a.txt", "b.txt", "c.txt"]  # details files are not articles
    a, b, c = (read_articles(p)[0] for p in files)
    assert (a.meta.source, a.meta.author, a.meta.date) == ("Islam Times", "Staff", "2023-05-12")
    assert (folder / "a.txt").read_text(encoding="utf-8") == raw  # the file is only read
    assert (b.meta.source, b.meta.date, b.meta.url) == ("Asharq Al-Awsat", "2023-09-23", "https://x.example/b")
    assert (c.meta.source, c.meta.date, c.meta.author) == ("Iran Dossier", "2023-09-24", "Alma")


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    [
        ('{"outlet": 3}', "source must be a string"),
        ('{"publisher": "X"}', "unknown field 'publisher'"),
        ('{"date": "22/09/2023"}', "is not a date (YYYY-MM-DD)"),
        ('["Islam Times"]', "expected an object of details"),
        ('{"source": ', "invalid JSON"),
    ],
)
def test_bad_sidecar_is_named(tmp_path: Path, sidecar: str, reason: str) -> None:
    (tmp_path / "a.txt").write_text("An article.\n", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(sidecar, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_articles(tmp_path / "a.txt")
    assert "a.meta.json" in caught.value.message and reason in caught.value.message


def two_article_page() -> tuple[str, list[str]]:
    """A page like the sample's Asharq Al-Awsat one: the article, then an unrelated second one."""
    second = [
        "The European Union's envoy said that Madrid is one of the capitals witnessing behind the "
        "scenes activity aimed at getting out of the crisis in Gaza.",
        "He noted that Spain, Slovenia and Ireland joined Norway in recognizing a Palestinian state "
        "this year, adding that the move could contribute to a solution.",
    ]
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Iran's Quds Force Chief in Syria to Oversee Joint Drill | Asharq Al-Awsat</title>
<meta property="og:site_name" content="Asharq Al-Awsat">
<meta property="article:published_time" content="2023-09-23T09:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Iran's Quds Force Chief in Syria to Oversee Joint Drill</h1>{_paras(EN_PARAGRAPHS)}</article>
<div class="ad">Advertisement</div>
<article><h2>EU Envoy: Madrid Is Working on a Way Out of the Gaza Crisis</h2>{_paras(second)}</article>
<footer>© 2023 Asharq Al-Awsat. All rights reserved.</footer></body></html>""", second


def test_a_page_of_two_articles_is_split_on_request(tmp_path: Path) -> None:
    html, second = two_article_page()
    path = tmp_path / "aawsat.html"
    path.write_text(html, encoding="utf-8")
    notices: list[str] = []
    (whole,) = read_articles(path, notices)
    assert notices == [
        f"{path}: the page holds 2 articles, imported as one document (--split-articles imports each on its own)"
    ]
    first, other = read_articles(path, [], split_articles=True)
    assert first.text.split("\n\n") == ["Iran's Quds Force Chief in Syria to Oversee Joint Drill", *EN_PARAGRAPHS]
    assert other.text.split("\n\n") == ["EU Envoy: Madrid Is Working on a Way Out of the Gaza Crisis", *second]
    for doc, number in ((first, 1), (other, 2)):
        assert doc.meta.source == "Asharq Al-Awsat" and doc.meta.date == "2023-09-23"
        assert doc.meta.lang == "en" and doc.meta.filename == f"aawsat.html#{number}"
        assert _absent(doc.text) == []
    assert other.meta.title == "EU Envoy: Madrid Is Working on a Way Out of the Gaza Crisis"


def test_a_page_saved_complete_brings_its_assets_folder_but_one_article(tmp_path: Path) -> None:
    """A browser's "Web page, complete": the page, and a folder of scripts, styles and ad frames."""
    folder = tmp_path / "saved"
    assets = folder / "Quds Force chief visits Syria_files"
    assets.mkdir(parents=True)
    (folder / "Quds Force chief visits Syria.html").write_text(english_page(), encoding="utf-8")
    (assets / "ad-frame.htm").write_text("<html><body><a href='/x'>Buy now</a></body></html>", encoding="utf-8")
    (assets / "widget.html").write_text("<html><body>Sign in</body></html>", encoding="utf-8")
    (assets / "style.css").write_text("p { color: red }", encoding="utf-8")
    other = folder / "notes_files"  # a folder that merely ends so, with no page beside it
    other.mkdir()
    (other / "memo.txt").write_text("A memo about the drill near Homs.\n", encoding="utf-8")
    assert [p.name for p in iter_article_files([folder])] == ["Quds Force chief visits Syria.html", "memo.txt"]
