"""What a reader of the briefing sees: titles, quotes, figures, keywords and themes that read right, all in
Chinese; the command line's checks before any work; the period and the order of the stories."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from summarizer import __version__
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.cli import app
from summarizer.compose import layout
from summarizer.compose.briefing import build_briefing, in_period
from summarizer.compose.keywords import keywords
from summarizer.compose.overview import themes
from summarizer.errors import ConfigError
from summarizer.facts import key_figures
from summarizer.ingest.clean import to_simplified
from summarizer.ingest.meta import derive_title
from summarizer.pipeline import brief
from summarizer.text import close_quotes, lead_window
from summarizer.types import BriefingItem, FallbackKind, Summary
from tests.conftest import make_article, make_region

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "eval" / "crud_corpus_dev.jsonl"
DATE = dt.date(2024, 5, 18)
runner = CliRunner()


@pytest.mark.parametrize(("text", "title"), [
    ("据新华社哈尔滨8月7日电6日一早，哈尔滨市启动防汛应急响应，全力应对强降雨。",
     "哈尔滨市启动防汛应急响应，全力应对强降雨"),
    ("2023年2月\n国务院召开常务会议，研究部署稳就业工作。", "国务院召开常务会议，研究部署稳就业工作"),
    ("本报讯（全媒体记者 巴茜）27日，市气象局发布暴雨预警。", "市气象局发布暴雨预警"),
    ("记者从石家庄市防汛抗旱指挥部获悉，全市防汛应急响应调整为四级。", "全市防汛应急响应调整为四级"),
    ("中国经济网北京7月19日讯 达瑞电子今日股价下跌，截至收盘报50.52元。", "达瑞电子今日股价下跌，截至收盘报50.52元"),
    ("党建赋能物业管理 解锁沈河区居民小区“幸福密码”8月1日，沈河区召开会议。",
     "党建赋能物业管理 解锁沈河区居民小区“幸福密码”"),
])
def test_a_derived_title_is_a_clause_of_the_lead_without_dateline_byline_or_date(text, title):
    assert derive_title(text) == title


def test_a_long_lead_clause_is_cut_between_words_and_a_cut_quotation_closed():
    title = derive_title("他说：“先看面部神情，再看说话内容，最后看资金转账数额是否超过五万元，这样才能判断”。")
    assert title == "他说：“先看面部神情，再看说话内容…”"
    lead = "哈尔滨市道里区人民政府办公室关于进一步做好城市供水设施改造工程安全生产管理工作的通知。"
    long = derive_title(lead)
    assert long.endswith("…") and len(long) <= 30 and lead.startswith(long[:-1])


def test_a_dateline_keeps_its_form_in_a_summary():
    text = "新华社北京2月29日电 2月28日，国务院召开常务会议，研究部署稳就业工作。会议指出，要稳住就业基本盘。"
    summary = ExtractiveSummarizer().summarize_text(text, max_chars=60)
    assert "新华社北京2月29日电" in summary and "北京电" not in summary


QUOTED = ("民警提醒说：“先看面部神情，再看说话的语气和内容，然后看银行卡的流水，最后看资金转账数额，就能识破骗局。”"
          "记者了解到，这类诈骗近期多发。")


@pytest.mark.parametrize("budget", [20, 30, 40, 60, 100])
def test_parts_of_a_quotation_are_never_joined_into_one(budget):
    summary = ExtractiveSummarizer().summarize_text(QUOTED, max_chars=budget)
    assert len(summary) <= budget and summary.count("“") == summary.count("”")
    for quote in re.findall(r"“([^“”]*)”", summary):  # each quotation the speaker's own words, in one piece
        assert quote.strip("…") in QUOTED, summary


def test_close_quotes_marks_where_a_quotation_was_cut():
    assert close_quotes("他说：“先看面部神情，") == "他说：“先看面部神情…”"
    assert close_quotes("资金转账数额。”") == "“…资金转账数额。”"
    assert close_quotes("再看说话内容，", depth=1) == "“…再看说话内容…”"
    assert close_quotes("诈骗、“杀猪盘”诈骗等", depth=1) == "“…诈骗、“杀猪盘”诈骗等…”"  # nested, as sources write it


def test_a_sentence_whose_quotation_marks_do_not_pair_is_not_marked():
    # 闻“疫“而动: a slip of the source for 闻“疫”而动; marking its clauses as quoted would misquote
    text = "物业党支部闻“疫“而动，迅速启动防疫应急预案，组织126名党员对小区进行消杀。居民对物业服务表示感谢。"
    for budget in (20, 30, 60):
        summary = ExtractiveSummarizer().summarize_text(text, max_chars=budget)
        assert "…" not in summary, summary


def test_excerpts_are_cut_between_words_never_inside_a_number():
    sentence = ("为拓展邮轮母港功能，码头岸线长770米，建成22.5万总吨和10万总吨邮轮泊位各1个，以及建筑面积约6万平方米"
                "的航站楼，可停靠目前世界上最大的邮轮，年通过能力达75万人次。")
    for figure in key_figures(sentence, limit=10) + key_figures(sentence.replace("，", "、"), limit=10):
        quote = layout.excerpt(figure)
        assert not re.search(r"…[\d.]|[\d.]…", quote), quote
        at = quote.find(figure.text)
        assert at > 0 and not quote[at - 1].isdigit(), quote


def test_traditional_chain_words_become_simplified_chain_words():
    assert to_simplified("狗戴著狗鍊，項鍊與手鍊都在，每天鍛鍊身體，修鍊與提鍊不同。") == \
        "狗戴着狗链，项链与手链都在，每天锻炼身体，修炼与提炼不同。"


def test_keywords_are_whole_words_even_where_the_repeats_cut_them():
    cases = {
        "小区业主郑萌萌说，停车难。业主郑萌萌表示，希望物业改进。": ("主郑萌萌", "郑萌萌"),
        "在亲友鏖战之时，他悄悄离开。亲友鏖战之时，无人察觉。": ("亲友鏖战之时", None),
        "市防指启动防汛Ⅳ级应急响应。省水利厅启动Ⅳ级应急响应。": ("级应急响应", "应急响应"),
        "做好地下空间、地下停车场挡水。低洼地下停车场车辆尽快转移。": ("下停车场", "停车场"),
        "埃隆·马斯克表示，特斯拉将降价。马斯克说，这是好事。马斯克的公司": ("斯克", "马斯克"),
        "三名士兵受伤。另有3名士兵失踪，2名士兵获救。": ("名士兵", "士兵"),
    }
    for text, (fragment, word) in cases.items():
        [found] = keywords([text])
        assert fragment not in found, (text, found)
        assert word is None or word in found, (text, found)


def test_a_name_before_a_date_is_a_whole_keyword_and_units_and_times_are_none():
    # a word before 8日 dates what it did, it is not glued to an amount as 同比增长 is to 12%
    text = ("外交部发言人瓦西科夫8日表示，双方将继续会谈。瓦西科夫8日晚间又称，会谈富有成效。"
            "北京时间9日，瓦西科夫再次表示乐观。该公司收入1000亿人民币，北京时间10日公布，人民币收入增长。")
    [found] = keywords([text])
    assert "瓦西科夫" in found and "西科夫" not in found, found
    assert not {"人民币", "北京时间"} & set(found), found


def test_a_long_articles_note_is_chinese_in_the_briefing(tmp_path):
    text = "某市某小区物业为三百户业主配送生活物资，居民纷纷点赞。" * 400  # beyond the lead window
    article = make_article(text, region=make_region("山东省", "聊城市", "371500"))
    [summary] = ExtractiveSummarizer().summarize([article], max_chars=80)
    assert summary.notes  # the engine says it read only the start
    briefing = build_briefing([article], [summary], title="t", date=DATE)
    assert layout.engine_note(briefing.items[0]) == f"原文较长（{len(text)}字），摘要依据前{len(lead_window(text))}字"
    briefing.write(tmp_path / "b.docx")
    paragraphs = "\n".join(p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs)
    assert "原文较长" in paragraphs and not re.search(r"[A-Za-z]{3,}", paragraphs)


def test_keywords_over_the_dev_corpus_are_whole_words(tmp_path):
    """Keywords of real news, judged by jieba's segmentation (which the extractor does not use)."""
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} absent")
    pytest.importorskip("jieba")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from word_judge import Segmented

    from summarizer import load_articles

    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:250]
    for i, line in enumerate(lines):
        (tmp_path / f"{i:04d}.txt").write_text(json.loads(line)["text"], encoding="utf-8")
    texts = [f"{a.title}\n{a.text}" for a in load_articles([tmp_path])]
    found = keywords(texts)
    words = [(w, text) for ws, text in zip(found, texts, strict=True) for w in ws]
    fragments = [w for w, text in words if not Segmented(text).whole(w)]
    assert len(words) > 3 * len(texts)
    # a floor, measured at 0.4% (5 of 1,245: names the word list cuts, 贝莱 of 贝莱德; see the README)
    assert len(fragments) <= 0.01 * len(words), fragments
    assert not {"下停车场", "级应急响应", "主郑萌萌", "亲友鏖战之时"} & {w for w, _ in words}


