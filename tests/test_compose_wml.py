"""compose/wml.py writes the body python-docx would write, without its search for the w:sectPr."""

import dataclasses
from importlib import resources
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from summarizer import brief
from summarizer.compose import layout
from summarizer.compose.wml import body_writer, run
from tests.conftest import make_article, make_region

# Text python-docx turns into more than one w:t: tabs, line ends, spaces at the ends (U+3000 too).
TEXTS = ("物业为300户业主配送物资", "甲\t乙", "第一行\n第二行\r\n第三行", " 前后空格 ", "　全角空格开头", "\t", "")


def _template():
    with resources.as_file(resources.files("summarizer.compose") / "templates" / "plain.docx") as path:
        doc = docx.Document(str(path))
    for child in list(doc.element.body)[:-1]:  # the page setup stays
        doc.element.body.remove(child)
    return doc


def _body(doc):
    return etree.tostring(doc.element.body, encoding="unicode")


def test_paragraphs_and_runs_are_the_xml_python_docx_writes():
    ours, theirs = _template(), _template()
    with body_writer(ours) as body:
        for text in TEXTS:
            for style in (None, "Heading 3", "Meta"):
                body.paragraph(text, style)
                theirs.add_paragraph(text, style)
            p = body.paragraph(style="Key Figure", keep_with_next=True)
            run(p, text, bold=True)
            run(p, f"　{text}")
            q = theirs.add_paragraph(style="Key Figure")
            q.paragraph_format.keep_with_next = True
            q.add_run(text).bold = True
            q.add_run(f"　{text}")
            body.paragraph(text, "Caption", keep_with_next=False)
            theirs.add_paragraph(text, "Caption").paragraph_format.keep_with_next = False
    assert _body(ours) == _body(theirs)
    assert "第一行\n第二行\n\n第三行" in [p.text for p in ours.paragraphs]  # python-docx reads it back


@pytest.mark.parametrize("keep_together", [True, False])
def test_a_table_is_the_xml_python_docx_writes(keep_together):
    header, rows, widths = ("序号", "标题", "来源"), [("1", "标题甲", ""), ("2", "标题\t乙", "某报")], (1.2, 6.0, 2.8)
    ours, theirs = _template(), _template()
    with body_writer(ours) as body:
        body.table(header, rows, widths, style="Table Grid", keep_together=keep_together)
    table = theirs.add_table(rows=1, cols=3)
    table.style = theirs.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    all_rows = [(table.rows[0].cells, header)] + [(table.add_row().cells, r) for r in rows]
    for n, (cells, values) in enumerate(all_rows):
        for cell, value, width in zip(cells, values, widths, strict=True):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = "Table Text"
            value_run = paragraph.add_run(value)
            if n == 0:
                value_run.bold = True
            paragraph.paragraph_format.keep_with_next = keep_together and n < len(all_rows) - 1
    flag = etree.SubElement(table.rows[0]._tr.get_or_add_trPr(), qn("w:tblHeader"))
    flag.set(qn("w:val"), "true")
    assert _body(ours) == _body(theirs)
    [read] = theirs.tables
    assert [[c.text for c in row.cells] for row in read.rows] == [list(header), *map(list, rows)]


def test_the_page_setup_stays_last_even_when_writing_fails():
    doc = _template()
    with pytest.raises(RuntimeError), body_writer(doc) as body:
        body.paragraph("一段", "Meta")
        assert doc.element.body.find(qn("w:sectPr")) is None  # set aside while writing
        raise RuntimeError("stop")
    children = list(doc.element.body)
    assert [c.tag for c in children] == [qn("w:p"), qn("w:sectPr")]


def test_style_lookups_say_which_style_is_wrong():
    with body_writer(_template()) as body:
        assert body.style_id("Heading 1") == "Heading1" and body.style_id("Normal") is None
        with pytest.raises(KeyError, match="Fancy"):
            body.paragraph("x", "Fancy")
        with pytest.raises(ValueError, match="'Table Grid' is a TABLE"):
            body.paragraph("x", "Table Grid")
        assert body.style_id("Table Grid", WD_STYLE_TYPE.TABLE) is not None


def test_a_long_briefing_renders_every_story_in_order_with_page_setup_last(tmp_path):
    cities = [("山东省", "济南市", "370100"), ("山东省", "青岛市", "370200"), ("四川省", "成都市", "510100")]
    articles = [make_article(f"第{n}篇：某小区物业为{n}户业主配送物资。居民表示感谢。", title=f"新闻{n}",
                             path=Path(f"{n}.txt"), region=make_region(*cities[n % 3])) for n in range(300)]
    result = brief(articles, backend="extractive", dedup=False, title="长简报")
    # A summary with a tab and line breaks keeps them (w:tab, w:br) and reads back the same.
    first = result.items[0]
    odd = dataclasses.replace(first, summary=dataclasses.replace(first.summary, text="第一行\n第二行\t表"))
    section, city = result.sections[0], result.sections[0].cities[0]
    city = dataclasses.replace(city, items=(odd, *city.items[1:]))
    section = dataclasses.replace(section, cities=(city, *section.cities[1:]))
    result = dataclasses.replace(result, sections=(section, *result.sections[1:]))
    result.write(tmp_path / "long.docx")
    doc = docx.Document(str(tmp_path / "long.docx"))
    body = list(doc.element.body)
    assert body[-1].tag == qn("w:sectPr") and len(doc.element.body.findall(qn("w:sectPr"))) == 1
    titles = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert titles == [layout.item_title(i) for s in result.sections for c in s.cities for i in c.items]
    assert len(titles) == 300
    assert "第一行\n第二行\t表" in [p.text for p in doc.paragraphs]
    sources = doc.tables[-1]
    assert len(sources.rows) == 301 and sources.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_spooled_document_is_the_document_held_whole(tmp_path, monkeypatch):
    """Written out story by story, the document is byte for byte the one python-docx saves from one tree,
    every other part of the file too."""
    import zipfile

    from summarizer.compose import wml
    from summarizer.ingest import load_articles

    articles = load_articles([Path(__file__).resolve().parent.parent / "seeds"])
    result = brief(articles, backend="extractive", title="简报", unit="某单位", issue="第3期")
    monkeypatch.setattr(wml.Spool, "BATCH", 2)  # the seeds' few stories in several batches,
    monkeypatch.setattr(wml.Spool, "ROWS", 2)  # the list of sources too
    written = []
    tostring = wml.etree.tostring
    def counting(element, **options):
        if element.tag == qn("w:body"):  # a batch of the spool's (python-docx serialises whole parts)
            written.append(len(element))
        return tostring(element, **options)

    monkeypatch.setattr(wml.etree, "tostring", counting)
    streamed = []
    stream = wml.Spool.stream
    monkeypatch.setattr(wml.Spool, "stream", lambda self, *a: streamed.append(a[0]) or stream(self, *a))
    result.write(tmp_path / "spooled.docx")
    assert [e.tag for e in streamed] == [qn("w:tbl")]  # the list of sources, row batch by row batch
    assert len(written) >= 3 and max(written) < 60  # batch by batch, the tree stays small
    monkeypatch.setattr(wml.Spool, "start", lambda self, writer: None)  # nothing spooled: the whole tree saved
    result.write(tmp_path / "whole.docx")
    with zipfile.ZipFile(tmp_path / "spooled.docx") as a, zipfile.ZipFile(tmp_path / "whole.docx") as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert "<!--" not in zipfile.ZipFile(tmp_path / "spooled.docx").read("word/document.xml").decode()
