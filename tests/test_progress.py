import io

from summarizer.progress import Reporter


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_plain_lines_are_throttled_and_finish_with_elapsed():
    clock, out = Clock(), io.StringIO()
    report = Reporter(out, interval=5, quiet_under=1, clock=clock)
    report("summarise", 0, 10)
    for done in range(1, 11):
        clock.t += 2
        report("summarise", done, 10)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4  # every 5 s of a 20 s stage, plus the final line
    assert lines[0].startswith("summarise: 3/10 articles, 0.50/s, ETA 14.0s")
    assert lines[-1] == "summarise: 10/10 articles, 0.50/s, 20.0s"


def test_files_are_counted_as_files_and_a_one_step_stage_shows_its_time():
    clock, out = Clock(), io.StringIO()
    report = Reporter(out, interval=5, quiet_under=1, clock=clock)
    report("ingest", 0, 4)
    clock.t += 90
    report("ingest", 4, 4)
    report("model", 0, 1)
    clock.t += 3.25
    report("model", 1, 1)
    assert out.getvalue().splitlines() == ["ingest: 4/4 inputs, 0.04/s, 1m30s", "model: done, 3.2s"]


def test_short_stage_prints_nothing():
    clock, out = Clock(), io.StringIO()
    report = Reporter(out, clock=clock)
    report("summarise", 0, 5)
    clock.t += 0.2
    report("summarise", 5, 5)
    assert out.getvalue() == ""


def test_terminal_gets_a_bar_redrawn_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    clock, out = Clock(), Tty()
    report = Reporter(out, quiet_under=0, clock=clock)
    clock.t += 1
    report("summarise", 1, 2)
    clock.t += 1
    report("summarise", 2, 2)
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and "████" in text
