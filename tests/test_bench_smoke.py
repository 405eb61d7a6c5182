"""Every benchmark still runs: each one's ``run(Scale.SMOKE)`` at its tiny size returns figures
a reader can use (a positive time, size or rate, or a whole count; a positive floor that
says what it is).

Benchmarks are not tests: no figure here is compared with a time. The tmux ones (first paint,
key to paint) are skipped where tmux is missing.
"""

from __future__ import annotations

import importlib
import math

import pytest

from bench.__main__ import BENCHMARKS, main, run_all
from bench.report import Figure, Scale, format_table
from bench.terminal import percentile, status_line, tmux_available

THROUGH_TMUX = {"first_paint", "keys"}
MEASURES = {"ms", "s", "MiB", "req/s"}  # a time, a size or a rate: positive
COUNT = ""  # a count without a unit (errors): zero or more, whole


def _module(name: str):  # noqa: ANN202
    try:
        return importlib.import_module(f"bench.bench_{name}")
    except ModuleNotFoundError as error:
        if error.name == f"bench.bench_{name}":
            pytest.skip(f"bench/bench_{name}.py is not there yet")
        raise


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_at_smoke_size(name: str) -> None:
    if name in THROUGH_TMUX and not tmux_available():
        pytest.skip("tmux is not installed")
    figures = _module(name).run(Scale.SMOKE)

    assert figures, f"{name} reported no figure"
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure.group and figure.what, figure
        assert figure.unit in MEASURES | {COUNT}, figure
        assert math.isfinite(figure.value), figure
        if figure.unit == COUNT:
            assert figure.value >= 0 and figure.value == int(figure.value), figure
        else:
            assert figure.value > 0, figure
        if figure.floor is not None:
            assert math.isfinite(figure.floor) and figure.floor > 0, figure
            assert figure.floor_label, f"a floor without saying what it is: {figure}"
            assert figure.ratio is not None and figure.ratio > 0
    assert len(format_table(figures).splitlines()) >= len(figures) + 2


def test_the_terminal_figures_name_their_targets() -> None:
    """What the issue sets a target for says so in the table (checked without running tmux)."""
    from bench.bench_keys import KEYS, Samples, figures_of

    samples = Samples(hostui={key: [120.0, 150.0, 400.0] for key in KEYS},
                      floor={key: [100.0, 110.0, 130.0] for key in KEYS})
    figures = figures_of(1_000_000, samples)
    p95 = [figure for figure in figures if figure.what.endswith("p95")]
    assert {figure.target for figure in p95} == {"≤ 1.5x floor (p95)"}
    assert [figure.value for figure in p95] == [400.0] * len(KEYS)
    assert all("1M invoices" in figure.what for figure in figures)


def test_status_line_is_read_from_the_screen() -> None:
    screen = "\n".join([
        " NH-000221  2026-11-18  2026-12-02  ORD-105473   13.08 EUR  unpaid   —",
        " Page 3 of 200+ · 10,000+ invoices · all",
        " ⏎ Open  a Actions  fF Filter  [] Page  ? Help",
    ])
    assert status_line(screen) == {"page": "3", "pages": "200+", "total": "10,000+ invoices", "label": "all"}
    assert status_line(" 0 invoices · deleted\n ⏎ Open") == {
        "page": "1", "pages": "1", "total": "0 invoices", "label": "deleted"}
    assert status_line(" Loading paid invoices… (page 1)") is None


def test_percentile_is_the_nearest_rank() -> None:
    values = list(range(1, 21))
    assert percentile(values, 0.95) == 19
    assert percentile(values, 0.5) == 10
    assert percentile([7.0], 0.95) == 7.0


def test_the_command_names_a_missing_benchmark_and_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_all(["not_written_yet"], Scale.SMOKE) == []
    assert "not_written_yet: skipped, bench/bench_not_written_yet.py is not there yet" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--smoke", "--only", "no_such_benchmark"])
