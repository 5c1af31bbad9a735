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
    ('[brief]\nmax_chars = "many"\n', r"\[brief\]\.max_chars must be a whole number, got 'many'"),
    ("[brief]\nmax_chars = -5\n", r"max_chars must be at least 10 \(characters per summary\), got -5"),
    ("[brief]\nmax_chars = 0\n", "at least 10"),
    ("[brief]\nmax_chars = 5\n", "at least 10"),
    ("[brief]\nmax_chars = true\n", "must be a whole number, got True"),
    ("[brief]\ndedup = 1\n", "dedup must be bool, got 1"),
    ('[brief]\nsort = "random"\n', "sort must be one of newest, oldest, input"),
    ('brief = "x"\n', "brief must be a table"),
    ('regions = ["x"]\n', "regions must be a table"),
    ('[breif]\ntitle = "x"\n', r"unknown table \[breif\]; known tables: brief, regions, engines"),
    ('title = "x"\n', r"stands outside any table; settings go under \[brief\]"),
])
def test_bad_config_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


@pytest.mark.parametrize("values", [{"max_chars": 5}, {"max_chars": True}, {"title": 3}, {"sort": "x"},
                                    {"engines": []}])
def test_settings_made_in_python_are_checked_alike(values):
    from summarizer import Settings

    with pytest.raises(ConfigError):
        Settings(**values)
    with pytest.raises(ValueError):  # a ConfigError is a ValueError for Python callers
        Settings().with_overrides(**values)


def test_a_bad_budget_from_the_cli_is_one_line_and_exit_2(tmp_path):
    from typer.testing import CliRunner

    from summarizer.cli import app

    (tmp_path / "s.toml").write_text("[brief]\nmax_chars = 5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["brief", "seeds", "-o", str(tmp_path / "b.docx")],
                                env={"SUMMARIZER_CONFIG": str(tmp_path / "s.toml")})
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 's.toml'}: [brief].max_chars must be at least "
                                                  "10 (characters per summary), got 5"]
    assert not (tmp_path / "b.docx").exists()


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "none.toml")


def test_engine_tables_set_engine_options(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[engines.chat]\ndtype = "float32"\nquantize = "int8"\nthreads = 1\n'
                    '[engines.openai]\nbase_url = "http://127.0.0.1:8000/v1"\napi_key_env = "DASHSCOPE_API_KEY"\n',
                    encoding="utf-8")
    s = load_settings(path)
    assert s.engines == {"transformers": {"dtype": "float32", "quantize": "int8", "threads": 1},  # chat: an alias
                         "openai": {"base_url": "http://127.0.0.1:8000/v1", "api_key_env": "DASHSCOPE_API_KEY"}}
    assert Settings().engines == {}  # not set: the engines' own defaults


@pytest.mark.parametrize(("text", "message"), [
    ('[engines.chat]\ndtype = "fp16"\n', r"\[engines\.chat\]: transformers engine: unknown dtype='fp16'; choose one "
                                         r"of: auto, mixed"),
    ('[engines.transformers]\nquantize = "int4"\n', r"unknown quantize='int4'"),
    ("[engines.transformers]\nthreads = 0\n", r"threads must be at least 1, got 0"),
    ('[engines.transformers]\nthreads = "two"\n', r"threads must be a whole number, got 'two'"),
    ('[engines.transformers]\ngpu = "yes"\n', r"gpu: not an option of the transformers engine; its options: prompts"),
    ('[engines.seq2seq]\ndtype = "float32"\n', r"dtype: not an option of the seq2seq engine"),
    ('[engines.vllm]\nbase_url = "x"\n', r"\[engines\.vllm\]: unknown backend 'vllm'; choose one of: auto, extractive"),
    ('engines = "fast"\n', r"\[engines\] holds one table per engine"),
    ('[models]\ndtype = "auto"\n', r"\[models\] is now one table per engine, e.g. \[engines\.transformers\]"),
])
def test_bad_engine_table_names_the_table_the_key_and_the_value(tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_the_cli_uses_the_table_of_the_engine_that_runs_and_its_flags_win(tmp_path, monkeypatch):
    from summarizer.cli import _run_options

    path = tmp_path / "s.toml"
    path.write_text('[brief]\nmodel = "m.gguf"\n[engines."llama.cpp"]\nthreads = 1\ncontext = 2048\n'
                    '[engines.transformers]\ndtype = "float32"\n', encoding="utf-8")
    run = _run_options(load_settings(path), {"threads": 2}, no_cache=True)
    assert (run["backend"], run["model"], run["threads"], run["context"]) == ("auto", "m.gguf", 2, 2048)
    assert "dtype" not in run  # the transformers table is not for a .gguf run
