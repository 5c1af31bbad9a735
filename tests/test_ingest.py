import datetime as dt
import json

import pytest

from summarizer import InputError, load_articles
from summarizer.ingest import read_inputs
from summarizer.ingest.clean import (
    html_to_text,
    join_hard_breaks,
    normalize_spacing,
    strip_pinyin_notes,
    to_simplified,
)
from summarizer.ingest.encoding import decode
from summarizer.ingest.furniture import split_furniture
from summarizer.ingest.meta import parse_date
from tests.conftest import seed

TEXT = "小区物业为业主配送物资近六万份，居民普遍认可。"


def test_seed_titles_sources_and_dates(seed_articles):
    a0 = seed(seed_articles, "000")
    assert a0.title == "红色党建引领物业服务｜小区物业一天为近3000业户配送物资近6万份"
    assert (a0.source, a0.date) == ("哈尔滨新闻网", dt.date(2021, 12, 14))
    assert seed(seed_articles, "001").title == "守护小区万家灯火 内江市激活物业行业“红色细胞”"
    a4 = seed(seed_articles, "004")
    assert a4.title == "“红色管家”做好细节“小事儿” 彰显为民服务的大情怀"
    assert (a4.source, a4.date) == ("大象新闻·东方今报", dt.date(2022, 5, 18))
    assert seed(seed_articles, "003").title_derived


def test_seed_bodies_keep_last_paragraph_and_drop_furniture(seed_articles):
    assert seed(seed_articles, "000").text.endswith("感觉特别有依靠。”")
    a4 = seed(seed_articles, "004").text
    assert "使“红色物业”管理成为提升社会治理体系和治理能力现代化水平的有效抓手。" in a4
    for marker in ("关注官方微信", "Copyright", "版权所有", "首页 >", "责任编辑", "新闻热线"):
        assert marker not in a4
    a1 = seed(seed_articles, "001")
    assert "▲" not in a1.text and a1.captions == ("保障业主生活物资,为业主送菜。",)


def test_traditional_seed_becomes_simplified_and_keeps_original(seed_articles):
    a3 = seed(seed_articles, "003")
    assert "小区是城市管理的“细胞”" in a3.text and "区(qū)" not in a3.text
    assert a3.original_text is not None and "小區是城市管理的" in a3.original_text


def test_html_to_text_breaks_paragraphs_decodes_entities_and_drops_scripts():
    html = "<div><p>第一段&amp;内容</p><script>var x=1;</script><p>第二段&nbsp;内容</p></div>"
    assert [ln for ln in html_to_text(html).splitlines() if ln] == ["第一段&内容", "第二段 内容"]


def test_join_hard_breaks_rejoins_ocr_columns_but_keeps_paragraphs():
    column = "\n".join(["“谢谢你们送来的水", "饺！”11月26日，接过伊斯", "兰饭庄董事长蒋振岭带",
                        "领员工送来的热腾腾的", "水饺。", "", "东昌府区古楼街道", "铁塔社区和铁塔居委商",
                        "场人员密集，每天忙碌。"])
    assert join_hard_breaks(column).splitlines() == [
        "“谢谢你们送来的水饺！”11月26日，接过伊斯兰饭庄董事长蒋振岭带领员工送来的热腾腾的水饺。",
        "东昌府区古楼街道铁塔社区和铁塔居委商场人员密集，每天忙碌。",
    ]
    prose = "第一段很长的一句话，讲完了。\n第二段。"
    assert join_hard_breaks(prose) == prose


def test_pinyin_notes_removed_but_real_parentheses_kept():
    assert strip_pinyin_notes("小區(qū)和細(xì)胞") == "小區和細胞"
    kept = "（作者:张玉娜）(2020) 物业(物業)"
    assert strip_pinyin_notes(kept) == kept


def test_simplified_conversion_uses_tw2s_and_leaves_simplified_alone():
    assert to_simplified("看著小區黨支部顯著") == "看着小区党支部显著"
    assert to_simplified("满意度显著提升") == "满意度显著提升"


def test_spacing_around_digits_removed_between_words_kept():
    assert normalize_spacing("不足 50 人的队伍") == "不足50人的队伍"
    assert normalize_spacing("宋永坤 黎澎") == "宋永坤 黎澎"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5"])
