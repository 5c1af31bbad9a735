import json
import subprocess
import sys

import docx
from typer.testing import CliRunner

from summarizer.cli import app
from tests.conftest import ROOT, SEEDS

runner = CliRunner()


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("brief", "summarize", "ingest"):
        assert command in result.output


def test_brief_writes_docx_and_reports_regions(tmp_path):
    out = tmp_path / "b.docx"
    result = runner.invoke(app, ["brief", str(SEEDS), "-o", str(out), "--title", "物业简报", "--max-chars", "80"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and "海南省: 1 篇（海口市 1）" in result.output
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "物业简报"


def test_brief_lists_skipped_file_and_still_succeeds(tmp_path):
    (tmp_path / "a.txt").write_text((SEEDS / "000_3a66c6915ed1d9f5.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["brief", str(tmp_path), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 0
    assert "skipped" in result.output and "bad.txt" in result.output


def test_errors_exit_2_with_one_line(tmp_path):
    for args in (["brief", str(tmp_path / "missing")], ["brief", str(tmp_path)],
                 ["brief", str(SEEDS), "--backend", "nope", "-o", str(tmp_path / "x.docx")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert result.output.strip().startswith("error: ") and len(result.output.strip().splitlines()) == 1


def test_summarize_and_ingest_json():
    result = runner.invoke(app, ["summarize", str(SEEDS), "--json", "-n", "60"])
    rows = json.loads(result.stdout)
    # five seed files; 002 is a newspaper page of three stories
    assert len(rows) == 7 and all(len(r["summary"]) <= 60 and r["method"] == "extractive" for r in rows)
    result = runner.invoke(app, ["ingest", str(SEEDS / "003_2f9438cd7a0b0f1b.txt"), "--json"])
    (row,) = json.loads(result.stdout)
    assert row["region"]["county"] == "秀英区" and row["title_derived"] is True


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "summarizer", "--help"], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "brief" in result.stdout


def test_import_and_extractive_path_do_not_load_torch():
    code = ("import sys, summarizer; summarizer.brief(summarizer.load_articles('seeds'));"
            "print(sorted(m for m in ('torch', 'transformers', 'pandas', 'httpx', 'llama_cpp') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_cache_info_and_clear(monkeypatch, tmp_path):
    from summarizer.cache import SummaryCache
    from summarizer.types import Summary

    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    SummaryCache().put("ab" * 32, Summary("摘要。", "chat", "m"))
    assert runner.invoke(app, ["cache", "info"]).output.strip() == f"{tmp_path}: 1 summaries"
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0 and result.output.strip() == f"removed 1 summaries from {tmp_path}"
    assert SummaryCache().size() == 0


def test_no_cache_flag_is_accepted(tmp_path):
    result = runner.invoke(app, ["summarize", str(SEEDS / "000_3a66c6915ed1d9f5.txt"), "--no-cache", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["method"] == "extractive"


def test_sigterm_ends_the_run_through_its_cleanup(tmp_path):
    import subprocess
    import sys

    marker = tmp_path / "cleaned"
    code = ("import os, signal, time\n"
            "from summarizer.cli import stop_cleanly_on_sigterm\n"
            "stop_cleanly_on_sigterm()\n"
            "try:\n    os.kill(os.getpid(), signal.SIGTERM)\n    time.sleep(30)\n"
            f"finally:\n    open({str(marker)!r}, 'w').close()\n")
    result = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert result.returncode == 128 + 15 and marker.exists()


def test_the_command_line_starts_without_numpy_and_declared_options_are_the_engines():
    """`summarizer --help` builds every engine's flags from the registry, importing no engine's numerics
    nor what only some inputs need (YAML front matter, fetching a page, RFC 2822 dates);
    an option class declared in the registry is the one the engine takes."""
    import subprocess
    import sys

    from summarizer.backends import BACKENDS

    code = ("import sys, summarizer.cli; "
            "print([m for m in ('numpy', 'yaml', 'urllib.request', 'email') if m in sys.modules])")
    started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert started.stdout.strip() == "[]"
    assert BACKENDS["extractive"].options is BACKENDS["extractive"].load().Options
