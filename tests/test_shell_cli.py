"""The shell around the TUI: `hostui keys`, the [keymap] table, a terminal that cannot draw the
interface, and a local database directory that cannot be written."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostui import cli
from hostui.config import ConfigError, LocalProfile, load_config, save_config
from hostui.connect import LocalConnector, StorageUnwritable

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_file(tmp_path, monkeypatch) -> Path:  # noqa: ANN001
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("HOSTUI_CONFIG", str(path))
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    return path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _keys_line(out: str, binding_id: str) -> list[str]:
    line = next(line for line in out.splitlines() if line.startswith(binding_id + " "))
    return line.split()


def test_keys_lists_every_binding_id_with_its_keys(config_file, capsys) -> None:
    assert cli.main(["keys"]) == 0
    out = capsys.readouterr().out
    assert _keys_line(out, "invoice.pay")[:2] == ["invoice.pay", "p"]
    assert _keys_line(out, "list.search")[:2] == ["list.search", "slash"]
    assert _keys_line(out, "app.help")[:2] == ["app.help", "question_mark,f1"]
    for binding_id in ("invoice.delete", "invoice.renew", "list.next_filter", "section.orders", "app.quit"):
        assert binding_id in out


def test_keys_shows_the_users_keymap_and_refuses_unknown_ids(config_file, capsys) -> None:
    _write(config_file, '[keymap]\n"invoice.pay" = "P"\n')
    assert cli.main(["keys"]) == 0
    assert _keys_line(capsys.readouterr().out, "invoice.pay")[:2] == ["invoice.pay", "P"]

    _write(config_file, '[keymap]\n"invoice.pay" = "P"\n"invoice.payy" = "Y"\n')
    assert cli.main(["keys"]) == 2
    err = capsys.readouterr().err
    assert "invoice.payy" in err and "do not exist" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('"pay" = "P"', "'pay' is not a binding id"),
        ('"invoice.pay" = ""', "give key names separated by commas"),
        ('"invoice.pay" = 3', "give key names separated by commas"),
    ],
)
def test_a_bad_keymap_is_a_config_error_naming_the_file(config_file, table, expected) -> None:
    _write(config_file, f"[keymap]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config_file)
    assert expected in str(caught.value)
    assert str(config_file) in str(caught.value)


def test_the_keymap_survives_saving_the_config(config_file) -> None:
    _write(config_file, '[keymap]\n"invoice.pay" = "P"\n"list.next_filter" = "f, tab"\n')
    config = load_config(config_file)
    assert config.keymap == {"invoice.pay": "P", "list.next_filter": "f,tab"}
    save_config(config.with_profile("other", LocalProfile(database="sqlite:////tmp/x.sqlite3", login="demo")),
                config_file)
    assert load_config(config_file).keymap == config.keymap


def test_a_dumb_terminal_gets_a_message_not_a_broken_screen(tmp_path) -> None:
    env = {
        **os.environ,
        "TERM": "dumb",
        "HOSTUI_CONFIG": str(tmp_path / "config.toml"),
        "HOSTUI_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "hostui.cli"] if (REPO_ROOT / "hostui" / "__main__.py").exists()
        else [sys.executable, "-c", "import sys; from hostui.cli import main; sys.exit(main())"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "TERM=dumb" in result.stderr and "hostui invoices list" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr  # no escape sequences at all
    assert not (tmp_path / "data" / "portal.sqlite3").exists()  # nothing was opened or seeded


def test_a_database_directory_that_cannot_be_written_is_named(tmp_path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    profile = LocalProfile(database=f"sqlite:///{blocker / 'portal.sqlite3'}", login="demo", seed_demo=True)
    connector = LocalConnector("local", profile, config_file=tmp_path / "config.toml")
    with pytest.raises(StorageUnwritable) as caught:
        asyncio.run(connector.connect(lambda message: None))
    assert str(blocker) in str(caught.value) and "not a directory" in str(caught.value)
    # and below such a file, as the OS says it
    deeper = LocalProfile(database=f"sqlite:///{blocker / 'sub' / 'portal.sqlite3'}", login="demo")
    with pytest.raises(StorageUnwritable, match="not a directory"):
        asyncio.run(LocalConnector("local", deeper).connect(lambda message: None))
    advice = connector.advice(caught.value)
    assert "writable" in advice and "[profiles.local]" in advice
    assert blocker.read_text().startswith("a file")  # left as it was
