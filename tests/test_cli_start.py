"""Plain ``hostui [--profile NAME]`` is read without the full parser (whose section commands
are modules the TUI does not need), and reads exactly as the full parser would."""

from __future__ import annotations

import os

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
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # what main sets, undone after
    try:
        assert command.main() == 0
        assert gc.isenabled()
        assert "local" in capsys.readouterr().out
    finally:
        gc.enable()


def test_hostui_builds_pydantic_models_without_scanning_the_environment_for_plugins() -> None:
    """With hostui.command's setting, pydantic's first validators (the environment, every
    contract model) are built without reading any installed distribution's metadata."""
    import subprocess
    import sys

    code = (
        "import importlib.metadata, os\n"
        "os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)\n"
        "def read(*args, **kwargs): raise AssertionError('pydantic read the installed distributions')\n"
        "importlib.metadata.distributions = read\n"
        "from hostui.command import _without_pydantic_plugins\n"
        "_without_pydantic_plugins()\n"
        "from backend.environment import environment\n"
        "from backend.contract import AccountSummary\n"
        "from backend.contract.models import build_all_models\n"
        "import backend.contract.orders, backend.contract.tickets, backend.contract.account_settings\n"
        "environment()\n"
        "build_all_models()\n"
        "assert AccountSummary.model_fields\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_plugin_setting_of_the_users_own_is_kept(monkeypatch) -> None:
    from hostui.command import _without_pydantic_plugins

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "logfire")
    _without_pydantic_plugins()
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == "logfire"