def test_themes_are_topics_not_places_units_or_the_country():
    items = [BriefingItem(make_article(), Summary("摘要。", "extractive"),
                          keywords=("中国", "亿美元", "尚志市", "全国", "市场", "物业服务", "白俄罗斯", "防汛"))] * 2
    assert themes(items) == ["物业服务", "防汛"]


def _briefing(summaries, **options):
    articles = [make_article(title=f"标题{i}", region=make_region("山东省", "聊城市", "371500"),
                             date=dt.date(2024, 5, d) if d else None)
                for i, d in enumerate((3, None, 9, 5))]
    return build_briefing(articles, summaries, title="t", date=DATE, **options)


def test_stories_of_a_city_newest_first_undated_last_or_as_asked():
    summaries = [Summary("摘要。", "extractive")] * 4
    titles = lambda b: [i.article.title for i in b.items]  # noqa: E731
    assert titles(_briefing(summaries)) == ["标题2", "标题3", "标题0", "标题1"]
    assert titles(_briefing(summaries, order="oldest")) == ["标题0", "标题3", "标题2", "标题1"]
    assert titles(_briefing(summaries, order="input")) == ["标题0", "标题1", "标题2", "标题3"]
    with pytest.raises(ValueError, match="order must be one of newest, oldest, input"):
        _briefing(summaries, order="random")
    # the same check, and the same ConfigError, where the library is called: before any work
    with pytest.raises(ConfigError, match="order must be one of newest, oldest, input, got 'random'"):
        brief([make_article()], backend="no-such-engine", order="random")


