import pytest

from summarizer.errors import ConfigError
from summarizer.prompts import load_prompt, render_prompt


def test_summary_prompt_loads_from_checkout_and_has_its_variables():
    text = load_prompt("summary")
    for variable in ("{title}", "{text}", "{max_chars}"):
        assert variable in text


def test_override_dir_wins(tmp_path):
    (tmp_path / "summary.txt").write_text("只要{max_chars}字：{text}", encoding="utf-8")
    assert render_prompt(load_prompt("summary", tmp_path), text="正文", max_chars=50, title="t") == "只要50字：正文"


def test_missing_prompt_and_missing_value_are_errors():
    with pytest.raises(ConfigError, match="not found"):
        load_prompt("no-such-prompt")
    with pytest.raises(ConfigError, match="max_chars"):
        render_prompt("{text}{max_chars}", text="x")
