"""A token in the fallback file is read without consulting the keyring (whose backend probing
costs a remote start a third of a second), and the newest login still wins."""

from __future__ import annotations

from keyring.backend import KeyringBackend

from hostui.credentials import TOKEN_ENV, TokenStore


class DictKeyring(KeyringBackend):
    """A working keyring that counts how often it is asked."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.asked = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.asked += 1
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


def test_a_token_file_is_read_without_asking_the_keyring(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    TokenStore(tmp_path, backend=None).save("work", "jana", "from-file")  # no keyring at login
    keyring = DictKeyring()
    store = TokenStore(tmp_path, backend=keyring)
    assert store.load("work", "jana") == "from-file"
    assert store.source("work", "jana") == "file"
    assert keyring.asked == 0


def test_the_newest_login_wins_wherever_it_went(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    keyring = DictKeyring()
    TokenStore(tmp_path, backend=None).save("work", "jana", "older, in the file")
    store = TokenStore(tmp_path, backend=keyring)
    store.save("work", "jana", "newer, in the keyring")  # removes the file
    assert store.load("work", "jana") == "newer, in the keyring"
    assert store.source("work", "jana") == "keyring"
    TokenStore(tmp_path, backend=None).save("work", "jana", "newest, in the file")
    assert store.load("work", "jana") == "newest, in the file"