def test_a_period_keeps_undated_articles_and_says_how_many_of_each():
    articles = [make_article(date=dt.date(2024, 5, d) if d else None) for d in (3, None, 9, 20)]
    kept, period = in_period(articles, dt.date(2024, 5, 4), dt.date(2024, 5, 10))
    assert [a.date for a in kept] == [None, dt.date(2024, 5, 9)] and (period.excluded, period.undated) == (2, 1)
    assert layout.period_note(period) == ("时段：2024年5月4日至2024年5月10日（按文章日期）；"
                                          "不在时段内、未收录2篇；未注明日期、已保留1篇")


def test_the_document_is_in_chinese_and_a_fallback_is_explained_once(tmp_path):
    fallback = Summary("摘要。", "extractive", fallback="model x could not be loaded: OSError: no such file",
                       fallback_kind=FallbackKind.MODEL_UNAVAILABLE)
    model = Summary("模型写的摘要。", "chat", model="/no/such/qwen.gguf")
    briefing = _briefing([fallback, fallback, model, fallback])
    notes = layout.overview_notes(briefing)
    # a model file is named as a reader knows it, not by its path on one machine
    assert "摘要：抽取式摘要3篇，模型摘要（qwen.gguf）1篇；改用抽取式摘要的原因：模型无法加载3篇" in notes
    briefing.write(tmp_path / "b.docx")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs)
    assert text.count("模型无法加载") == 1 and "could not" not in text and "extractive" not in text
    # each story says how it was written when the ways differ, without the reason
    assert text.splitlines().count("摘要：抽取式摘要") == 3
    assert not re.search(r"[A-Za-z]{3,}", text.replace("qwen.gguf", ""))


def test_cli_version_and_output_checked_before_any_work(tmp_path):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"summarizer {__version__}"
    started = time.perf_counter()
    for args, message in [
        (["-o", str(tmp_path / "x.pdf")], "unknown output format .pdf"),
        (["-o", str(tmp_path)], "unknown output format (none)"),
        (["-o", str(tmp_path / "x.docx"), "--template", "fancy"], "template fancy not found"),
        (["-o", str(tmp_path / "x.md"), "--sort", "random"],
         "--sort must be one of newest, oldest, input, got 'random'"),
        (["-o", str(tmp_path / "x.md"), "--since", "2024-05-10", "--until", "2024-05-01"], "is after --until"),
        (["-o", str(tmp_path / "x.md"), "--since", "May 1"], "--since 'May 1' is not a date"),
    ]:
        result = runner.invoke(app, ["brief", str(tmp_path / "missing"), *args])  # the input is never read
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert time.perf_counter() - started < 30  # no summarising happened (a generous bound on a shared machine)


def test_cli_period_and_sort_reach_the_briefing(tmp_path):
    out = tmp_path / "b.json"
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(out), "--since", "2022-01-01", "--sort", "oldest"])
    assert result.exit_code == 0, result.output
    assert "left out 1 dated outside it, kept 5 undated" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    titles = [i["title"] for s in data["sections"] for c in s["cities"] for i in c["items"]]
    assert len(titles) == 6 and not any(t.startswith("红色党建引领物业服务") for t in titles)  # seed 000 is 2021


def test_chart_font_found_through_fontconfig_when_matplotlib_misses_it(monkeypatch):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from summarizer.compose import chart

    if not chart._fontconfig_fonts():
        pytest.skip("fontconfig knows no Chinese font here")
    # matplotlib's font list as it is when its cache was built before the fonts were installed
    latin = [f for f in font_manager.fontManager.ttflist if not chart._covers(f.fname)]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    file = chart.cjk_font()
    assert file is not None and chart._covers(file)
    assert chart.province_chart([("黑龙江省", 1), ("山东省", 3)]).startswith(b"\x89PNG")
