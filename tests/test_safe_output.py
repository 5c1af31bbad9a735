"""Text made safe once, at the edge; options and long articles that used to crash the run (issue 19)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import docx
import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from summarizer import brief
from summarizer.backends.extractive import ExtractiveSummarizer
from summarizer.cli import app
from summarizer.compose.json import SCHEMA_FILE
from summarizer.ingest.clean import to_simplified
from summarizer.text import CJK_RE, LEAD_WINDOW, cjk_count, cjk_ratio, lead_window, safe_text, safe_value
from summarizer.types import Briefing, SkipKind, SkippedFile, Summary
from tests.conftest import SEEDS, make_article

runner = CliRunner()
HOSTILE = "标题\x01\x1b\ud800\udfff\ufffe\x7f"


def test_safe_text_drops_controls_and_replaces_lone_surrogates():
    assert safe_text("a\x00b\x01c\x1fd\te\nf\r\ng\rh") == "abcd\te\nf\ng\nh"
    assert safe_text("亞\ud800區\udc00") == "亞\ufffd區\ufffd"
    assert safe_text("\ufffe\uffff😀\u200f\u202e") == "😀\u200f\u202e"  # direction marks are writable text
    assert safe_text(safe_text(HOSTILE)) == safe_text(HOSTILE) == "标题\ufffd\ufffd\x7f"


def test_safe_value_walks_a_briefing_and_keeps_kinds_and_paths():
    entry = SkippedFile(Path("bad\udcff\x01.txt"), SkipKind.BINARY, error="x\x00")
    briefing = Briefing(HOSTILE, dt.date(2024, 5, 18), (), (entry,), unit="单位\x02")
    safe = safe_value(briefing)
    assert safe.title == "标题\ufffd\ufffd\x7f" and safe.unit == "单位" and safe.date == briefing.date
    (skipped,) = safe.skipped
    assert skipped.kind is SkipKind.BINARY and skipped.path == Path("bad\ufffd.txt") and skipped.error == "x"
    assert safe_value(Path("plain.txt")) == Path("plain.txt")


def test_safe_value_returns_what_needs_no_change_itself():
    """A month of clean articles is not copied: clean values come back as they are; a changed field
    gives a new value and leaves the clean parts shared."""
    clean = SkippedFile(Path("ok.txt"), SkipKind.BINARY, error="不是文本")
    briefing = Briefing("简报", dt.date(2024, 5, 18), (), (clean,), unit="单位")
    assert safe_value(briefing) is briefing
    meta = {"k": "v"}
    assert safe_value(meta) is meta and safe_value((clean,))[0] is clean
    batch = [clean]
    assert safe_value(batch) == batch and safe_value(batch) is not batch  # a list is always a new list
    dirty = Briefing("简报\x00", dt.date(2024, 5, 18), (), (clean,))
    safe = safe_value(dirty)
    assert safe is not dirty and safe.title == "简报" and safe.skipped[0] is clean


def test_opencc_conversion_survives_what_it_cannot_encode():
    assert to_simplified("亞\ud800") == "亚\ud800"
    assert to_simplified("這個區域\x00裡面有") == "这个区域\x00里面有"  # nothing after a NUL is lost


def test_every_format_writes_a_briefing_full_of_hostile_text(tmp_path):
    """What reaches a renderer without passing a reader: options, file names in no encoding, a summary
    from the cache or a model, an article built in Python."""
    article = make_article(title=HOSTILE, source="来源\x07", path=Path("a\udcff.txt"))
    briefing = brief([article], title=HOSTILE, unit="单位\x02", date=dt.date(2024, 5, 18),
                     skipped=(SkippedFile(Path("b\x1b.txt"), SkipKind.BINARY),))
    item = briefing.sections[0].cities[0].items[0]
    cached = dataclasses.replace(item, summary=Summary("摘要\ud800\x01", "chat", model="m\x00"))  # as from a cache
    briefing = dataclasses.replace(briefing, sections=(dataclasses.replace(
        briefing.sections[0], cities=(dataclasses.replace(briefing.sections[0].cities[0], items=(cached,)),)),))
    for suffix in (".docx", ".md", ".json"):
        briefing.write(tmp_path / f"b{suffix}")
    document = docx.Document(str(tmp_path / "b.docx"))
    assert document.paragraphs[0].text == "标题\ufffd\ufffd\x7f"
    data = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert data["skipped"][0]["file"] == "b.txt"
    assert "摘要\ufffd" in (tmp_path / "b.md").read_text(encoding="utf-8")


def test_cli_options_are_made_safe_and_a_long_title_fits_word(tmp_path):
    long_title = "物业服务简报" * 2000
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(tmp_path / "a.docx"), "--title", long_title,
                                 "--unit", "某某协会\x01"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "a.docx"))
    assert document.paragraphs[0].text == long_title  # the masthead keeps the whole title
    assert len(document.core_properties.title) == 255 and document.core_properties.title.endswith("…")
    assert document.core_properties.author == "某某协会"


def test_an_output_path_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "existing.docx").write_bytes(b"")
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(tmp_path / "existing.docx" / "x.docx")])
    assert result.exit_code == 2
    assert result.output.strip() == (f"error: cannot write {tmp_path / 'existing.docx' / 'x.docx'}: "
                                     f"{tmp_path / 'existing.docx'} is a file, not a folder")


def test_lead_window_ends_at_a_sentence_or_paragraph_end():
    text = "甲乙丙丁。" * 5000
    assert lead_window(text) == text[:LEAD_WINDOW]
    assert lead_window("短文。") == "短文。"
    quoted = "他说：“好。”然后" * 3000
    assert lead_window(quoted).endswith("“好。”")
    assert lead_window("第一段。\n" + "无标点" * 5000) == "第一段。"


def test_a_long_article_is_summarised_from_its_lead_and_says_so():
    lead = "某市住建局发布通知，全市老旧小区改造工程本月启动，首批涉及120个小区。"
    filler = "".join(f"第{i}号楼的居民在社区广场参加了活动，大家反映良好。" for i in range(20000))
    article = make_article(lead + "\n" + filler)  # about 500,000 characters
    (summary,) = ExtractiveSummarizer().summarize([article], max_chars=60)
    window = lead_window(article.text)
    assert summary.text and all(clause in window for clause in re.split("[，。]", summary.text) if clause)
    assert summary.notes == (f"long article ({len(article.text):,} characters): summarised from its first "
                             f"{len(lead_window(article.text)):,}",)
    assert "long article" in summary.method
    (short,) = ExtractiveSummarizer().summarize([make_article(lead)], max_chars=60)
    assert short.notes == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("小区物业 \t\n\u3000\x85\u2028a1，。\uf900\u3400")), max_size=40))
def test_cjk_counts_match_their_definition(text):
    chars = [c for c in text if not c.isspace()]
    assert cjk_count(text) == sum(1 for c in text if CJK_RE.match(c))
    assert cjk_ratio(text) == (sum(1 for c in chars if CJK_RE.match(c)) / len(chars) if chars else 0.0)


def test_a_killed_runs_temp_file_is_removed_by_the_next_write(tmp_path):
    import os
    import time

    from summarizer.compose import STALE_TEMP

    stale, fresh, other = (tmp_path / n for n in (".b.md.0123456789ab.tmp", ".b.md.ba9876543210.tmp",
                                                  ".c.md.0123456789ab.tmp"))
    for file in (stale, fresh, other):
        file.write_text("half", encoding="utf-8")
    old = time.time() - STALE_TEMP - 60
    for file in (stale, other):
        os.utime(file, (old, old))
    brief([make_article()]).write(tmp_path / "b.md")
    # the stale temp of this output goes; a writer's fresh one and another output's stay
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["b.md", fresh.name, other.name])


def test_articles_built_in_python_with_a_lone_surrogate_make_a_briefing(tmp_path):
    article = make_article(title="标题\ud800", text=make_article().text + "\ud800\x01")
    briefing = brief([article, make_article(title="另一篇")])
    briefing.write(tmp_path / "b.json")
    assert "\ud800" not in (tmp_path / "b.json").read_text(encoding="utf-8", errors="surrogatepass")
