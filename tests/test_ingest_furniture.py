"""Furniture by shape and position: nothing of a story is removed for a word, every removal is recorded."""

import datetime as dt
import logging

from summarizer import load_articles
from summarizer.compose import layout
from summarizer.ingest.clean import split_flattened
from summarizer.ingest.furniture import split_furniture
from summarizer.text import cjk_count
from summarizer.types import BriefingItem, Summary

# A story paragraph full of the words the old rules deleted a line for (维权, 爆料, 二维码, 责任编辑, 声明：).
STORY = ("市场监管局接到消费者维权投诉后，记者在现场看到，商家把二维码贴在门口，声称扫码即可领奖。"
         "有网友爆料称奖品从未兑现，商家则发布声明：所有奖品均已发放。责任编辑部门表示将继续跟进此事。")


def _read(tmp_path, text, name="a.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_articles(path)


def test_a_one_paragraph_export_keeps_its_story_and_its_stamp_becomes_the_date(tmp_path):
    (article,) = _read(tmp_path, f"2023-08-18 14:03:05，正文：{STORY}")
    assert article.text == STORY
    assert article.date == dt.date(2023, 8, 18)
    assert [r.reason for r in article.removals] == ["header"]
    assert article.removals[0].text == "2023-08-18 14:03:05，正文："


def test_a_sentence_length_paragraph_is_never_deleted_for_a_word():
    lines = ["小区开展消防演练", STORY, "二、依法维权", STORY]
    body, found = split_furniture(lines)
    assert body == lines and not found.removals


def test_a_date_that_opens_a_sentence_is_story_not_a_stamp():
    body, found = split_furniture([f"2023年7月17日，江苏镇江，{STORY}"])
    assert body == [f"2023年7月17日，江苏镇江，{STORY}"] and not found.removals


def test_credits_and_notices_are_cut_from_the_ends_as_spans():
    tail = f"{STORY}（完） 【编辑:刘阳禾】 更多精彩内容请进入体育频道"
    body, found = split_furniture([tail])
    assert body == [STORY]
    assert found.labels["编辑"] == "刘阳禾"
    notice = "广告声明：文内含有的对外跳转链接，用于传递更多信息，结果仅供参考，本站所有文章均包含本声明。"
    body, found = split_furniture([STORY + STORY + notice])
    assert body == [STORY + STORY] and [r.reason for r in found.removals] == ["notice"]
    body, _ = split_furniture([STORY + "来源：财联社返回搜狐，查看更多责任编辑："])
    assert body == [STORY]


def test_a_sentence_before_the_credits_of_the_last_paragraph_stays():
    last = "坚持受贿行贿一起查，立案行贿人员7657人，移送检察机关1401人。"
    body, found = split_furniture([STORY, f"{last}(来源：中国纪检监察报 ) 【编辑:叶攀】 更多精彩内容请进入国内新闻"])
    assert body == [STORY, last]
    assert found.labels == {"来源": "中国纪检监察报", "编辑": "叶攀"}
    body, found = split_furniture([STORY, "2019-09-26 12:11来源：证券时报网作者：李在山"])  # a byline line
    assert body == [STORY] and found.labels["来源"] == "证券时报网"


def test_a_credit_in_brackets_is_cut_whole_not_from_a_word_inside_it():
    credit = "(央视新闻客户端 总台记者 贺威通) 【编辑:田博群】 更多精彩内容请进入财经频道"
    body, found = split_furniture([STORY + credit])
    assert body == [STORY] and found.removals[0].text.startswith("(央视新闻客户端")
    body, found = split_furniture([f"{STORY}（新华社）【爆料】请联系记者微信：abc123"])
    assert body == [f"{STORY}（新华社）"] and found.removals[0].text == "【爆料】请联系记者微信：abc123"


def test_an_instruction_opening_with_a_link_word_is_story_and_a_link_is_not():
    steps = ["（三）线上购药板块。", "点击进入后，可以选择医院进行预约挂号。"]
    body, found = split_furniture([STORY, *steps])
    assert body == [STORY, *steps] and not found.removals
    body, found = split_furniture([STORY, "点击查看更多", ">>加入粉丝团！"])
    assert body == [STORY] and {r.reason for r in found.removals} == {"link list"}


def test_notices_and_widgets_go_at_the_edges_but_stay_in_the_middle():
    lines = ["字号", STORY, "免责声明：本文仅代表作者观点，与本站无关。", STORY, "扫码关注我们", "新闻热线：12345"]
    body, found = split_furniture(lines)
    assert body == [STORY, "免责声明：本文仅代表作者观点，与本站无关。", STORY]
    assert {r.text: r.reason for r in found.removals} == {"字号": "widget", "扫码关注我们": "widget",
                                                          "新闻热线：12345": "widget"}


def test_a_text_that_is_all_notice_is_kept_rather_than_lost():
    lines = ["免责声明：本文仅代表作者个人观点，与本站立场无关，仅供参考。"]
    assert split_furniture(lines)[0] == lines


def test_lead_tags_breadcrumbs_and_a_separator_date_are_cut_from_the_start():
    body, found = split_furniture(["首页 > 新闻 > 正文", "| 2019年2月27日 10:20 来源：自由时报",
                                   f"〔即时新闻／综合报导〕{STORY}"])
    assert body == [STORY]
    assert found.labels["来源"] == "自由时报" and found.labels["日期"].startswith("2019年2月27日")
    assert [r.reason for r in found.removals] == ["breadcrumbs", "byline", "tag"]
    body, found = split_furniture([f"【环球网报道 记者 姜蔼玲】{STORY}"])
    assert body == [STORY] and found.authors == ["姜蔼玲"]


def test_a_bracketed_headline_and_an_original_title_become_the_title(tmp_path):
    (article,) = _read(tmp_path, f"【男子在医院问询时遭工作人员嘲讽】{STORY}")
    assert (article.title, article.title_derived, article.text) == ("男子在医院问询时遭工作人员嘲讽", False, STORY)
    title = "蓬溪警方公布一起偷拍案"
    (article,) = _read(tmp_path, f"原标题：{title}{title}{STORY}", "b.txt")
    assert (article.title, article.text) == (title, STORY)
    (article,) = _read(tmp_path, f"原标题：{title}8月16日，{STORY}", "c.txt")  # no visible end: words stay
    assert article.text == f"{title}8月16日，{STORY}"
    assert [r.text for r in article.removals] == ["原标题："]


def test_flattened_paragraphs_are_put_back_on_their_own_lines():
    flat = "开工。  外环东抬工程计划通车。 来源：浦东发布"
    assert split_flattened(flat) == "开工。\n外环东抬工程计划通车。\n来源：浦东发布"
    assert split_flattened("标题… 2019-09-09 19:28") == "标题… 2019-09-09 19:28"  # a link list's item


def test_a_link_list_after_its_head_and_stamped_items_go():
    lines = [STORY, "相关推荐", "十一阅兵官宣！规模将超往年", "评论327含马克龙的一千七百万欧元，不要！",
             "- 万元背包遗落请店方暂存，4个月后竟然被扔了？", "2019-09-09 19:28中国雷人秀"]
    body, found = split_furniture(lines)
    assert body == [STORY] and {r.reason for r in found.removals} == {"link list"}


def test_every_removal_is_on_the_article_and_a_heavy_loss_is_warned_and_noted(tmp_path, caplog):
    notice = "声明：本网站所提供的信息仅供参考之用，并不代表本网赞同其观点，也不代表本网对其真实性负责。"
    short = "市民可拨打热线反映问题，相关部门将及时处理。"
    with caplog.at_level(logging.WARNING):
        (article,) = _read(tmp_path, f"{short}\n{notice}")
    removed = sum(cjk_count(r.text) for r in article.removals)
    assert article.text == short and removed == cjk_count(notice)
    assert article.cleaning_loss > 0.2
    assert "cleaning took out" in caplog.text and "a.txt" in caplog.text
    note = layout.engine_note(BriefingItem(article, Summary(short, "extractive")))
    assert f"清理掉了原文{article.cleaning_loss:.0%}的文字" in note
    (kept,) = _read(tmp_path, STORY, "b.txt")
    assert kept.cleaning_loss == 0 and "清理" not in layout.engine_note(BriefingItem(kept, Summary(STORY, "x")))


def test_a_markdown_mark_counts_as_emphasis_only_around_text():
    from summarizer.ingest.clean import strip_markdown

    assert strip_markdown("**加粗**和*斜体*、__重点__、`代码`") == "加粗和斜体、重点、代码"
    blanks = "“不要作糊涂人，要______主的______如何。”（弗5:17）"
    assert strip_markdown(blanks) == blanks  # a fill-in blank, not emphasis
    assert strip_markdown("公道的砝码(Just weights**)；注*：见下") == "公道的砝码(Just weights**)；注*：见下"
    for own in ("规格为3*4米、5*6米两种", "调用x__init__y"):  # marks inside a figure or a word
        assert strip_markdown(own) == own


def test_the_list_a_page_story_ends_with_is_not_its_tail():
    from summarizer.ingest.furniture import trim_tail

    specs = ["动力系统主要参数：", "发动机型式：直列4缸", "最大功率：51Kw／6000rpm", "变速箱：手动五速"]
    kept, dropped = trim_tail([STORY, *specs, "Your browser is old"])
    assert kept == [STORY, *specs] and dropped == ["Your browser is old"]
    table = ["我的问题 1. 2. 3.", "圣经的原理", "环境的带领"]  # under a sentence that opens it with a colon
    assert trim_tail([STORY, "下面的表格帮助你一步步分析自己的问题：", *table])[1] == []
    # Without an opener, short lines after the last sentence are still the page's tail, and a
    # link-list head with a colon opens no story list.
    assert trim_tail([STORY, "圣经的原理", "环境的带领"]) == ([STORY], ["圣经的原理", "环境的带领"])
    assert trim_tail([STORY, "相关阅读：", "某地发布新规"]) == ([STORY], ["相关阅读：", "某地发布新规"])
    # A colon in a page's footer opens no list of the story's: the footer goes whole.
    footer = ["上一篇：某某小区举行活动", "下一篇：物业公司开展培训", "主办单位：某某市人民政府",
              "技术支持：某某网络公司", "联系我们：", "电话 0371-1234567"]
    assert trim_tail([STORY, *footer]) == ([STORY], footer)
    assert trim_tail([STORY, "热门推荐", "某某小区举行活动", "联系方式：", "京ICP备12345678号"])[0] == [STORY]


def test_a_tail_line_finishing_a_wrapped_sentence_is_story():
    from summarizer.ingest.furniture import trim_tail

    wrapped = ["走到这一步，事情的来龙去脉也就清楚了，", "居民们终于等到了答复。(未完待续)□",
               "——《某某月刊》1998年3月号"]
    kept, dropped = trim_tail([STORY, *wrapped])
    assert kept == [STORY, *wrapped[:2]] and dropped == wrapped[2:]
