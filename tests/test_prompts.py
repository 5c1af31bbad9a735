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


@pytest.mark.parametrize(
    ("name", "variables"),
    [("title", {"text", "max_chars"}),
     # overview: exactly what compose/overview.py fills, or every model-written 综述 would fail
     ("overview", {"title", "max_chars", "min_chars", "n_articles", "n_provinces", "n_cities", "regions",
                   "summaries"}),
     ("strict", {"prompt", "problems", "figures"})],
)
def test_every_prompt_file_renders_with_its_named_variables(name, variables):
    import string

    template = load_prompt(name)
    assert {f for _, f, _, _ in string.Formatter().parse(template) if f} == variables
    assert "{max_chars}个字" in template or name == "strict"
    assert render_prompt(template, **dict.fromkeys(variables, "X"))


def test_the_wheel_carries_the_prompts_inside_the_package():
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["prompts"] == "summarizer/prompts"



def test_prompts_digest_follows_the_texts_not_where_they_lie(tmp_path):
    import shutil

    from summarizer.prompts import prompts_digest
    from tests.conftest import ROOT

    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(ROOT / "prompts", first)
    shutil.copytree(ROOT / "prompts", second)
    assert prompts_digest(first) == prompts_digest(second) == prompts_digest()  # another checkout: same cache
    (second / "summary.txt").write_text("请用{max_chars}字概括：{title}{text}", encoding="utf-8")
    assert prompts_digest(second) != prompts_digest(first)
