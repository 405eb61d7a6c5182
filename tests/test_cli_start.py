"""Plain ``hostui [--profile NAME]`` is read without the full parser (whose section commands
are modules the TUI does not need), and reads exactly as the full parser would."""

from __future__ import annotations

import pytest

from hostui.cli import _parser, _tui_arguments


@pytest.mark.parametrize("argv", [[], ["-p", "work"], ["--profile", "work"], ["--profile=work"], ["-p", "invoices"]])
def test_starting_the_tui_reads_as_the_full_parser_would(argv: list[str]) -> None:
    assert vars(_tui_arguments(argv)) == vars(_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv", [["invoices", "list"], ["-p", "work", "keys"], ["--help"], ["--version"], ["-p"], ["--profile="], ["-pwork"]]
)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert _tui_arguments(argv) is None


def test_every_command_but_the_tui_runs_with_the_garbage_collector_on(tmp_path, monkeypatch, capsys) -> None:
    # hostui.command starts every command with it off (start-up makes only long-lived
    # objects); the TUI turns it on after its first page (tests/tui/test_app.py), the others
    # at once.
    import gc
    import sys

    from hostui import command

    monkeypatch.setenv("HOSTUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "argv", ["hostui", "profiles"])
    try:
        assert command.main() == 0
        assert gc.isenabled()
        assert "local" in capsys.readouterr().out
    finally:
        gc.enable()
