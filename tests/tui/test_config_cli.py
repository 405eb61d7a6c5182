"""Config file, token storage and the ``hostui`` command line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail

from hostui import cli
from hostui.config import (
    ConfigError,
    LocalProfile,
    RemoteProfile,
    load_config,
    save_config,
)
from hostui.credentials import SERVICE, TOKEN_ENV, TokenStore, keyring_usable

REPO_ROOT = Path(__file__).resolve().parents[2]


class MemoryKeyring(KeyringBackend):
    """A working keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


class LockedKeyring(MemoryKeyring):
    """A backend that exists but refuses to store anything (no D-Bus session, locked…)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import PasswordSetError

        raise PasswordSetError("no D-Bus session bus")


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """HOSTUI_CONFIG and HOSTUI_DATA_DIR in tmp_path; no HOSTUI_TOKEN; no real keyring."""
    monkeypatch.setenv("HOSTUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    return tmp_path


def _config_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


# --- config ------------------------------------------------------------------------------------


def test_first_start_writes_the_default_local_profile(env) -> None:
    config = load_config()
    path = _config_file(env)
    assert path.exists()
    assert config.default_profile == "local"
    local = config.profiles["local"]
    assert isinstance(local, LocalProfile)
    assert local.database == f"sqlite:///{env / 'data' / 'portal.sqlite3'}"
    assert local.login == "demo" and local.seed_demo
    assert load_config() == config  # reads back the same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('default_profile = "local"\n[profiles.local]\nkind = "local"\ndatabase = \n', "line 4"),
        ('[profiles.work]\nkind = "remot"\nurl = "https://x.example"\nlogin = "j"\n', "line 2"),
        ('[profiles.work]\nkind = "remote"\nlogin = "jana"\n', "line 1"),
        ('\n\n[profiles.work]\nkind = "remote"\nurl = "https://x.example"\nlogin = "j"\ntoken = "abc"\n', "line 7"),
    ],
    ids=["toml-syntax", "unknown-kind", "missing-url", "token-in-config"],
)
def test_bad_config_names_file_and_line_and_is_not_overwritten(env, text: str, expected: str) -> None:
    path = _config_file(env)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert str(path) in message
    assert expected in message
    assert path.read_text() == text


def test_bad_config_messages_say_what_is_wrong(env) -> None:
    path = _config_file(env)
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.work]\nkind = "remot"\n')
    with pytest.raises(ConfigError, match=r"unknown kind 'remot': use \"local\" or \"remote\""):
        load_config()
    path.write_text('[profiles.work]\nkind = "remote"\nlogin = "jana"\n')
    with pytest.raises(ConfigError, match=r"url is missing"):
        load_config()


def test_save_config_never_holds_a_token(env) -> None:
    config = load_config().with_profile("work", RemoteProfile(url="https://portal.example", login="jana"))
    path = save_config(config)
    text = path.read_text()
    assert "[profiles.work]" in text
    assert "token" not in text.replace("Tokens and passwords are never stored here", "")
    assert load_config() == config


# --- credentials -------------------------------------------------------------------------------


def test_keyring_usable_rejects_the_no_keyring_backends() -> None:
    assert not keyring_usable(fail.Keyring())

    class EmptyChainer(chainer.ChainerBackend):
        backends = ()  # what a bare server's chainer finds: nothing to chain

    assert not keyring_usable(EmptyChainer())
    assert keyring_usable(MemoryKeyring())


def test_tokens_go_to_the_keyring_when_there_is_one(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    backend = MemoryKeyring()
    store = TokenStore(tmp_path, backend=backend)
    saved = store.save("work", "jana", "tok-1")
    assert saved.where == "keyring" and not saved.fell_back
    assert backend.passwords == {(SERVICE, "work:jana"): "tok-1"}
    assert not (tmp_path / "tokens" / "work").exists()
    assert store.load("work", "jana") == "tok-1"
    assert store.delete("work", "jana") == ["keyring"]
    assert store.load("work", "jana") is None


@pytest.mark.parametrize("backend", [fail.Keyring(), LockedKeyring(), None], ids=["fail", "locked", "none"])
def test_without_a_usable_keyring_tokens_go_to_a_private_file(tmp_path, monkeypatch, backend) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    store = TokenStore(tmp_path, backend=backend)
    saved = store.save("work", "jana", "tok-2")
    assert saved.where == "file" and saved.fell_back
    path = tmp_path / "tokens" / "work"
    assert saved.path == path
    assert path.read_text().strip() == "tok-2"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.load("work", "jana") == "tok-2"
    assert store.delete("work", "jana") == ["file"]
    assert not path.exists()


def test_hostui_token_env_wins(tmp_path, monkeypatch) -> None:
    store = TokenStore(tmp_path, backend=MemoryKeyring())
    store.save("work", "jana", "stored")
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert store.load("work", "jana") == "from-env"
    assert store.load("work", "jana", include_env=False) == "stored"


# --- CLI ---------------------------------------------------------------------------------------


def _run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_bad_config_is_one_line_and_exit_2(env, capsys) -> None:
    path = _config_file(env)
    path.parent.mkdir(parents=True)
    path.write_text("default_profile = [\n")
    for argv in ([], ["profiles"], ["login", "http://127.0.0.1:1", "--user", "x"]):
        code, out, err = _run_cli(capsys, *argv)
        assert code == 2
        assert err.count("\n") == 1, err
        assert err.startswith("hostui: bad config: ")
        assert str(path) in err and "line 1" in err
        assert "Traceback" not in err
    assert path.read_text() == "default_profile = [\n"


def test_cli_unknown_profile(env, capsys) -> None:
    code, _, err = _run_cli(capsys, "--profile", "nope")
    assert code == 2
    assert "no profile named 'nope'" in err and "profiles: local" in err


def test_cli_profiles_lists(env, capsys) -> None:
    save_config(load_config().with_profile("work", RemoteProfile(url="https://portal.example", login="jana")))
    code, out, _ = _run_cli(capsys, "profiles")
    assert code == 0
    assert "* local" in out
    assert "work" in out and "https://portal.example" in out and "login jana" in out


def test_cli_login_stores_token_and_profile(env, capsys, monkeypatch, live_server) -> None:
    monkeypatch.setattr(cli, "_password", lambda prompt: "demo")
    code, out, err = _run_cli(capsys, "login", live_server, "--profile", "work", "--user", "demo")
    assert code == 0, err
    token_file = env / "data" / "tokens" / "work"
    assert f"No system keyring found; token stored in {token_file} (readable only by you)" in out
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text().strip()
    config = load_config()
    assert config.profiles["work"] == RemoteProfile(url=live_server, login="demo")
    assert config.default_profile == "local"
    assert token not in _config_file(env).read_text()
    assert "hostui --profile work" in out

    # The stored token works: the remote connector builds a service with it.
    import asyncio

    from hostui.connect import RemoteConnector

    async def account_name() -> str:
        service = await RemoteConnector("work", config.profiles["work"]).connect(lambda message: None)
        try:
            return (await service.account()).name
        finally:
            await service.aclose()

    assert asyncio.run(account_name()) == "Jana Hoffmann"

    # Logout revokes it on the server and forgets it here.
    code, out, err = _run_cli(capsys, "logout", "--profile", "work")
    assert code == 0, err
    assert not token_file.exists()
    import httpx

    response = httpx.get(f"{live_server}/api/v1/account", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_cli_login_uses_a_working_keyring(env, capsys, monkeypatch, live_server) -> None:
    import keyring

    backend = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    monkeypatch.setattr(cli, "_password", lambda prompt: "demo")
    code, out, err = _run_cli(capsys, "login", live_server, "--user", "demo")
    assert code == 0, err
    assert "No system keyring" not in out
    assert "the system keyring (service 'hostui', user 127.0.0.1:demo)" in out
    assert backend.passwords[(SERVICE, "127.0.0.1:demo")]
    assert not (env / "data" / "tokens").exists()
    assert "127.0.0.1" in load_config().profiles


def test_cli_login_wrong_password(env, capsys, monkeypatch, live_server) -> None:
    monkeypatch.setattr(cli, "_password", lambda prompt: "wrong")
    code, out, err = _run_cli(capsys, "login", live_server, "--user", "demo")
    assert code == 2
    assert err == f"hostui: login to {live_server} failed: wrong user name or password\n"
    assert "127.0.0.1" not in load_config(create=False).profiles


def test_cli_login_server_down(env, capsys, monkeypatch, closed_port_url) -> None:
    monkeypatch.setattr(cli, "_password", lambda prompt: "demo")
    code, out, err = _run_cli(capsys, "login", closed_port_url, "--user", "demo")
    assert code == 2
    assert err.startswith(f"hostui: login to {closed_port_url} failed: cannot reach")
    assert "connection refused" in err
    assert err.count("\n") == 1


def test_cli_login_rejects_a_non_url(env, capsys) -> None:
    code, _, err = _run_cli(capsys, "login", "portal.example", "--user", "x")
    assert code == 2
    assert "should start with http:// or https://" in err


def test_cli_logout_of_a_local_profile(env, capsys) -> None:
    code, _, err = _run_cli(capsys, "logout")
    assert code == 2
    assert "is local" in err


# --- remote mode stays light -------------------------------------------------------------------


def _python(code: str, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


HEAVY = ("sqlalchemy", "sqlmodel", "backend.domain", "backend.db", "backend.portal", "hostui.services.local")


def test_importing_the_tui_loads_no_database_or_http_code(tmp_path) -> None:
    modules = _python(
        """
        import json, sys
        import hostui.cli, hostui.app, hostui.connect, hostui.config, hostui.credentials
        import hostui.screens.invoices, hostui.screens.orders, hostui.screens.tickets, hostui.screens.settings, hostui.widgets
        print(json.dumps(sorted(sys.modules)))
        """
    )
    loaded = [name for name in modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel", "httpx")
              or name.startswith(("backend.domain", "backend.db", "backend.portal", "hostui.services."))]
    assert loaded == []


def test_starting_with_a_remote_profile_does_not_import_sqlalchemy(tmp_path, closed_port_url) -> None:
    """Run the app on a remote profile (server down) in a fresh interpreter; check sys.modules."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'default_profile = "work"\n[profiles.work]\nkind = "remote"\nurl = "{closed_port_url}"\nlogin = "jana"\n'
    )
    result = _python(
        """
        import asyncio, json, sys
        from hostui.config import config_path, load_config
        from hostui.connect import connector_for
        from hostui.app import HostUIApp

        async def main():
            path = config_path()
            name, profile = load_config(path).profile(None, path)
            app = HostUIApp(connector=connector_for(name, profile, config_file=path))
            async with app.run_test(size=(80, 24)) as pilot:
                for _ in range(500):
                    await pilot.pause(0.01)
                    if app.start_screen.failed:
                        break
                return app.start_screen.message

        message = asyncio.run(main())
        print(json.dumps({"message": message, "modules": sorted(sys.modules)}))
        """,
        HOSTUI_CONFIG=str(config),
        HOSTUI_DATA_DIR=str(tmp_path / "data"),
        HOSTUI_TOKEN="some-token",
    )
    assert "connection refused" in result["message"]
    modules = result["modules"]
    assert "httpx" in modules and "hostui.services.remote" in modules  # it did go remote
    heavy = [name for name in modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel") or name.startswith(HEAVY)]
    assert heavy == []