def test_decode_detects_encodings(encoding):
    text = "秀英区坚持党建引领，以红色物业为抓手，有效激活小区治理，全面发动辖区各个物业党支部冲向抗疫一线。"
    if encoding == "big5":
        text = "秀英區堅持黨建引領，以紅色物業為抓手，有效激活小區治理，全面發動轄區各個物業黨支部衝向抗疫一線。"
    assert decode(text.encode(encoding))[0] == text


def test_bylines_become_metadata():
    body, found = split_furniture(["来源：哈尔滨新闻网", "记者：节永志 刘述波", "正文。", "▲图片说明"])
    assert body == ["正文。"]
    assert found.labels["来源"] == "哈尔滨新闻网" and found.authors == ["节永志", "刘述波"]
    assert found.captions == ["图片说明"]


def test_parse_date_formats():
    assert parse_date("Tue, 14 Dec 2021 03:59:19 GMT") == dt.date(2021, 12, 14)
    assert parse_date("2022年5月18日") == dt.date(2022, 5, 18)
    assert parse_date("no date") is None


def test_front_matter_wins_and_json_records_become_articles(tmp_path):
    (tmp_path / "a.md").write_text(f"---\ntitle: 前置标题\nsource: 某报\ndate: 2023-01-02\n---\n# 正文标题\n{TEXT}",
                                   encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"title": "甲", "text": TEXT}) + "\n" + json.dumps({"正文": TEXT, "source": "乙报"}) + "\n",
        encoding="utf-8",
    )
    arts = load_articles(tmp_path)
    assert [a.title for a in arts][:2] == ["前置标题", "甲"]
    assert arts[0].source == "某报" and arts[0].date == dt.date(2023, 1, 2)
    assert arts[2].source == "乙报" and arts[2].part == 1


def test_docx_input_paragraphs_and_tables(tmp_path):
    import docx

    doc = docx.Document()
    doc.add_paragraph("一份Word标题")
    doc.add_paragraph(TEXT)
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "户数", "2836户"
    doc.save(str(tmp_path / "w.docx"))
    (article,) = load_articles(tmp_path / "w.docx")
    assert article.title == "一份Word标题" and "2836户" in article.text


def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "fake.docx").write_bytes(b"not a zip")
    articles, skipped = read_inputs([tmp_path])
    assert len(articles) == 1
    reasons = {s.path.name: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "binary.txt", "bad.json", "fake.docx"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]


def test_missing_path_and_empty_folder_raise(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_articles(tmp_path / "nope")
    with pytest.raises(InputError, match="no articles in folder"):
        load_articles(tmp_path)
    (tmp_path / "e.txt").write_bytes(b"")
    with pytest.raises(InputError, match="no article could be read"):
        load_articles(tmp_path)


def test_japanese_and_korean_lines_stay_while_the_traditional_article_is_converted():
    """A Taiwanese page's language menu (日本語, 한국어) does not keep its article Traditional; a
    Japanese or Korean line keeps its kanji as they are."""
    page = "中央社記者桃園19日電）桃園市平鎮區一家輪胎行今天清晨發生大火，7人從火場中疏散。\n日本語 한국어 English"
    simplified = "中央社记者桃园19日电）桃园市平镇区一家轮胎行今天清晨发生大火，7人从火场中疏散。"
    assert to_simplified(page).split("\n")[0] == simplified
    japanese = "東京都の國立博物館で展示會が開かれました。"
    assert to_simplified(japanese) == japanese
    assert to_simplified(page + "\n" + japanese).split("\n")[-1] == japanese
    document = f"{japanese}\n東京都國立博物館\n{japanese}"  # a Japanese text's kanji-only line stays too
    assert to_simplified(document) == document


def test_a_middle_dot_in_a_foreign_name_does_not_keep_a_traditional_line():
    """・ is Traditional Chinese's mark between the parts of a foreign name, not kana."""
    assert to_simplified("美國總統約翰・甘迺迪說，這個國際會議很重要。\n這個區域的發展") == \
        "美国总统约翰・甘迺迪说，这个国际会议很重要。\n这个区域的发展"
