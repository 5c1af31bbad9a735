import json

import pytest

from summarizer.cache import SummaryCache, cache_key, default_dir
from summarizer.types import Summary
from tests.conftest import make_article

SUMMARY = Summary("物业为2836户业主配送物资。", "chat", "m", None, ("分段摘要",))


def test_roundtrip_and_clear(tmp_path):
    cache = SummaryCache(tmp_path)
    key = cache_key(make_article(), "chat|m|prompt-v1", 150)
    assert cache.get(key) is None
    cache.put(key, SUMMARY)
    assert cache.get(key) == SUMMARY and cache.size() == 1
    assert cache.clear() == 1 and cache.get(key) is None


def test_key_changes_with_text_engine_and_budget():
    a, b = make_article("甲。"), make_article("乙。")
    keys = {cache_key(a, "f1", 150), cache_key(b, "f1", 150), cache_key(a, "f2", 150), cache_key(a, "f1", 100)}
    assert len(keys) == 4
    assert cache_key(a, "f1", 150) == cache_key(make_article("甲。"), "f1", 150)


def test_corrupt_entry_is_a_miss_and_removed(tmp_path):
    cache = SummaryCache(tmp_path)
    key = cache_key(make_article(), "f", 150)
    cache.put(key, SUMMARY)
    path = next(tmp_path.glob("*/*.json"))
    path.write_text('{"text": "half', encoding="utf-8")  # as if the machine died mid-write without rename
    assert cache.get(key) is None and not path.exists()


@pytest.mark.parametrize("entry", [
    {"text": "摘要", "engine": 123, "fallback": {"a": 1}},
    {"text": "摘要", "engine": "chat", "notes": "not a list"},
    {"text": "摘要", "engine": "chat", "fallback_kind": "no-such-kind"},
    {"text": "摘要"},  # a title or 综述 entry read as a summary
])
def test_an_entry_of_the_wrong_shape_is_a_miss_and_removed(tmp_path, entry):
    cache = SummaryCache(tmp_path)
    key = cache_key(make_article(), "f", 150)
    cache.put(key, SUMMARY)
    path = next(tmp_path.glob("*/*.json"))
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert cache.get(key) is None and not path.exists()


def test_cached_text_is_made_safe(tmp_path):
    cache = SummaryCache(tmp_path)
    key = cache_key(make_article(), "f", 150)
    cache.put(key, Summary("摘要\x01\ud800", "chat", "m\x00"))  # as a model may write it
    assert cache.get(key) == Summary("摘要\ufffd", "chat", "m")
    path = next(tmp_path.glob("*/*.json"))
    path.write_text(json.dumps({"text": "摘要\ud800\x02", "engine": "chat"}), encoding="utf-8")  # as by hand
    assert cache.get(key) == Summary("摘要\ufffd", "chat")


def test_clear_and_info_handle_anything_under_the_folder(tmp_path):
    cache = SummaryCache(tmp_path)
    key = cache_key(make_article(), "f", 150)
    cache.put(key, SUMMARY)
    (tmp_path / key[:2] / "odd.json").mkdir()  # a folder named like an entry
    (tmp_path / key[:2] / ".tmp-abc.json").write_text("{", encoding="utf-8")  # a killed writer's temp file
    (tmp_path / "ff").write_text("a file where a folder goes", encoding="utf-8")
    (tmp_path / "probes").mkdir()  # not the summaries': left alone
    assert cache.size() == 1
    assert cache.clear() == 1 and cache.size() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probes"]


def test_unwritable_cache_is_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = SummaryCache(blocker / "sub")  # a directory under a regular file cannot be created
    cache.put("ab" * 32, SUMMARY)
    assert cache.get("ab" * 32) is None


def test_env_overrides_location(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    assert default_dir() == tmp_path


def test_default_location_is_the_user_cache_dir(monkeypatch):
    monkeypatch.delenv("SUMMARIZER_CACHE_DIR", raising=False)
    path = default_dir()  # imports platformdirs: a declared dependency, not a transitive accident
    assert path.name == "summaries" and "summarizer" in path.parts
