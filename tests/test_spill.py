"""spill: values on disk, read back by position or in order, in this process or another."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import os
import pickle
import zipfile
from pathlib import Path

import pytest

from summarizer import brief, load_articles
from summarizer.compose import write_briefing
from summarizer.compose.split import write_split
from summarizer.errors import OutputError
from summarizer.parallel import map_ordered, using
from summarizer.pipeline import brief_paths
from summarizer.spill import Joined, Spill, Spilled, joined

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_a_view_reads_its_values_in_its_order_and_equals_their_tuple() -> None:
    spill: Spill[dict[str, int]] = Spill()
    for i in range(10):
        assert spill.add({"n": i}) == i
    view = spill.view([7, 2, 2, 9])
    assert len(view) == 4 and list(view) == [{"n": 7}, {"n": 2}, {"n": 2}, {"n": 9}]
    assert view[0] == {"n": 7} and view[-1] == {"n": 9} and view == ({"n": 7}, {"n": 2}, {"n": 2}, {"n": 9})
    assert view != ({"n": 7},) and spill.view() == tuple({"n": i} for i in range(10))
    assert view[1] is not view[1]  # read again each time: nothing is held
    for outside in (4, -5):
        with pytest.raises(IndexError):
            view[outside]
    with pytest.raises(TypeError, match="not sliced"):
        view[1:2]
    assert copy.deepcopy(view) is view and copy.copy(view) is view  # a copy would not keep the file


def test_a_view_pickles_as_its_file_and_positions_and_is_read_in_another_process() -> None:
    spill: Spill[str] = Spill()
    for i in range(2000):
        spill.add("新闻" * 100 + str(i))
    view = spill.view(range(0, 2000, 2))
    sent = pickle.dumps(view)
    assert len(sent) < 10_000 < len(pickle.dumps(tuple(view)))  # positions, not values
    with using(2):
        assert map_ordered(len, [view] * 2, chunk=1) == [1000, 1000]  # read by the workers from the file
        assert map_ordered(_last, [view] * 2, chunk=1) == [view[-1]] * 2


def _last(values: Spilled[str]) -> str:
    return list(values)[-1]


def test_the_file_goes_with_the_spill_and_its_views() -> None:
    spill: Spill[int] = Spill()
    spill.add(1)
    view, path = spill.view(), spill.path
    del spill
    gc.collect()
    assert os.path.exists(path) and list(view) == [1]  # a view keeps its file
    del view
    gc.collect()
    assert not os.path.exists(path)
    closed: Spill[int] = Spill()
    closed.add(1)
    gone = closed.view()
    closed.close()
    assert not os.path.exists(closed.path)
    with pytest.raises(OutputError, match="is gone"):
        list(gone)


def test_a_spill_left_by_a_killed_run_is_removed_by_the_next() -> None:
    """A run killed before it could remove its spills (the OOM killer) leaves them; the next run's first
    spill removes those of processes that are gone, and not those of one alive."""
    import subprocess
    import sys
    import tempfile

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    left = Path(tempfile.gettempdir()) / f"summarizer-{dead}-abc.spill"
    alive = Path(tempfile.gettempdir()) / f"summarizer-{os.getpid()}-abc.spill"
    for path in (left, alive):
        path.write_bytes(b"stories")
    try:
        Spill().close()
        assert not left.exists() and alive.exists()
    finally:
        for path in (left, alive):
            path.unlink(missing_ok=True)


def test_joined_reads_its_parts_in_turn() -> None:
    spill: Spill[int] = Spill()
    for i in range(5):
        spill.add(i)
    assert joined([(1, 2), (3,)]) == (1, 2, 3) and isinstance(joined([(1, 2), (3,)]), tuple)
    first = spill.view([4, 3])
    both = joined([first, (), (9,), spill.view([0])])
    assert isinstance(both, Joined) and len(both) == 4 and list(both) == [4, 3, 9, 0] == list(both)
    assert [both[i] for i in range(-4, 4)] == [4, 3, 9, 0] * 2 and both == (4, 3, 9, 0)
    with pytest.raises(IndexError):
        both[4]
    seen: list[int] = []

    def odd(value: int) -> int:
        seen.append(value)
        return value % 2

    assert both.tally(odd) == 2 and joined([first, (9,)]).tally(odd) == 2
    assert seen == [4, 3, 9, 0, 9]  # each view read once for a tally; the tuple, every time


@pytest.mark.parametrize("suffix", [".docx", ".md", ".json"])
def test_a_briefing_composed_on_disk_prints_what_the_briefing_in_memory_prints(tmp_path: Path, suffix: str) -> None:
    """``brief_paths(keep_bodies=False)`` without reprint merging composes on disk (the CLI's month of
    news): its files, whole and split across worker processes, are the in-memory briefing's, byte for byte."""
    kwargs = {"backend": "extractive", "date": dt.date(2024, 5, 18), "dedup": False, "title": "简报"}
    memory = brief(load_articles([SEEDS]), **kwargs)
    disk = brief_paths([SEEDS], keep_bodies=False, **kwargs)
    assert all(isinstance(c.items, Spilled) for s in disk.sections for c in s.cities)
    assert not any(isinstance(c.items, Spilled) for s in memory.sections for c in s.cities)
    assert disk == memory.without_bodies()
    pairs = [(write_briefing(memory, tmp_path / f"memory{suffix}"), write_briefing(disk, tmp_path / f"disk{suffix}"))]
    with using(2):
        for name, briefing in (("memory", memory), ("disk", disk)):
            write_split(briefing, tmp_path / f"{name}-split{suffix}", "city")
    pairs += [(p, tmp_path / "disk-split" / p.name) for p in sorted((tmp_path / "memory-split").iterdir())]
    assert len(pairs) > 5
    for a, b in pairs:
        assert _content(a) == _content(b), a.name


