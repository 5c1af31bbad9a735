"""One briefing per region (compose/split.py) and the CLI's --split-by and --workers."""

from __future__ import annotations

import datetime as dt
import json
import operator
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from summarizer import load_articles, parallel
from summarizer.cli import app
from summarizer.compose.briefing import build_briefing
from summarizer.compose.split import split_briefing, split_folder, write_split
from summarizer.errors import ConfigError, OutputError
from summarizer.pipeline import brief, brief_paths, with_regions
from summarizer.spill import Spilled
from summarizer.types import Article, SkipKind, SkippedFile, Summary

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

PLACES = {  # text → where it is
    "哈尔滨市南岗区物业公司为小区300户居民更换了供暖管道。": "黑龙江省",
    "齐齐哈尔市龙沙区的社区今天组织居民清扫积雪。": "黑龙江省",
    "聊城市东昌府区住建局检查了20个小区的消防通道。": "山东省",
    "济南市历下区的物业公司开展了垃圾分类宣传。": "山东省",
    "这篇报道没有提到任何地方，只说物业服务要做好。": None,
}


@pytest.fixture(scope="module")
def briefing():
    articles = with_regions([Article(title=text[:8], text=text) for text in PLACES])
    summaries = [Summary(a.text[:20], "extractive") for a in articles]
    skipped = (SkippedFile(Path("in/bad.docx"), SkipKind.BAD_DOCX),)
    return build_briefing(articles, summaries, title="物业简报", date=dt.date(2024, 5, 18), skipped=skipped,
                          issue="12")


def test_split_by_province_and_city(briefing) -> None:
    provinces = split_briefing(briefing, "province")
    assert [p.label for p in provinces] == ["黑龙江省", "山东省", "其他地区"]  # division-code order, then 其他
    assert [len(p.briefing.items) for p in provinces] == [2, 2, 1]
    assert provinces[0].briefing.title == "物业简报（黑龙江省）"
    assert provinces[0].briefing.issue == "12" and provinces[0].briefing.skipped == ()
    assert "黑龙江省" in provinces[0].briefing.overview.text and "山东" not in provinces[0].briefing.overview.text
    cities = split_briefing(briefing, "city", suffix=".md")
    assert [p.label for p in cities] == ["黑龙江省哈尔滨市", "黑龙江省齐齐哈尔市", "山东省济南市", "山东省聊城市",
                                         "其他地区"]
    assert [p.file for p in cities][:2] == ["1-黑龙江省哈尔滨市.md", "2-黑龙江省齐齐哈尔市.md"]
    assert sorted(i.article.text for p in cities for i in p.briefing.items) == sorted(PLACES)  # nothing lost
    with pytest.raises(ValueError, match="province or city"):
        split_briefing(briefing, "county")


def test_write_split_folder_index_and_replace(briefing, tmp_path: Path) -> None:
    parts = write_split(briefing, tmp_path / "may.docx", "province")
    folder = tmp_path / "may"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [(r["region"], r["stories"], r["file"]) for r in index["briefings"]] == [
        ("黑龙江省", 2, "1-黑龙江省.docx"), ("山东省", 2, "2-山东省.docx"), ("其他地区", 1, "3-其他地区.docx")]
    assert index["stories"] == 5 and index["skipped"][0]["file"] == "in/bad.docx"
    markdown = (folder / "index.md").read_text(encoding="utf-8")
    assert "[2-山东省.docx](2-山东省.docx)" in markdown and "bad.docx" in markdown
    text = "\n".join(p.text for p in Document(str(folder / parts[1].file)).paragraphs)
    assert "物业简报（山东省）" in text and "聊城市东昌府区住建局" in text and "哈尔滨" not in text
    assert not Document(str(folder / parts[1].file)).inline_shapes  # no chart of one province's one bar
    assert sorted(p.name for p in folder.iterdir()) == ["1-黑龙江省.docx", "2-山东省.docx", "3-其他地区.docx",
                                                        "index.json", "index.md"]
    write_split(briefing, folder, "city")  # a folder of earlier briefings is replaced whole
    assert len(json.loads((folder / "index.json").read_text(encoding="utf-8"))["briefings"]) == 5
    assert not (folder / "2-山东省.docx").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["may"]  # no temporary folder left behind


def test_split_folder_refuses_what_it_would_overwrite(tmp_path: Path) -> None:
    assert split_folder(tmp_path / "out.md") == (tmp_path / "out", ".md")
    assert split_folder(tmp_path / "out") == (tmp_path / "out", ".docx")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="holds other files"):
        split_folder(tmp_path / "mine")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        split_folder(tmp_path / "file.docx")
    with pytest.raises(OutputError, match=r"\.pdf"):
        split_folder(tmp_path / "out.pdf")


