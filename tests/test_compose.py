import datetime as dt
from pathlib import Path

import docx
import pytest

from summarizer import OutputError, brief
from summarizer.compose.briefing import build_briefing
from summarizer.compose.fonts import east_asian_font
from summarizer.types import SkippedFile, Summary
from tests.conftest import make_article, make_region


@pytest.fixture(scope="module")
def seed_docx(seed_articles, tmp_path_factory) -> tuple[Path, object]:
    skipped = (SkippedFile(Path("broken.txt"), "binary file, not text"),)
    result = brief(seed_articles, title="测试简报", skipped=skipped)
    path = tmp_path_factory.mktemp("out") / "b.docx"
    result.write(path)
    return path, result


def _headings(doc, level):
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def test_docx_structure(seed_docx, seed_articles):
    path, _ = seed_docx
    doc = docx.Document(str(path))
    assert doc.paragraphs[0].text == "测试简报" and doc.paragraphs[0].style.name == "Title"
    assert _headings(doc, 1) == ["黑龙江省", "山东省", "河南省", "海南省", "四川省", "附录：未能读取的文件"]
    # 002 is a page of three stories; one of them may be placed elsewhere (regions decide).
    cities = _headings(doc, 2)
    assert [c for c in cities if c in {"哈尔滨市", "聊城市", "商丘市", "海口市", "内江市"}] == [
        "哈尔滨市", "聊城市", "商丘市", "海口市", "内江市"]
    titles = " ".join(_headings(doc, 3))
    for article in seed_articles:
        assert article.title in titles
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "broken.txt：binary file, not text" in body
    assert "摘要：extractive" in body and "秀英区" in body


def test_every_used_style_has_an_east_asian_font(seed_docx):
    doc = docx.Document(str(seed_docx[0]))
    for name in {p.style.name for p in doc.paragraphs}:
        style = doc.styles[name]
        while style is not None and east_asian_font(style) is None:
            style = style.base_style
        assert style is not None, f"style {name} has no w:eastAsia font"


def test_key_figures_are_verbatim_in_their_article(seed_docx):
    _, result = seed_docx
    for item in result.items:
        for figure in item.key_figures:
            assert figure.text in item.article.text and figure.sentence in item.article.text


def test_cities_in_code_order_and_no_city_last():
    def art(city, code):
        return make_article(region=make_region("山东省", city, code), title=city or "无市")

    items = [art(None, "370000"), art("聊城市", "371500"), art("济南市", "370100")]
    result = build_briefing(items, [Summary("摘要。", "extractive")] * 3, title="t", date=dt.date(2024, 1, 1))
    assert [c.name for c in result.sections[0].cities] == ["济南市", "聊城市", "未注明城市"]


def test_write_is_atomic_and_unknown_suffix_is_refused(seed_docx, tmp_path):
    _, result = seed_docx
    with pytest.raises(OutputError, match="unknown output format"):
        result.write(tmp_path / "b.pdf")
    target = tmp_path / "keep.docx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError):
        result.write(target, template=tmp_path / "missing-template.docx")
    assert target.read_bytes() == b"old"  # a failed write leaves the old file untouched
    assert [p.name for p in tmp_path.iterdir()] == ["keep.docx"]  # and no temp file behind
