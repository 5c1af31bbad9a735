import dataclasses
import datetime as dt
import logging
import re
import shutil
import stat
import unicodedata
from importlib import resources
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from summarizer import OutputError, brief
from summarizer.compose import layout
from summarizer.compose.briefing import build_briefing
from summarizer.compose.fields import instructions
from summarizer.compose.fonts import east_asian_font
from summarizer.types import Region, SkipKind, SkippedFile, Summary
from tests.conftest import make_article, make_region

TEMPLATES = ("plain", "gongwen")
DATE = dt.date(2024, 5, 18)


@pytest.fixture(scope="module")
def seed_briefing(seed_articles):
    skipped = (SkippedFile(Path("broken.txt"), SkipKind.BINARY),)
    return brief(seed_articles, title="测试简报", skipped=skipped, issue="12", unit="某某协会秘书处", date=DATE)


@pytest.fixture(scope="module", params=TEMPLATES)
def seed_doc(request, seed_briefing, tmp_path_factory):
    path = tmp_path_factory.mktemp(request.param) / "b.docx"
    seed_briefing.write(path, template=request.param)
    return docx.Document(str(path))


def _headings(doc, level):
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def _norm(text):
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_masthead_headings_in_code_order_and_appendix(seed_doc, seed_articles):
    texts = [p.text for p in seed_doc.paragraphs]
    assert texts[:3] == ["测试简报", "第12期", "某某协会秘书处\t2024年5月18日"]
    assert [p.style.name for p in seed_doc.paragraphs[:3]] == ["Title", "Subtitle", "Masthead"]
    # Heading 1 is exactly the regions; 综述 and 附录 have their own style that looks the same.
    assert _headings(seed_doc, 1) == ["黑龙江省", "山东省", "河南省", "海南省", "四川省"]
    assert [p.text for p in seed_doc.paragraphs if p.style.name == "Part Heading"] == ["综述", "附录"]
    assert _headings(seed_doc, 2) == ["哈尔滨市", "聊城市", "商丘市", "海口市", "内江市", layout.SOURCES,
                                      layout.SKIPPED]
    h3 = _headings(seed_doc, 3)
    assert len(h3) == len(seed_articles) and all(any(a.title in t for t in h3) for a in seed_articles)
    after_skipped = texts[texts.index(layout.SKIPPED):]
    assert "broken.txt：二进制文件，不是文本" in after_skipped
    body = "\n".join(texts)
    assert "摘要：均为抽取式摘要" in body and "秀英区" in body and "关键词：" in body


def test_toc_page_fields_header_and_a4(seed_doc):
    body = instructions(seed_doc.element.body)
    assert any(i.startswith("TOC") and '\\o "1-2"' in i for i in body)
    toc = [p.text for p in seed_doc.paragraphs if p.style.name in ("toc 1", "toc 2")]
    levels = ("Part Heading", "Heading 1", "Heading 2")
    assert toc == [p.text for p in seed_doc.paragraphs if p.style.name in levels]
    assert toc[:2] == ["综述", "黑龙江省"] and toc[-1] == layout.SKIPPED
    section = seed_doc.sections[0]
    footer = section.footer.paragraphs[0]
    assert instructions(footer._p) == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("第 ") and " 页 共 " in footer.text and footer.text.endswith(" 页")
    assert section.header.paragraphs[0].text == "测试简报"
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert seed_doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    props = seed_doc.core_properties
    assert (props.title, props.subject, props.author, props.created.date()) == ("测试简报", "第12期", "某某协会秘书处",
                                                                                 DATE)