def test_a_failed_write_leaves_nothing(briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer.compose import split

    def fail(job):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(split, "_render", fail)
    with pytest.raises(OutputError, match="No space left"):
        write_split(briefing, tmp_path / "out", "province")
    assert list(tmp_path.iterdir()) == []


def test_brief_paths_with_workers_is_the_serial_briefing() -> None:
    kwargs = {"backend": "extractive", "date": dt.date(2024, 5, 18)}
    serial, pooled = brief_paths([SEEDS], **kwargs), brief_paths([SEEDS], workers=2, **kwargs)
    assert pooled == serial
    # what the reading workers found (summaries, keywords, figures) is what brief finds by itself
    assert pooled == brief(load_articles(SEEDS), **kwargs)
    for bad in (0, "100"):  # a wrong budget fails before any reading, as brief's own check says
        with pytest.raises(ConfigError, match="max_chars"):
            brief_paths([SEEDS], backend="extractive", max_chars=bad)


@pytest.mark.parametrize("dedup", [True, False])
def test_a_briefing_to_be_printed_is_the_briefing_without_its_bodies(tmp_path: Path, dedup: bool,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """``keep_bodies=False`` (what ``summarizer brief`` asks): the workers let go of every body — with
    reprint merging, they sketch the texts first — and the briefing, composed on disk without
    ``brief``, is the one with bodies, less them; with a period and without."""
    import functools

    from test_parallel import corpus, dated

    from summarizer import pipeline

    folder = corpus(tmp_path / "in", copies=2)
    dated(folder)
    given: list[list[Article]] = []
    real = pipeline.brief

    @functools.wraps(real)  # brief_paths reads brief's signature
    def spy(articles: list[Article], **kwargs: object) -> object:
        given.append(articles)
        return real(articles, **kwargs)

    monkeypatch.setattr(pipeline, "brief", spy)
    for period in ({}, {"since": dt.date(2023, 8, 5), "until": dt.date(2023, 8, 12)}):
        kwargs = {"backend": "extractive", "date": dt.date(2024, 5, 18), "dedup": dedup, "workers": 2, **period}
        whole = brief_paths([folder], **kwargs)
        printed = brief_paths([folder], keep_bodies=False, **kwargs)
        assert any(i.article.text for i in whole.items) and not any(i.article.text for i in printed.items)
        assert printed == whole.without_bodies() and printed.items
        assert len(given) == 1 and all(a.text for a in given[0])  # only the briefing with bodies
        on_disk = [isinstance(c.items, Spilled) for s in printed.sections for c in s.cities]
        assert on_disk == [True] * len(on_disk)
        merged = sum(len(i.reprints) for i in printed.items)
        assert bool(merged) == dedup and merged == sum(len(i.reprints) for i in whole.items)
        given.clear()
    bare, _ = parallel.prepare_inputs([folder], workers=1, max_chars=150, keep_bodies="none")
    with pytest.raises(ValueError, match="keep_bodies"):  # reprints are found in the bodies: refused, not guessed
        brief(list(bare.articles), backend="extractive", prepared=bare, dedup=True)
    assert brief(list(bare.articles), backend="extractive", prepared=bare, dedup=False).items


def test_cli_split_by_and_workers(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "month.md"
    result = runner.invoke(app, ["brief", str(SEEDS), "--split-by", "city", "-o", str(out), "--workers", "2",
                                 "--date", "2024-05-18"])
    assert result.exit_code == 0, result.output
    assert "wrote 5 briefings into" in result.output and "2-山东省聊城市.md: 3 篇" in result.output
    files = sorted(p.name for p in (tmp_path / "month").iterdir())
    assert files[-2:] == ["index.json", "index.md"] and len(files) == 7
    assert "悦山国际小区" in (tmp_path / "month" / "1-黑龙江省哈尔滨市.md").read_text(encoding="utf-8")
    bad = runner.invoke(app, ["brief", str(SEEDS), "--split-by", "county", "-o", str(out)])
    assert bad.exit_code == 2 and "--split-by 'county'" in bad.output
    zero = runner.invoke(app, ["brief", str(SEEDS), "--workers", "0"])
    assert zero.exit_code == 2


@pytest.mark.parametrize("suffix", [".docx", ".md", ".json"])
def test_parts_go_to_their_renderers_without_bodies_and_print_the_same(tmp_path: Path, suffix: str) -> None:
    """No renderer prints an article's body: a part sent to its worker without them (half the bytes of a
    month's province) gives the file it gives with them, reprints and cleaning notes included."""
    import dataclasses
    import zipfile

    from summarizer import brief, load_articles
    from summarizer.compose import write_briefing

    articles = load_articles([SEEDS])
    copy = dataclasses.replace(articles[0], source="转载网", path=Path("copy.txt"))  # a reprint of the first
    result = brief([*articles, copy], backend="extractive", title="简报")
    assert any(i.reprints for i in result.items) and any(i.article.removals for i in result.items)
    bare = result.without_bodies()
    assert all(i.article.text == "" and all(r.text == "" for r in i.reprints) for i in bare.items)
    assert bare.without_bodies() == bare and all(map(operator.is_, bare.without_bodies().items, bare.items))
    a, b = write_briefing(result, tmp_path / f"full{suffix}"), write_briefing(bare, tmp_path / f"bare{suffix}")
    if suffix == ".docx":
        with zipfile.ZipFile(a) as full, zipfile.ZipFile(b) as without:
            assert [(n, full.read(n)) for n in full.namelist()] == [(n, without.read(n)) for n in without.namelist()]
    else:
        assert a.read_bytes() == b.read_bytes()
