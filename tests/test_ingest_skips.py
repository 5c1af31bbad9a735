"""Every input accounted for: each file and each record ends as articles or as a skipped entry."""

import json
import re

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.compose import layout
from summarizer.ingest import read_inputs
from summarizer.types import SKIP_WORDING, SkipKind, SkippedFile

TEXT = "小区物业为业主配送物资近六万份，居民普遍认可，社区表示将继续做好服务。"


def test_a_folder_lists_unsupported_hidden_and_lock_files(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "design.psd").write_bytes(b"8BPS")
    (tmp_path / "setup.exe").write_bytes(b"MZ")
    (tmp_path / "~$报告.docx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text(TEXT, encoding="utf-8")  # inside a hidden folder: not read
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes").write_text(TEXT, encoding="utf-8")
    articles, skipped = read_inputs([tmp_path])
    assert [a.path.name for a in articles] == ["good.txt"]
    kinds = {s.name: s.kind for s in skipped}
    assert kinds == {".DS_Store": SkipKind.HIDDEN, ".git": SkipKind.HIDDEN, "setup.exe": SkipKind.UNSUPPORTED,
                     "design.psd": SkipKind.UNSUPPORTED, "notes": SkipKind.UNSUPPORTED,
                     "~$报告.docx": SkipKind.LOCK_FILE}
    by_name = {s.name: s for s in skipped}
    assert by_name["design.psd"].reason_zh == "不支持的文件类型 .psd"
    assert by_name["design.psd"].reason == "unsupported file type .psd"
    assert by_name["~$报告.docx"].ignored and not by_name["design.psd"].ignored


def test_each_jsonl_record_is_an_article_or_a_named_entry(tmp_path):
    lines = [json.dumps({"title": "甲", "text": TEXT}, ensure_ascii=False),
             json.dumps({"text": "来源：某报\n责任编辑：王五"}, ensure_ascii=False),  # cleans to nothing
             "{broken",
             json.dumps({"title": "没有正文"}, ensure_ascii=False),
             json.dumps([1, 2]),
             json.dumps({"content": TEXT}, ensure_ascii=False)]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    articles, skipped = read_inputs([tmp_path / "feed.jsonl"])
    assert [a.name for a in articles] == ["feed.jsonl", "feed.jsonl#6"]
    assert [(s.name, s.kind) for s in skipped] == [
        ("feed.jsonl#2", SkipKind.EMPTY_TEXT), ("feed.jsonl#3", SkipKind.BAD_JSON),
        ("feed.jsonl#4", SkipKind.NO_TEXT_FIELD), ("feed.jsonl#5", SkipKind.NOT_A_RECORD)]
    assert skipped[0].reason_zh == "正文为空"
    assert skipped[1].reason_zh == "格式错误，无法解析（第3行）" and "line 3" in skipped[1].reason
    assert skipped[1].location.endswith("feed.jsonl#3")


def test_a_json_array_names_its_records_and_a_single_object_names_the_file(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps([{"text": TEXT}, {"text": "   "}]), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"text": "Hello world, this is not Chinese at all."}),
                                     encoding="utf-8")
    articles, skipped = read_inputs([tmp_path])
    assert len(articles) == 1
    assert [(s.name, s.kind) for s in skipped] == [("a.json#2", SkipKind.NO_TEXT_FIELD),
                                                   ("b.json", SkipKind.NOT_CHINESE)]


@pytest.mark.parametrize("kind", list(SkipKind))
def test_every_kind_has_english_and_chinese_wording(kind):
    english, chinese = SKIP_WORDING[kind]
    entry = SkippedFile(__import__("pathlib").Path("x.txt"), kind, "7")
    assert entry.reason and entry.reason_zh
    assert not re.search(r"[A-Za-z]{2,}", chinese.replace("{detail}", "")), chinese  # issue 18: no English
    assert re.search(r"[A-Za-z]", english)


def test_the_briefing_lists_entries_in_chinese_and_the_cli_in_english(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "design.psd").write_bytes(b"8BPS")
    _, skipped = read_inputs([tmp_path])
    assert layout.skipped_line(skipped[0]) == "design.psd：不支持的文件类型 .psd"
    result = CliRunner().invoke(app, ["brief", str(tmp_path), "-o", str(tmp_path / "out.md")])
    assert result.exit_code == 0, result.output
    assert "unsupported file type .psd" in result.output
    assert "design.psd：不支持的文件类型 .psd" in (tmp_path / "out.md").read_text(encoding="utf-8")


def test_ingest_json_shows_every_removal(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(f"2023-08-18 14:03:05，正文：{TEXT}（完）", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["text"] == TEXT and row["date"] == "2023-08-18"
    assert [r["reason"] for r in row["removals"]] == ["header", "byline"]
    assert row["cleaning_loss"] < 0.2
