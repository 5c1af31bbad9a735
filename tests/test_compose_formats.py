"""Markdown and JSON renderers, the 综述 (model-free and by a chat engine), keywords, CLI options."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import brief, facts
from summarizer.cli import app
from summarizer.compose import layout
from summarizer.compose.json import SCHEMA_FILE, to_json_data
from summarizer.compose.keywords import keywords
from summarizer.compose.markdown import anchor, to_markdown
from summarizer.compose.overview import compose_overview
from summarizer.types import SkipKind, SkippedFile
from tests.conftest import SEEDS

DATE = dt.date(2024, 5, 18)


@pytest.fixture(scope="module")
def seed_briefing(seed_articles):
    skipped = (SkippedFile(Path("broken.txt"), SkipKind.BINARY),)
    return brief(seed_articles, title="测试简报", skipped=skipped, issue="2024年第3期", unit="秘书处", date=DATE)


def test_markdown_has_masthead_toc_sections_and_appendix(seed_briefing, seed_articles):
    md = to_markdown(seed_briefing)
    lines = md.splitlines()
    assert lines[:3] == ["# 测试简报", "", "2024年第3期 · 秘书处 · 2024年5月18日"]
    h2 = [line[3:] for line in lines if line.startswith("## ")]
    assert h2 == ["目录", "综述", "黑龙江省", "山东省", "河南省", "海南省", "四川省", "附录"]
    headings = {anchor(line.lstrip("#").strip()) for line in lines if line.startswith("#")}
    links = re.findall(r"\]\(#([^)]+)\)", md)
    assert len(links) == len(layout.headings(seed_briefing)) and set(links) <= headings
    assert sum(line.startswith("#### ") for line in lines) == len(seed_articles)
    assert "- broken.txt：二进制文件，不是文本" in lines
    for item in seed_briefing.items:
        for figure in item.key_figures:
            assert f"- **{figure.text}**" in md


def test_json_follows_its_schema_and_keeps_figures_traceable(seed_briefing, seed_articles, tmp_path):
    path = seed_briefing.write(tmp_path / "b.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == to_json_data(seed_briefing)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert data["counts"] == {"stories": len(seed_articles), "reprints": 0, "articles": len(seed_articles),
                              "provinces": 5, "cities": 5, "skipped": 1}
    assert [s["code"] for s in data["sections"]] == ["230000", "370000", "410000", "460000", "510000"]
    items = [i for s in data["sections"] for c in s["cities"] for i in c["items"]]
    texts: dict[str, str] = {}  # a newspaper page gives several articles from one file
    for a in seed_articles:
        texts[a.path.name] = texts.get(a.path.name, "") + "\n" + a.text
    for item in items:
        text = texts[Path(item["file"]).name]
        assert all(f["text"] in f["sentence"] and f["sentence"] in text for f in item["key_figures"])
    assert data["skipped"] == [{"file": "broken.txt", "reason": "binary file, not text"}]


def test_model_free_overview_counts_and_quotes_only_source_figures(seed_briefing, seed_articles):
    overview = seed_briefing.overview
    n = len(seed_articles)
    assert overview is not None and overview.method == "model-free"
    assert overview.text.startswith(f"本期共收录新闻{n}篇，涉及5个省份、5个城市：黑龙江省（哈尔滨市）1篇")
    assert "重要数据：" in overview.text and "主要内容涉及" in overview.text
    sources = "\n".join(i.article.text for i in seed_briefing.items) + f"\n{n}篇 5个"
    assert facts.unsupported_figures(overview.text, sources) == []


class FakeWriter:
    name = "chat (fake)"

    def __init__(self, reply="", fail=None):
        self.reply, self.fail, self.prompts = reply, fail, []

    def complete(self, prompt, *, max_chars):
        self.prompts.append((prompt, max_chars))
        if self.fail:
            raise self.fail
        return self.reply


@pytest.fixture
def prompt_dir(tmp_path):
    (tmp_path / "overview.txt").write_text(
        "共{n_articles}篇，{n_provinces}省{n_cities}市：{regions}\n摘要：\n{summaries}\n数据：\n{figures}\n",
        encoding="utf-8")
    return tmp_path


def test_overview_by_an_engine_uses_the_prompt(seed_briefing, seed_articles, prompt_dir):
    writer = FakeWriter("本期5篇新闻聚焦物业服务，哈尔滨一小区物业为2836户业主配送物资近6万份。")
    overview = compose_overview(seed_briefing.sections, writer, prompts=prompt_dir)
    # the model writes the synthesis; the counts before it and the quoted figures after it are composed
    model_free = seed_briefing.overview.text
    lead, figures = model_free.split("主要内容涉及")[0], model_free.split("。重要数据")[1]
    assert overview.text == lead + writer.reply + "重要数据" + figures and overview.method == "chat (fake)"
    prompt, max_chars = writer.prompts[0]
    assert prompt.startswith(f"共{len(seed_articles)}篇，5省5市：黑龙江省（哈尔滨市）1篇") and max_chars > 0
    assert all(item.summary.text in prompt for item in seed_briefing.items)
    assert "2836户" in prompt


@pytest.mark.parametrize(("writer", "reason"), [
    (FakeWriter("哈尔滨一小区物业为2863户业主配送物资。"), "模型综述中的 2863户 不见于原文"),
    (FakeWriter("哈尔滨阳光小区物业为业主配送物资，全市各地物业行业积极投入疫情防控工作。"),
     "模型综述中的 阳光小区 不见于原文"),
    (FakeWriter("  "), "模型综述为空"),
    (FakeWriter("一、概述"), "模型综述过短（一、概述）"),
    (FakeWriter(fail=RuntimeError("out of memory")), "综述模型不可用"),
])
def test_overview_falls_back_without_a_model_and_says_why(seed_briefing, prompt_dir, writer, reason):
    overview = compose_overview(seed_briefing.sections, writer, prompts=prompt_dir)
    assert overview.text == seed_briefing.overview.text
    assert overview.method == f"model-free; fallback: {reason}"
    assert reason in layout.overview_note(overview)


def test_overview_without_a_prompt_file_falls_back_saying_why_in_chinese(seed_briefing, tmp_path, monkeypatch,
                                                                       caplog):
    import summarizer.prompts as prompts

    monkeypatch.setattr(prompts, "prompt_dirs", lambda override=None: [tmp_path])
    overview = compose_overview(seed_briefing.sections, FakeWriter("x"), prompts=tmp_path)
    # The briefing says why in Chinese; the error's own (English) message goes to the log.
    assert overview.method == "model-free; fallback: 综述模型不可用"
    assert "overview.txt not found" in caplog.text


def test_keywords_are_repeated_terms_not_fragments():
    texts = ["物业服务中心为业主配送物资。物业服务中心还组织志愿者配送物资，业主感谢物业服务中心。",
             "社区开展核酸检测，核酸检测点设在社区广场。"]
    first, second = keywords(texts)
    assert first[:2] == ["物业服务中心", "配送物资"] and "业服务中" not in first
    assert "核酸检测" in second
    assert keywords(["一次性的文字没有重复。"]) == [[]]


def test_amounts_are_not_keywords():
    [words] = keywords(["公司营收达到三亿元。利润为一亿元。游客五万人次，去年四万人次。公司营收增长。"])
    assert "公司营收" in words and not {"亿元", "万人次"} & set(words)


def test_keywords_are_whole_words_without_glue():
    # The longest repeat (伊斯兰饭庄董事) ends inside 董事长/董事会: the whole word before it is the keyword.
    assert keywords(["伊斯兰饭庄董事长来了。伊斯兰饭庄董事会开会。"]) == [["伊斯兰饭庄"]]
    # A repeat holding a conjunction, or opening with a stop word, is glue between terms.
    [words] = keywords(["社区和铁塔居委会合作。社区和铁塔小学联欢。我们积极配合检查。我们积极配合消杀。"])
    assert not {"社区和铁塔", "积极配合", "我们积极配合"} & set(words)
    assert "铁塔" in words


def test_a_passage_said_twice_is_one_repeat():
    # The title comes back as the lead's first sentence: its pieces are repeated only by the copy, and
    # the segmentation's cut of it (城乡建设|委会 of 城乡建设委|会同) is not shown right by the text.
    title = "市住房城乡建设委会同市住房资金管理中心紧急下发通知"
    [found] = keywords([f"{title}\n{title}，要求各区做好防汛。各区防汛工作由区政府负责，防汛物资已到位。"])
    assert "防汛" in found
    assert not {"城乡建设委会", "城乡建设"} & set(found), found


def test_a_term_always_beside_the_same_character_where_the_word_list_cannot_tell_is_no_keyword():
    # 贝莱德建信理财 is read 贝莱|德建信|理财: 德建信 is a guess at a word the list lacks, and both
    # pieces are always written beside the character the other holds.
    [found] = keywords(["贝莱德建信理财首席投资官将离任。招银理财刘睿将出任贝莱德建信理财首席投资官。"
                        "在加入贝莱德建信理财之前，刘睿任职于招银理财。他参与了贝莱德建信理财的筹备工作。"])
    assert "招银理财" in found and not {"贝莱", "德建信理财"} & set(found), found
    # 新发地 is read 新发|地: a two-character term beside the same character in every passage
    [found] = keywords(["记者从新发地市场获悉，新发地遍布市区的菜店持续运营。雨中的新发地，蔬菜供应充足。"])
    assert "新发" not in found, found
    # beside the commonest function characters (的) a term is still a term
    [found] = keywords(["动物园的河马生了宝宝。游客都来看新生的河马，饲养员说，这头小的河马很健康。"])
    assert found == ["河马"]


def test_seed_keywords_do_not_straddle_words(seed_articles):
    found = {w for ws in keywords([f"{a.title}\n{a.text}" for a in seed_articles]) for w in ws}
    assert {"物业行业", "伊斯兰饭庄"} <= found
    assert not {"市物业行业", "伊斯兰饭庄董", "区和铁塔居委", "物业党"} & found


runner = CliRunner()


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_cli_writes_markdown_and_json_with_masthead_options(tmp_path, suffix):
    out = tmp_path / f"b{suffix}"
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(out), "--issue", "7", "--unit", "秘书处",
                                 "--date", "2024-05-18"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "第7期" in text if suffix == ".md" else json.loads(text)["issue"] == "7"
    assert "秘书处" in text and ("2024年5月18日" in text or "2024-05-18" in text)


def test_cli_rejects_a_bad_date_and_template(tmp_path):
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(tmp_path / "b.docx"), "--date", "18.5.2024"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(tmp_path / "b.docx"), "--template", "nope"])
    assert result.exit_code == 2 and "template nope not found" in result.output
    assert not (tmp_path / "b.docx").exists()


def test_masthead_settings_from_the_config_file(tmp_path):
    from summarizer.config import load_settings

    path = tmp_path / "s.toml"
    path.write_text('[brief]\nissue = 12\nunit = "秘书处"\ntemplate = "gongwen"\n', encoding="utf-8")
    s = load_settings(path)
    assert (s.issue, s.unit, s.template) == ("12", "秘书处", "gongwen")
    assert layout.issue_label(s.issue) == "第12期" and layout.issue_label("2024年第3期") == "2024年第3期"


def test_overview_of_many_regions_names_the_largest(tmp_path):
    from summarizer.compose.briefing import build_briefing
    from summarizer.types import Summary
    from tests.conftest import make_article, make_region

    codes = ["110100", "120100", "130100", "140100", "150100", "210100", "220100"]
    articles = [make_article(region=make_region(f"省{c[:2]}", f"市{c[:4]}", c)) for c in codes]
    one_each = build_briefing(articles, [Summary("摘要。", "extractive")] * 7, title="t", date=DATE)
    # No region has "more" when every one has one story; and stories of no known region are no region.
    assert one_each.overview.text.startswith("本期共收录新闻7篇，涉及7个省份、7个城市，省11、省12、省13等7地各1篇。")
    articles += [make_article(region=make_region("省22", "市2202", "220200")), make_article()]
    result = build_briefing(articles, [Summary("摘要。", "extractive")] * 9, title="t", date=DATE)
    assert result.overview.text.startswith("本期共收录新闻9篇，涉及7个省份、8个城市，其中篇数较多的是省222篇，"
                                           "另有1篇未能确定地区。")
    assert "300户" in result.overview.text  # the headline figure of make_article's text


def test_an_empty_briefing_still_renders_every_format(tmp_path):
    from summarizer.compose.briefing import build_briefing

    empty = build_briefing([], [], title="t", date=DATE)
    assert empty.overview.text == "本期未收录新闻。"
    for suffix in (".docx", ".md", ".json"):
        assert empty.write(tmp_path / f"e{suffix}").stat().st_size > 0


@pytest.mark.parametrize("case", ["seeds", "empty", "one region"])
def test_the_streamed_files_are_the_texts_made_whole(seed_briefing, seed_articles, tmp_path, case):
    """render_markdown and render_json write a story at a time; what they write is to_markdown's text and
    json.dumps of to_json_data, byte for byte (an empty briefing too)."""
    if case == "seeds":
        briefing = seed_briefing
    elif case == "empty":
        briefing = brief([], title="空简报", date=DATE)
    else:
        briefing = brief(seed_articles[:1], title="标题  ", date=DATE,
                         skipped=(SkippedFile(Path("空.txt"), SkipKind.EMPTY_FILE),))
    from summarizer.compose.json import render_json
    from summarizer.compose.markdown import render_markdown

    render_markdown(briefing, tmp_path / "b.md")
    render_json(briefing, tmp_path / "b.json")
    assert (tmp_path / "b.md").read_bytes() == to_markdown(briefing).encode()
    whole = json.dumps(to_json_data(briefing), ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "b.json").read_bytes() == whole.encode()


@pytest.mark.parametrize("lines", [[], [""], ["a", "", "  "], ["a  ", "b\t", "", " c ", " ", ""], [" ", "x"]])
def test_markdown_is_written_as_its_whole_text_would_be_stripped(lines):
    import io

    from summarizer.compose.markdown import _write_stripped

    out = io.StringIO()
    _write_stripped(out, iter(lines))
    assert out.getvalue() == "\n".join(lines).rstrip() + "\n"


def test_headline_figure_prefers_a_clause_that_reads_alone():
    from summarizer.compose.overview import headline_figures
    from summarizer.types import BriefingItem, Summary
    from tests.conftest import make_article

    text = "“请大家排好队，间隔3米的距离。”工作人员说。社区共有19个小区。"
    item = BriefingItem(make_article(text), Summary("摘要。", "extractive"), tuple(facts.key_figures(text)))
    ((_, figure),) = headline_figures([item])
    assert figure.text == "19个"


def test_model_overview_may_quote_a_figure_from_a_title(seed_briefing, prompt_dir):
    # 近3000 is only in seed 000's headline (小区物业一天为近3000业户配送物资近6万份), not in its body
    writer = FakeWriter("本期物业服务新闻聚焦疫情防控，哈尔滨一小区物业一天为近3000业户配送物资近6万份，"
                        "各地物业积极行动。")
    overview = compose_overview(seed_briefing.sections, writer, prompts=prompt_dir)
    assert overview.method == "chat (fake)"