def _styles_used(doc):
    paragraphs = list(doc.paragraphs) + [p for s in doc.sections for p in (*s.header.paragraphs,
                                                                          *s.footer.paragraphs)]
    paragraphs += [p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return {p.style.name for p in paragraphs}


def test_every_used_style_has_an_east_asian_font(seed_doc):
    used = _styles_used(seed_doc)
    assert {"Table Text", "Key Figure", "Header", "Footer", "toc 1"} <= used
    for name in used:
        style = seed_doc.styles[name]
        while style is not None and east_asian_font(style) is None:
            style = style.base_style
        assert style is not None, f"style {name} has no w:eastAsia font"


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_name_real_east_asian_faces_never_theme_fonts(name):
    with resources.as_file(resources.files("summarizer.compose") / "templates" / f"{name}.docx") as path:
        styles = docx.Document(str(path)).styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia"))  # what a style without its own inherits
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for rfonts in styles.iter(qn("w:rFonts")):
        assert not [k for k in rfonts.attrib if k.lower().endswith("theme")], rfonts.attrib


def test_gongwen_template_follows_official_document_fonts_with_fallbacks():
    with resources.as_file(resources.files("summarizer.compose") / "templates" / "gongwen.docx") as path:
        doc = docx.Document(str(path))
        fonts = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")).blob
    assert east_asian_font(doc.styles["Title"]) == "方正小标宋简体"
    assert east_asian_font(doc.styles["Heading 1"]) == "黑体"
    assert east_asian_font(doc.styles["Normal"]) == "仿宋"
    assert doc.styles["Normal"].font.size.pt == 16  # 三号
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts.decode("utf-8")


def test_key_figures_are_verbatim_in_their_article(seed_doc, seed_briefing):
    texts = {_norm(i.article.text) for i in seed_briefing.items}
    shown = [p for p in seed_doc.paragraphs if p.style.name == "Key Figure"]
    assert len(shown) == sum(len(i.key_figures) for i in seed_briefing.items) > 0
    for paragraph in shown:
        figure, quote = paragraph.runs[0].text, paragraph.runs[1].text.strip().strip("「」")
        assert paragraph.runs[0].bold
        parts = [_norm(q) for q in quote.split("…") if q]
        assert any(_norm(figure) in t and all(q in t for q in parts) for t in texts), paragraph.text
    for item in seed_briefing.items:
        for figure in item.key_figures:
            assert figure.text in figure.sentence and figure.sentence in item.article.text


def test_tables_count_regions_and_list_every_source(seed_doc, seed_articles):
    regions, sources = seed_doc.tables
    assert [c.text for c in regions.rows[-1].cells] == ["合计", "", str(len(seed_articles))]
    assert sum(int(r.cells[2].text) for r in regions.rows[1:-1]) == len(seed_articles)
    files = {r.cells[4].text for r in sources.rows[1:]}
    assert files == {a.name for a in seed_articles}


def test_chart_present_when_a_cjk_font_exists_else_skipped_with_a_note(seed_briefing, tmp_path, monkeypatch,
                                                                       caplog):
    pytest.importorskip("matplotlib")
    from summarizer.compose import chart

    if chart.cjk_font() is None:
        pytest.skip("no CJK font installed")
    seed_briefing.write(tmp_path / "a.docx")
    assert len(docx.Document(str(tmp_path / "a.docx")).inline_shapes) == 1
    monkeypatch.setattr(chart, "cjk_font", lambda: None)
    with caplog.at_level(logging.INFO, logger="summarizer.compose.chart"):
        seed_briefing.write(tmp_path / "b.docx")
    assert len(docx.Document(str(tmp_path / "b.docx")).inline_shapes) == 0
    assert "chart skipped: no font with Chinese glyphs" in caplog.text


def test_cities_in_code_order_and_no_city_last():
    def art(city, code):
        return make_article(region=make_region("山东省", city, code), title=city or "无市")

    items = [art(None, "370000"), art("聊城市", "371500"), art("济南市", "370100")]
    result = build_briefing(items, [Summary("摘要。", "extractive")] * 3, title="t", date=DATE)
    assert [c.name for c in result.sections[0].cities] == ["济南市", "聊城市", "未注明城市"]


def test_multi_and_national_sections_after_provinces_before_other(tmp_path):
    articles = [
        make_article(title="全国", region=Region(scope="national", confidence=0.8)),
        make_article(title="不详"),
        make_article(title="多地", region=Region(province="山东省", code="370000", scope="multi", confidence=0.3)),
        make_article(title="四川", region=make_region("四川省", "成都市", "510100")),
        make_article(title="山东", region=make_region("山东省", "济南市", "370100")),
    ]
    result = build_briefing(articles, [Summary("摘要。", "extractive")] * 5, title="t", date=DATE)
    assert [(s.name, s.scope) for s in result.sections] == [
        ("山东省", "local"), ("四川省", "local"), ("多地", "multi"), ("全国", "national"), ("其他地区", "unknown")]
    assert result.overview is not None and "5篇" in result.overview.text and "2个省份" in result.overview.text
    result.write(tmp_path / "s.docx")
    doc = docx.Document(str(tmp_path / "s.docx"))
    assert _headings(doc, 1) == ["山东省", "四川省", "多地", "全国", "其他地区"]
    notes = [p.text for p in doc.paragraphs if p.style.name == "Engine Note"]
    assert any("地区判断置信度低（30%）" in n for n in notes)


def test_templates_by_name_by_path_and_bad_ones(seed_briefing, tmp_path):
    with resources.as_file(resources.files("summarizer.compose") / "templates" / "plain.docx") as plain:
        shutil.copy(plain, tmp_path / "mine.docx")
    seed_briefing.write(tmp_path / "ok.docx", template=tmp_path / "mine.docx")
    assert docx.Document(str(tmp_path / "ok.docx")).paragraphs[0].text == "测试简报"
    with pytest.raises(OutputError, match="template fancy not found: give plain or gongwen"):
        seed_briefing.write(tmp_path / "x.docx", template="fancy")
    docx.Document().save(str(tmp_path / "bare.docx"))
    with pytest.raises(OutputError, match=r"lacks styles: .*Masthead"):
        seed_briefing.write(tmp_path / "x.docx", template=tmp_path / "bare.docx")


def test_write_is_atomic_readable_and_unknown_suffix_is_refused(seed_briefing, tmp_path):
    with pytest.raises(OutputError, match=re.escape("unknown output format .pdf; use one of .docx, .json, .md")):
        seed_briefing.write(tmp_path / "b.pdf")
    target = tmp_path / "keep.docx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError):
        seed_briefing.write(target, template=tmp_path / "missing-template.docx")
    assert target.read_bytes() == b"old"  # a failed write leaves the old file untouched
    assert [p.name for p in tmp_path.iterdir()] == ["keep.docx"]  # and no temp file behind
    written = seed_briefing.write(tmp_path / "new.docx")
    assert written.stat().st_mode & stat.S_IRGRP  # not the 0600 of the temporary file


def test_masthead_without_issue_or_unit(seed_briefing, tmp_path):
    bare = dataclasses.replace(seed_briefing, issue=None, unit=None)
    bare.write(tmp_path / "b.docx")
    texts = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs[:3]]
    assert texts == ["测试简报", "\t2024年5月18日", "目录"]


def test_municipality_gets_no_repeated_city_heading_and_a_long_toc_lists_provinces_only(tmp_path):
    def art(province, city, code):
        return make_article(title=city, region=make_region(province, city, code))

    articles = [art("北京市", "北京市", "110100")]
    articles += [art("山东省", f"测试{i}市", f"37{i:02d}00") for i in range(1, 32)]
    result = build_briefing(articles, [Summary("摘要。", "extractive")] * len(articles), title="t", date=DATE)
    result.write(tmp_path / "m.docx")
    doc = docx.Document(str(tmp_path / "m.docx"))
    assert _headings(doc, 1)[:2] == ["北京市", "山东省"]
    assert "北京市" not in _headings(doc, 2) and len(_headings(doc, 2)) == 31 + 2
    assert any(i.startswith('TOC \\o "1-1"') for i in instructions(doc.element.body))
    assert [p.text for p in doc.paragraphs if p.style.name == "toc 1"] == ["综述", *_headings(doc, 1), "附录"]
    assert not [p for p in doc.paragraphs if p.style.name == "toc 2"]
    assert "：北京市1篇，山东省（测试1市、测试2市、测试3市等31个城市）31篇。" in result.overview.text
