"""Ingest of web pages, newspaper pages, garbled text and the format readers' metadata."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import load_articles
from summarizer.errors import SummarizerError
from summarizer.ingest import read_inputs
from summarizer.ingest.clean import join_hard_breaks, mark_garbled, repair_mojibake
from summarizer.ingest.furniture import split_furniture, trim_tail
from summarizer.ingest.html import drop_lines_before_title, extract_page, page_title, strip_site_suffix
from summarizer.ingest.readers import RawDocument
from summarizer.ingest.split import headline_meta, split_page
from summarizer.types import GARBLED
from tests.conftest import SEEDS

BODY = "秀英区坚持党建引领，以红色物业为抓手，有效激活小区治理。全区物业党支部冲向抗疫一线，守护居民平安。"

PAGE = f"""<!DOCTYPE html><html><head><meta charset="gb2312">
<title>秀英区红色物业守护小区平安_海口新闻网</title>
<meta property="og:title" content="秀英区红色物业守护小区平安"></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/news">新闻</a> &gt; 正文</div>
<h1>秀英区红色物业守护小区平安</h1>
<div class="info">2022-08-30 10:12 来源：海口日报 作者：张玉娜</div>
<article><p>{BODY}</p><p>{BODY}</p><p>截至目前，全区共配送物资5000余份。</p></article>
<div class="share">分享到：微信 微博</div>
<div class="footer">Copyright © 2022 海口新闻网 版权所有 琼ICP备12345678号</div>
</body></html>"""


def _stories():
    return [a for a in load_articles(SEEDS / "002_18d0aaeeb846bbee.txt")]


def test_newspaper_page_002_splits_into_three_stories_keeping_every_paragraph():
    stories = _stories()
    assert len(stories) == 3 and [a.part for a in stories] == [0, 1, 2]
    dumplings, property_, testing = stories
    assert property_.title == "水城物业人全链条服务守护“家园防线”" and not property_.title_derived
    assert property_.meta["kicker"] == "既当“保安员”又当“配送员”，既是“代购员”还是“垃圾清运员”"
    assert dumplings.title_derived and testing.title_derived
    # the last sentence of each story is still there, and the headline is not body text
    assert dumplings.text.endswith("送到一线工作人员的手中。")
    assert property_.text.startswith("11月末，为应对不断变化的疫情防控形势")
    assert property_.text.endswith("受到了广大业主的赞扬。") and "水城物业人" not in property_.text
    assert testing.text.endswith("成为寒冷冬日里最暖的风景。")
    assert "习以为常的忙碌" in testing.text.splitlines()  # a subhead stays a line of its own


def test_page_split_keeps_page_metadata_and_respects_a_front_matter_title():
    page = (SEEDS / "002_18d0aaeeb846bbee.txt").read_text(encoding="utf-8")
    doc = RawDocument(SEEDS / "p.txt", page, meta={"source": "聊城晚报", "date": "2022-11-28"})
    stories = split_page(doc)
    assert len(stories) == 3 and all(s.meta["source"] == "聊城晚报" for s in stories)
    assert split_page(RawDocument(SEEDS / "p.txt", page, meta={"title": "整版"})) == [
        RawDocument(SEEDS / "p.txt", page, meta={"title": "整版"})]
    prose = RawDocument(SEEDS / "q.txt", BODY + "\n" + BODY)
    assert split_page(prose) == [prose]


def _column(text: str, paragraphs: int = 7) -> str:
    """A story set in a 10-character column, several paragraphs."""
    para = "\n".join(text[k:k + 10] for k in range(0, len(text), 10))
    return "\n\n".join([para] * paragraphs)


def test_headline_block_goes_to_the_story_sharing_its_words_else_the_next():
    dumplings = "饭庄董事长带领员工包了二十五公斤水饺送到社区一线工作人员手中大家都很感动。"
    property_ = "全市物业人克服困难坚守岗位为业主配送物资守护小区居民的生活和健康安全。"
    page = (f" {_column(dumplings)}\n\n水饺送到一线\n\n {_column(property_)}\n\n"
            f"全新的标题行\n\n {_column(dumplings)}")
    stories = split_page(RawDocument(SEEDS / "p.txt", page))
    assert [s.meta.get("title") for s in stories] == ["水饺送到一线", None, "全新的标题行"]
    assert all("标题行" not in s.body and "送到一线\n" not in s.body for s in stories)


def test_headline_block_main_title_kicker_and_subtitle():
    assert headline_meta(["引题，有逗号", "主标题", "——副标题"]) == {
        "title": "主标题", "kicker": "引题，有逗号", "subtitle": "副标题"}
    assert headline_meta([]) == {}


def test_standalone_headline_lines_are_not_joined_into_paragraphs():
    column = "\n".join(["一二三四五六七八九十", "一二三四五六七八九十", "一二三四五六七八九十", "一二三四五。", "",
                        "这是一行单独的标题行比较长一些", "", "一二三四五六七八九十", "一二三四五六七八九十。"])
    lines = join_hard_breaks(column).splitlines()
    assert "这是一行单独的标题行比较长一些" in lines


def test_garbled_spans_of_seed_003_are_marked_and_recorded():
    (a3,) = load_articles(SEEDS / "003_2f9438cd7a0b0f1b.txt")
    assert a3.garbled == ("!霸谛^(qū)", "?yōu)轱L(fēng)", "?nèi)メt(yī)")
    assert a3.text.count(GARBLED) == 3 and "霸谛" not in a3.text and "轱" not in a3.text
    assert "走向采样点" + GARBLED + "党支部的带领下" in a3.text


def test_latin1_mojibake_is_repaired_and_clean_text_untouched():
    broken = "小区物业为业主配送物资".encode().decode("latin-1")
    assert repair_mojibake(broken) == "小区物业为业主配送物资"
    for clean in ("满意度显著提升，iPhone 11售5499元。", "Café 北京", "小區(qū)是城市管理的“細(xì)胞”"):
        assert repair_mojibake(clean) == clean


def test_mark_garbled_leaves_clean_text_and_real_parentheses_alone():
    clean = "（作者:张玉娜）(2020) 物业(物業) 小區(qū) iPhone 11 A股"
    assert mark_garbled(clean) == (clean, ())
    assert mark_garbled("解码失败\ufffd的地方") == ("解码失败\ufffd的地方", (GARBLED,))


def test_title_from_h1_confirmed_by_title_else_title_minus_site_suffix():
    assert strip_site_suffix("女童眼睛被塞纸，“无法用科学解释”_凤凰网资讯_凤凰网") == "女童眼睛被塞纸，“无法用科学解释”"
    tw = "悲慟！北市士林年邁母子 住處上吊自殺身亡"
    assert strip_site_suffix(f"{tw} - 社會 - 中時") == tw
    assert strip_site_suffix("法国全国大罢工再次严重影响交通-新华网") == "法国全国大罢工再次严重影响交通"
    piped = "<html><head><title>红色党建引领物业服务｜小区物业配送物资近6万份_哈尔滨新闻网</title></head>" \
            "<body><h1>网站名称</h1><h1>红色党建引领物业服务｜小区物业配送物资近6万份</h1></body></html>"
    assert page_title(piped) == "红色党建引领物业服务｜小区物业配送物资近6万份"
    assert page_title("<html><body><h1>只有大标题的一个页面</h1></body></html>") == "只有大标题的一个页面"


def test_web_page_gives_article_text_title_and_byline_without_furniture(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("utf-8"))  # declares gb2312, is UTF-8: the bytes win
    (article,) = load_articles(path)
    assert article.title == "秀英区红色物业守护小区平安"
    assert article.text.splitlines()[0] == BODY and article.text.endswith("全区共配送物资5000余份。")
    for marker in ("首页", "分享到", "Copyright", "版权所有", "ICP", "来源"):
        assert marker not in article.text
    assert article.source == "海口日报" and article.authors == ("张玉娜",)
    assert str(article.date) == "2022-08-30"


def test_gbk_page_and_page_saved_as_txt(tmp_path):
    (tmp_path / "gbk.htm").write_bytes(PAGE.encode("gb18030"))
    (tmp_path / "saved.txt").write_text(PAGE, encoding="utf-8")
    arts = load_articles(tmp_path)
    assert [a.title for a in arts] == ["秀英区红色物业守护小区平安"] * 2
    assert all(a.text.startswith(BODY) for a in arts)


def test_extract_page_falls_back_when_the_extractor_finds_nothing():
    page = extract_page(f"<html><body><table><tr><td>{BODY}</td></tr></table></body></html>")
    assert BODY in page.text


def test_a_broken_extractor_install_is_reported_once_and_pages_still_read(monkeypatch, caplog):
    import sys

    from summarizer.ingest import extract

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    extract._warn_install.cache_clear()
    markup = f"<html><body><p>{BODY}</p></body></html>"
    pages = [extract_page(markup), extract_page(markup)]
    assert all(BODY in p.text and not p.extractor.startswith("trafilatura") for p in pages)
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "trafilatura" in r.getMessage()]
    assert len(warnings) == 1 and "pip install" in warnings[0].getMessage()


def test_furniture_lines_dropped_bylines_kept_as_labels():
    lines = ["主页>股市消息>正文", "2020-01-03 18:13", "2019-09-26 12:11来源：证券时报网作者：李在山",
             "字号", "3573", BODY, "- 相关链接一条新闻标题", ">>加入粉丝团！"]
    body, found = split_furniture(lines)
    assert body == [BODY]
    assert found.labels["来源"] == "证券时报网" and found.authors == ["李在山"]
    assert found.labels["日期"] == "2020-01-03 18:13"


def test_trim_tail_drops_widgets_after_the_last_sentence():
    kept, dropped = trim_tail([BODY, "陆裔美籍凶嫌：川普会救我", BODY, "相关推荐", "Your browser is old", "- 某条链接"])
    assert kept == [BODY, "陆裔美籍凶嫌：川普会救我", BODY] and len(dropped) == 3
    assert drop_lines_before_title("导航\n栏目\n大标题\n正文。", "大标题") == ("正文。", ["导航", "栏目"])
    assert drop_lines_before_title("正文。", "大标题") == ("正文。", [])


def test_json_records_carry_url_region_and_source(tmp_path):
    rec = {"title": "甲", "content": BODY, "链接": "https://example.com/a", "region": "海南省海口市",
           "来源": "海口日报", "date": "2022年8月30日"}
    (tmp_path / "a.json").write_text(json.dumps([rec, {"nothing": 1}], ensure_ascii=False), encoding="utf-8")
    (article,) = load_articles(tmp_path / "a.json")
    assert (article.title, article.url, article.source) == ("甲", "https://example.com/a", "海口日报")
    assert article.meta["region"] == "海南省海口市" and str(article.date) == "2022-08-30"


def test_a_traditional_title_repeated_atop_the_body_is_not_kept_as_body(tmp_path):
    rec = {"title": "社區物業費調整方案公布", "content": "社區物業費調整方案公布\n" + BODY}
    (tmp_path / "a.json").write_text(json.dumps([rec], ensure_ascii=False), encoding="utf-8")
    (article,) = load_articles(tmp_path / "a.json")
    assert article.title == "社区物业费调整方案公布" and article.text.startswith(BODY[:10])


def test_docx_headings_and_tables_in_document_order(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("栏目名称")
    doc.add_heading("Word文件里的标题", level=1)
    doc.add_paragraph(BODY)
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "户数", "2836户"
    doc.add_paragraph("表格之后的最后一段，说明情况。")
    doc.save(str(tmp_path / "w.docx"))
    (article,) = load_articles(tmp_path / "w.docx")
    assert article.title == "Word文件里的标题"
    lines = article.text.splitlines()
    assert lines.index("户数｜2836户") < lines.index("表格之后的最后一段，说明情况。")


_MARKUP = st.lists(
    st.one_of(
        st.sampled_from(["<p>", "</p>", "<div>", "</div>", "<br>", "<script>", "</script>", "<h1>", "</h1>",
                         "<title>", "</title>", "<!DOCTYPE html>", "<html>", "&amp;", "&#x4e2d;", "<!--", "-->",
                         "---\ntitle: x\n---\n", "# ", "\n", " ", "(qū)", "区(qū)", "!", "^", "\ufffd", "<",
                         "来源：某报", "首页 > 新闻", "版权所有", "▲图", "2022-05-18", "{", '"text":']),
        st.text(alphabet="小区物业党建引领疫情防控。，“”、0123456789abc", max_size=40),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=600), _MARKUP.map(lambda s: s.encode("utf-8")),
                      _MARKUP.map(lambda s: f"<!DOCTYPE html><html><body><h1>{s}</h1>{s}</body></html>".encode()),
                      _MARKUP.map(lambda s: s.encode("gb18030", errors="replace"))),
       suffix=st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl", ".docx"]))
def test_any_bytes_give_articles_or_our_own_error(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    try:
        articles, skipped = read_inputs([path])
    except SummarizerError:
        return
    assert len(articles) + len(skipped) >= 1
    assert all(a.title and a.text for a in articles)


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_no_seed_article_keeps_a_boilerplate_line(seed_articles, name):
    for article in (a for a in seed_articles if a.path is not None and a.path.name == name):
        for marker in ("版权所有", "Copyright", "ICP备", "责任编辑", "关注官方微信", "扫一扫", "分享到", "首页 >"):
            assert marker not in article.text


@pytest.mark.parametrize(("prefix", "ending"), [
    ("000", "感觉特别有依靠。”"),
    ("001", "更是战斗在防疫一线物业人的一个缩影。"),
    ("003", "仁恒·海棠公园小区也被评为海南省首批“无疫小区”。"),
    ("004", "成为提升社会治理体系和治理能力现代化水平的有效抓手。"),
])
def test_seed_keeps_its_last_paragraph(seed_articles, prefix, ending):
    article = next(a for a in seed_articles if a.path is not None and a.path.name.startswith(prefix))
    assert article.text.endswith(ending)
