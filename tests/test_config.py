import pytest

from summarizer.config import Settings, load_settings
from summarizer.errors import ConfigError


def test_defaults_without_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SUMMARIZER_CONFIG", raising=False)
    assert load_settings() == Settings()


def test_file_overrides_only_its_keys_and_cli_overrides_win(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[brief]\ntitle = "物业简报"\nmax_chars = 90\n', encoding="utf-8")
    s = load_settings(path)
    assert (s.title, s.max_chars, s.backend) == ("物业简报", 90, "auto")
    assert s.with_overrides(max_chars=50, title=None).max_chars == 50
    assert s.with_overrides(title=None).title == "物业简报"


@pytest.mark.parametrize(("text", "message"), [
    ("[brief\n", "not valid TOML"),
    ('[brief]\ncolour = "red"\n', "unknown key"),
    ('[brief]\nmax_chars = "many"\n', "must be int"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "none.toml")
