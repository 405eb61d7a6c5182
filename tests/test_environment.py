"""The HOSTUI_* variables: one reader, paths made absolute, every variable honoured, bad values
named. Each test sets the variables it needs and clears the rest."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from backend.environment import Environment, EnvironmentVariableError, environment
from backend.settings import DEFAULT_PUBLIC_URL, Settings

VARIABLES = tuple(f"HOSTUI_{name.upper()}" for name in Environment.model_fields)


@pytest.fixture
def home(monkeypatch, tmp_path) -> Path:
    """A fresh HOME with no HOSTUI_* or XDG variables, and a working directory of its own."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in (*VARIABLES, "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


def test_every_variable_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert [name for name in VARIABLES if name not in readme] == []


def test_defaults_are_the_platform_directories(home):
    env = environment()
    assert env.data_dir == home / ".local" / "share" / "hostui"
    assert env.config == home / ".config" / "hostui" / "config.toml"
    assert env.public_url is None and env.secret_key is None and env.token is None
    assert env.database_url == f"sqlite:///{home}/.local/share/hostui/portal.sqlite3"
    assert env.secret_key_file == home / ".local" / "share" / "hostui" / "secret.key"
    assert env.tokens_dir == home / ".local" / "share" / "hostui" / "tokens"
    assert Settings().public_url == DEFAULT_PUBLIC_URL


def test_tilde_in_the_data_dir_means_home(home, monkeypatch):
    monkeypatch.setenv("HOSTUI_DATA_DIR", "~/x")
    env = environment()
    assert env.data_dir == home / "x"
    assert env.secret_key_file == home / "x" / "secret.key"
    assert env.database_url == f"sqlite:///{home}/x/portal.sqlite3"
    settings = Settings()
    assert settings.secret_key_file == home / "x" / "secret.key"
    assert settings.database_url == f"sqlite:///{home}/x/portal.sqlite3"


def test_the_portal_puts_its_secret_key_under_the_expanded_data_dir(home, monkeypatch):
    from backend.portal import open_portal

    monkeypatch.setenv("HOSTUI_DATA_DIR", "~/x")
    portal = open_portal(Settings())
    try:
        portal.secrets.encrypt("probe")
    finally:
        portal.dispose()
    assert (home / "x" / "secret.key").is_file()
    assert (home / "x" / "portal.sqlite3").is_file()
    assert not (Path.cwd() / "~").exists()  # the old bug: a directory literally named "~"


def test_relative_paths_become_absolute(home, monkeypatch):
    monkeypatch.setenv("HOSTUI_DATA_DIR", "data")
    monkeypatch.setenv("HOSTUI_CONFIG", "conf/hostui.toml")
    env = environment()
    assert env.data_dir == Path.cwd() / "data" and env.data_dir.is_absolute()
    assert env.config == Path.cwd() / "conf" / "hostui.toml" and env.config.is_absolute()


def test_config_and_data_dir_reach_the_tui(home, monkeypatch, tmp_path):
    from hostui.config import config_path, data_dir, default_config
    from hostui.credentials import TokenStore

    monkeypatch.setenv("HOSTUI_CONFIG", str(tmp_path / "c" / "config.toml"))
    monkeypatch.setenv("HOSTUI_DATA_DIR", "~/d")
    assert config_path() == tmp_path / "c" / "config.toml"
    assert data_dir() == home / "d"
    assert TokenStore(backend=None).token_file("work") == home / "d" / "tokens" / "work"
    assert default_config().profiles["local"].database == f"sqlite:///{home}/d/portal.sqlite3"


def test_public_url_is_honoured(home, monkeypatch):
    monkeypatch.setenv("HOSTUI_PUBLIC_URL", "https://portal.example.com/")
    assert environment().public_url == "https://portal.example.com"
    assert Settings().public_url == "https://portal.example.com"


def test_an_empty_variable_counts_as_unset(home, monkeypatch):
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
    env = environment()
    assert env.public_url is None and env.token is None and env.secret_key is None
    assert env.data_dir == home / ".local" / "share" / "hostui"


def test_secret_key_replaces_the_key_file(home, monkeypatch, tmp_path):
    from backend.portal import open_portal

    key = Fernet.generate_key()
    monkeypatch.setenv("HOSTUI_SECRET_KEY", key.decode())
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    portal = open_portal(Settings())
    try:
        sealed = portal.secrets.encrypt("server password")
    finally:
        portal.dispose()
    assert Fernet(key).decrypt(sealed) == b"server password"
    assert not (tmp_path / "data" / "secret.key").exists()


def test_token_is_honoured_and_wins(home, monkeypatch, tmp_path):
    from hostui.credentials import TokenStore

    store = TokenStore(tmp_path / "data", backend=None)
    store.save("work", "jana", "from-file")
    monkeypatch.setenv("HOSTUI_TOKEN", "  from-env\n")
    assert store.load("work", "jana") == "from-env"
    assert store.source("work", "jana") == "env"
    monkeypatch.delenv("HOSTUI_TOKEN")
    assert store.load("work", "jana") == "from-file"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("HOSTUI_PUBLIC_URL", "portal.example.com", "http:// or https://"),
        ("HOSTUI_PUBLIC_URL", "ftp://portal.example.com", "http:// or https://"),
        ("HOSTUI_SECRET_KEY", "not-a-key", "Fernet key"),
        ("HOSTUI_SECRET_KEY", base64.urlsafe_b64encode(b"short").decode(), "Fernet key"),
        ("HOSTUI_TOKEN", "two words", "one word"),
        ("HOSTUI_TOKEN", "abc\x1bdef", "one word"),
        ("HOSTUI_DATA_DIR", "~no-such-user-hostui/x", "cannot expand"),
        ("HOSTUI_CONFIG", "~no-such-user-hostui/config.toml", "cannot expand"),
    ],
)
def test_a_bad_value_names_its_variable(home, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(EnvironmentVariableError) as caught:
        environment()
    text = str(caught.value)
    assert text.startswith(variable)
    assert message in text
    if variable in ("HOSTUI_SECRET_KEY", "HOSTUI_TOKEN"):
        assert value not in text  # secrets are never echoed


def test_the_clis_report_a_bad_variable_in_one_line(home, monkeypatch, capsys):
    from backend.server import main as server_main
    from hostui.cli import main as tui_main

    monkeypatch.setenv("HOSTUI_PUBLIC_URL", "nonsense")
    assert tui_main(["profiles"]) == 2
    assert capsys.readouterr().err.startswith("hostui: HOSTUI_PUBLIC_URL='nonsense': must be")
    assert server_main(["book-transfer", "--reference", "NH-1", "--amount", "1", "--currency", "EUR"]) == 2
    assert capsys.readouterr().err.startswith("hostui-server: HOSTUI_PUBLIC_URL='nonsense': must be")


def test_book_transfer_refuses_an_amount_finer_than_the_currency(home, capsys):
    from backend.server import main as server_main

    code = server_main(["book-transfer", "--reference", "NH-1", "--amount", "119.005", "--currency", "EUR",
                        "--database", f"sqlite:///{home}/missing.sqlite3"])
    assert code == 1
    assert "119.005 has more places than EUR has (2)" in capsys.readouterr().err


def test_the_settings_of_the_remote_tui_load_no_database_code():
    code = (
        "import backend.environment, hostui.config, hostui.credentials, backend.formatting, sys; "
        "backend.environment.environment(); "
        "bad = [m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel', 'psycopg'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
