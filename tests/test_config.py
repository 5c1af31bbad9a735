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


def test_models_section_sets_engine_options_and_cli_wins(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[models]\ndtype = "float32"\nquantize = "int8"\nthreads = 1\n', encoding="utf-8")
    s = load_settings(path)
    assert (s.dtype, s.quantize, s.threads) == ("float32", "int8", 1)
    assert s.with_overrides(quantize="none", dtype=None).quantize == "none"
    assert Settings().dtype is None  # not set: the engine's own default (auto)


@pytest.mark.parametrize(("text", "message"), [
    ('[models]\ndtype = "fp16"\n', r"\[models\]\.dtype: unknown dtype='fp16'; choose auto, mixed, bfloat16 or float32"),
    ('[models]\nquantize = "int4"\n', r"\[models\]\.quantize: unknown quantize='int4'"),
    ('[models]\nquantize = 8\n', r"\[models\]\.quantize: unknown quantize='8'"),
    ("[models]\nthreads = 0\n", r"\[models\]\.threads must be a whole number of at least 1, got 0"),
    ('[models]\ngpu = "yes"\n', r"unknown key \[models\]\.gpu; known keys: dtype, quantize, threads"),
    ('models = "fast"\n', r"\[models\] must be a table"),
])
def test_bad_models_section_names_the_key_and_the_value(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)
