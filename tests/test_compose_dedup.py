"""One story once in the briefing: reprints merged (另见), related reports grouped (相关报道), counts
by story — in the Briefing, in .docx (reopened), .md and .json (validated), and from the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import docx
import pytest
from typer.testing import CliRunner

from summarizer import brief, register_backend
from summarizer.backends import Engine
from summarizer.cli import app
from summarizer.compose import layout
from summarizer.compose.json import SCHEMA_FILE, to_json_data
from summarizer.types import Article, Summary
from tests.conftest import SEEDS, make_article, seed
from tests.test_dedup import DAY, reprints

DATE = dt.date(2023, 8, 20)


@pytest.fixture(scope="module")
def run(seed_articles) -> list[Article]:
    """The seeds, the Harbin story three more times (reprinted) and a follow-up quoting it (related)."""
    harbin = dataclasses.replace(seed(seed_articles, "000"), date=DAY + dt.timedelta(days=1))
    quoted = f"记者今天回访了悦山国际小区。此前报道：{harbin.text[:120]}如今小区已解封，居民生活恢复正常。"
    follow_up = make_article(quoted, title="悦山国际小区解封", path=Path("follow-up.txt"),
                             date=DAY + dt.timedelta(days=20))
    others = [a for a in seed_articles if a.path != harbin.path]
    return [harbin, *reprints(harbin), follow_up, *others]


@pytest.fixture(scope="module")
def merged(run):
    return brief(run, title="测试简报", date=DATE)


def _harbin_item(briefing):
    return next(i for i in briefing.items if i.reprints)


def test_one_entry_per_story_with_its_reprints_and_related_reports(merged, run):
    item = _harbin_item(merged)
    assert item.article.path == Path("dispatch.txt")  # the most complete version
    assert sorted(a.path.name for a in item.reprints) == ["000_3a66c6915ed1d9f5.txt", "cut.txt", "saved-twice.txt"]
    assert [r.article.title for r in item.related] == ["悦山国际小区解封"]
    stories = len(run) - 3
    assert layout.story_count(merged.items) == stories and layout.reprint_count(merged.items) == 3
    assert layout.region_rows(merged)[-1] == ("合计", "", str(stories))
    assert f"本期共收录新闻{stories}篇（另有3篇转载已合并）" in merged.overview.text
    assert layout.see_also(item) == ("另见：哈尔滨新闻网 2023年8月11日、某某网 2023年8月11日、"
                                     "澎湃新闻 2023年8月12日（3 家转载）")
    # every article is in the source list, the reprints marked with the story they went into
    rows = list(layout.source_rows(merged))
    assert len(rows) == len(run)
    assert sum("（转载，已并入第" in r[1] for r in rows) == 3 and sum("（相关报道）" in r[1] for r in rows) == 1


def test_no_dedup_keeps_every_article(run):
    plain = brief(run, title="测试简报", date=DATE, dedup=False)
    assert len(plain.items) == len(run) and layout.reprint_count(plain.items) == 0
    assert layout.merged_note(plain) is None


class Recorder(Engine):
    """An engine that summarises with each article's first sentence and remembers what it was given."""

    name = "recorder"
    seen: ClassVar[list[str]] = []

    def summarize(self, articles: Sequence[Article], *, max_chars: int) -> list[Summary]:
        Recorder.seen.extend(str(a.path) for a in articles)
        return [Summary(a.text.split("。")[0][:max_chars] + "。", self.name) for a in articles]


def test_reprints_are_never_summarised(run):
    register_backend("recorder", Recorder)
    Recorder.seen.clear()
    brief(run, backend="recorder", date=DATE)
    assert "dispatch.txt" in Recorder.seen
    assert not {"saved-twice.txt", "cut.txt"} & set(Recorder.seen)
    assert len(Recorder.seen) == len(run) - 3


def test_docx_shows_see_also_related_reports_and_story_counts(merged, tmp_path):
    doc = docx.Document(str(merged.write(tmp_path / "b.docx")))
    texts = [p.text for p in doc.paragraphs]
    assert layout.see_also(_harbin_item(merged)) in texts
    at = texts.index(layout.RELATED)
    assert texts[at + 1].startswith("悦山国际小区解封")
    assert layout.merged_note(merged) in texts
    region_table = doc.tables[0]
    assert [c.text for c in region_table.rows[-1].cells] == ["合计", "", str(layout.story_count(merged.items))]
    sources = [row.cells[1].text for row in doc.tables[-1].rows[1:]]
    assert sum("转载，已并入第" in t for t in sources) == 3


def test_markdown_shows_see_also_and_related_reports(merged):
    from summarizer.compose.markdown import to_markdown

    md = to_markdown(merged)
    assert f"*{layout.see_also(_harbin_item(merged))}*" in md
    assert "**相关报道**" in md and "- **悦山国际小区解封**" in md


def test_json_lists_reprints_and_related_and_follows_its_schema(merged, run):
    jsonschema = pytest.importorskip("jsonschema")
    data = to_json_data(merged)
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert data["schema"] == "summarizer.briefing/2"
    assert data["counts"]["stories"] + data["counts"]["reprints"] == data["counts"]["articles"] == len(run)
    items = [i for s in data["sections"] for c in s["cities"] for i in c["items"]]
    harbin = next(i for i in items if i["reprints"])
    assert {r["source"] for r in harbin["reprints"]} == {"哈尔滨新闻网", "某某网", "澎湃新闻"}
    assert [r["title"] for r in harbin["related"]] == ["悦山国际小区解封"]
    assert sum(s["stories"] for s in data["sections"]) == data["counts"]["stories"]


runner = CliRunner()


@pytest.fixture()
def folder_with_a_copy(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("000_3a66c6915ed1d9f5.txt", "004_8b468aa6d6d24c8b.txt"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    (folder / "copy-of-000.txt").write_bytes((SEEDS / "000_3a66c6915ed1d9f5.txt").read_bytes())
    return folder


def test_cli_merges_reprints_and_no_dedup_keeps_them(folder_with_a_copy, tmp_path):
    out = tmp_path / "b.md"
    result = runner.invoke(app, ["brief", str(folder_with_a_copy), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "(2 stories from 3 articles: 1 reprints merged, 0 skipped)" in result.output
    assert "另见：" in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["brief", str(folder_with_a_copy), "-o", str(out), "--no-dedup"])
    assert result.exit_code == 0, result.output
    assert "(3 articles, 0 skipped)" in result.output and "另见：" not in out.read_text(encoding="utf-8")


def test_dedup_setting_in_the_config_file(folder_with_a_copy, tmp_path, monkeypatch):
    from summarizer.config import load_settings
    from summarizer.errors import ConfigError

    config = tmp_path / "s.toml"
    config.write_text("[brief]\ndedup = false\n", encoding="utf-8")
    assert load_settings(config).dedup is False
    monkeypatch.setenv("SUMMARIZER_CONFIG", str(config))
    result = runner.invoke(app, ["brief", str(folder_with_a_copy), "-o", str(tmp_path / "b.md")])
    assert "(3 articles, 0 skipped)" in result.output
    config.write_text('[brief]\ndedup = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="dedup must be bool"):
        load_settings(config)