def _content(path: Path) -> object:
    if path.suffix != ".docx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def test_a_models_overview_prompt_from_a_briefing_on_disk_is_the_in_memory_ones(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The 综述 prompt lists the summaries that fit, taken in turn from each province and printed in
    briefing order, then counts the rest: the same whether the stories are in memory or read from disk
    (where each reading gives new objects)."""
    from summarizer.compose import overview

    class Writer:
        def __init__(self) -> None:
            self.prompts: list[str] = []

        def complete(self, prompt: str, *, max_chars: int) -> str:
            self.prompts.append(prompt)
            return ""

    (tmp_path / "overview.txt").write_text("{summaries}", encoding="utf-8")
    kwargs = {"backend": "extractive", "date": dt.date(2024, 5, 18), "dedup": False}
    memory = brief(load_articles([SEEDS]), **kwargs)
    disk = brief_paths([SEEDS], keep_bodies=False, **kwargs)
    monkeypatch.setattr(overview, "PROMPT_CHARS", 250)  # room for a few of the seven
    written = []
    for briefing in (memory, disk):
        writer = Writer()
        overview.compose_overview(briefing.sections, writer, prompts=tmp_path)
        written.append(writer.prompts[0])
    lines = written[0].splitlines()
    assert written[0] == written[1] and 1 < len(lines) < 7 and lines[-1].startswith("- （另有")
    listed = [line for line in lines[:-1]]
    order = [i for i, item in enumerate(memory.items) if any(item.summary.text in line for line in listed)]
    assert len(order) == len(listed) and order == sorted(order)  # in briefing order


def test_the_values_a_spill_holds_come_back_equal_by_pickle_and_copy() -> None:
    """types' values are pickled as their fields (``types._pickled_by_fields``): a briefing's stories,
    their articles (metadata, removals, region) and summaries come back equal, field for field."""
    from summarizer.types import BriefingItem, Summary

    articles = load_articles(SEEDS)
    assert any(a.removals for a in articles) and any(a.meta for a in articles)  # what the seeds exercise
    for article in articles:
        item = BriefingItem(article, Summary("摘要", "extractive", notes=("注",)), keywords=("关键词",))
        for back in (pickle.loads(pickle.dumps(item, pickle.HIGHEST_PROTOCOL)), copy.deepcopy(item)):
            assert back == item and back.article.meta == item.article.meta
            assert type(back.article.region) is type(item.article.region)


def test_a_value_with_a_field_init_does_not_take_is_refused_at_class_definition() -> None:
    import dataclasses

    from summarizer.types import _pickled_by_fields

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    with pytest.raises(TypeError, match="__init__"):
        _pickled_by_fields(Derived)
