import json

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.evaluate import CharTokenizer, evaluate, format_table, read_dataset, rouge

pytest.importorskip("rouge_score")
runner = CliRunner()


def write_set(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_char_tokenizer_keeps_chinese_and_drops_punctuation():
    assert CharTokenizer().tokenize("美联储，加息 25基点！") == list("美联储加息25基点")


def test_rouge_is_char_level_and_ignores_punctuation():
    assert rouge(["美联储加息。"], ["美联储，加息"]) == pytest.approx({"rouge1": 100, "rouge2": 100, "rougeL": 100})
    assert rouge(["今天晴天"], ["美联储加息"])["rouge1"] == 0
    half = rouge(["美联储"], ["美联储加息"])  # P = 1, R = 3/5
    assert half["rouge1"] == pytest.approx(100 * 2 * 0.6 / 1.6)


def test_read_dataset_limit_and_errors(tmp_path):
    good = write_set(tmp_path / "a.jsonl", [{"id": "x", "text": "正文。", "summary": "摘要"}] * 3)
    items = read_dataset(good, limit=2)
    assert len(items) == 2 and items[0].reference == "摘要" and items[0].id == "x"
    with pytest.raises(InputError, match="does not exist"):
        read_dataset(tmp_path / "missing.jsonl")
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": "正文。", "summary": "摘要"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b.jsonl:2: not valid JSON"):
        read_dataset(bad)
    with pytest.raises(InputError, match=r":1: each line needs"):
        read_dataset(write_set(tmp_path / "c.jsonl", [{"text": "正文。"}]))


def test_evaluate_counts_lengths_and_over_budget(tmp_path):
    items = read_dataset(write_set(tmp_path / "a.jsonl", [{"text": "甲乙丙。", "summary": "甲乙"}] * 2))
    report = evaluate("echo", lambda arts: [a.text for a in arts], items, max_chars=3)
    assert report.n == 2 and report.over_budget == 2 and report.longest == 4 and report.mean_chars == 4
    assert report.rouge1 == pytest.approx(100 * 2 * (2 / 3) / (2 / 3 + 1))
    table = format_table([report])
    assert table.splitlines()[0].split()[:4] == ["system", "n", "budget", "R1"] and "echo" in table


def test_eval_command_table_and_json(tmp_path):
    data = write_set(tmp_path / "dev.jsonl", [
        {"text": "迈克生物披露定增结果，本次定增募集资金总额为15.74亿元。高毅资产获配近2.7亿元。",
         "summary": "迈克生物定增结果"},
        {"text": "美国财政部宣布，将对4名官员实施制裁。美国国务卿表示，美方将致力于打击相关行动。",
         "summary": "美国制裁4名官员"},
    ])
    result = runner.invoke(app, ["eval", str(data), "--backend", "extractive", "-n", "30", "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["n"] == 2 and row["max_chars"] == 30 and row["over_budget"] == 0 and 0 < row["rougeL"] <= 100
    result = runner.invoke(app, ["eval", str(data), "--limit", "1", "-n", "30"])
    assert result.exit_code == 0 and result.output.splitlines()[1].split()[1] == "1"


def test_eval_command_reports_bad_file(tmp_path):
    result = runner.invoke(app, ["eval", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and "does not exist" in result.output
