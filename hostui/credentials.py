"""Where the API token of a remote profile is kept. Never in the config file.

Order of lookup:

1. ``HOSTUI_TOKEN`` in the environment (CI, scripts, headless use) — wins over everything;
2. the fallback file ``<data dir>/tokens/<profile>`` (mode 0600 in a 0700 directory);
3. the system keyring, service ``hostui``, user name ``"<profile>:<login>"``.

The file comes before the keyring because it only exists when the newest login could not use
the keyring (saving to the keyring removes it), and reading it spares a start the keyring's
backend probing (a third of a second on a server without a keyring).

Saving goes to the keyring when a usable backend exists. On a bare SSH server there usually
is none (keyring picks ``keyring.backends.fail.Keyring``, or a chainer with no backends, or a
Secret Service that cannot be reached without a desktop session); then the token goes to the
fallback file, and ``SavedToken.fell_back`` tells the caller to say so once.

``keyring`` is imported lazily: it probes its backends on import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.environment import TOKENS_DIR, environment, variable_name
from hostui.config import valid_profile_name

__all__ = ["SERVICE", "TOKEN_ENV", "SavedToken", "TokenStore", "keyring_usable"]

SERVICE = "hostui"
TOKEN_ENV = variable_name("token")


def keyring_usable(backend: Any) -> bool:
    """False for keyring's "there is no keyring" backends (fail, null, an empty chainer)."""
    if backend is None:
        return False
    try:
        from keyring.backends import chainer, fail
    except Exception:  # noqa: BLE001 - a broken keyring install is no keyring
        return False
    if isinstance(backend, fail.Keyring):
        return False
    try:
        from keyring.backends import null

        if isinstance(backend, null.Keyring):
            return False
    except ImportError:
        pass
    if isinstance(backend, chainer.ChainerBackend) and not list(backend.backends):
        return False
    return True


@dataclass(frozen=True)
class SavedToken:
    """Where ``TokenStore.save`` put a token."""

    where: str  # "keyring" or "file"
    path: Path | None = None  # the file, for "file"
    fell_back: bool = False  # True when the keyring was unusable and the file was used
    reason: str = ""  # why the keyring was not used (for the curious)

    def describe(self, profile: str, login: str) -> str:
        if self.where == "keyring":
            return f"the system keyring (service {SERVICE!r}, user {profile}:{login})"
        return f"{self.path} (readable only by you)"


class TokenStore:
    """Tokens of remote profiles; ``backend`` overrides keyring's choice (tests pass one)."""

    _UNSET: Any = object()

    def __init__(self, data_dir: Path | None = None, backend: Any = _UNSET, *, use_env: bool = True) -> None:
        self._data_dir = data_dir
        self._backend = backend
        self._use_env = use_env

    # -- where

    @property
    def data_dir(self) -> Path:
        return self._data_dir if self._data_dir is not None else environment().data_dir

    def token_file(self, profile: str) -> Path:
        if not valid_profile_name(profile):
            raise ValueError(f"not a profile name: {profile!r}")
        return self.data_dir / TOKENS_DIR / profile

    def _keyring(self) -> tuple[Any, str]:
        """(a usable backend or None, why not)."""
        if self._backend is not self._UNSET:
            backend = self._backend
        else:
            try:
                import keyring

                backend = keyring.get_keyring()
            except Exception as exc:  # noqa: BLE001
                return None, f"keyring failed to load: {exc}"
        if not keyring_usable(backend):
            return None, "no system keyring backend is available"
        return backend, ""

    @staticmethod
    def _username(profile: str, login: str) -> str:
        return f"{profile}:{login}"

    # -- reading

    def load(self, profile: str, login: str, *, include_env: bool = True) -> str | None:
        """The token for ``profile``/``login``, or None when there is none anywhere."""
        if include_env and self._use_env:
            env = environment().token
            if env is not None:
                return env.get_secret_value()
        token = self._read_file(profile)
        if token:
            return token
        backend, _ = self._keyring()
        if backend is not None:
            try:
                return backend.get_password(SERVICE, self._username(profile, login)) or None
            except Exception:  # noqa: BLE001 - a locked or unreachable keyring: no token
                return None
        return None

    def source(self, profile: str, login: str) -> str | None:
        """Where ``load`` would find the token: "env", "keyring", "file" or None."""
        if self._use_env and environment().token is not None:
            return "env"
        if self._read_file(profile):
            return "file"
        backend, _ = self._keyring()
        if backend is not None:
            try:
                if backend.get_password(SERVICE, self._username(profile, login)):
                    return "keyring"
            except Exception:  # noqa: BLE001
                pass
        return None

    def _read_file(self, profile: str) -> str | None:
        try:
            text = self.token_file(profile).read_text(encoding="utf-8").strip()
        except (OSError, ValueError):
            return None
        return text or None

    # -- writing

    def save(self, profile: str, login: str, token: str) -> SavedToken:
        backend, reason = self._keyring()
        if backend is not None:
            try:
                backend.set_password(SERVICE, self._username(profile, login), token)
            except Exception as exc:  # noqa: BLE001 - e.g. no D-Bus session on an SSH login
                reason = f"the system keyring refused the token: {exc}"
            else:
                self._remove_file(profile)  # an older fallback copy must not linger
                return SavedToken(where="keyring")
        path = self._write_file(profile, token)
        return SavedToken(where="file", path=path, fell_back=True, reason=reason)

    def _write_file(self, profile: str, token: str) -> Path:
        path = self.token_file(profile)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            os.chmod(path.parent, 0o700)
        except OSError:
            pass
        # Create with 0600 from the start (no window where it is readable), and fix the mode
        # of a file that already existed.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            os.write(fd, (token + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return path

    def _remove_file(self, profile: str) -> bool:
        try:
            self.token_file(profile).unlink()
        except (FileNotFoundError, ValueError):
            return False
        return True

    def delete(self, profile: str, login: str) -> list[str]:
        """Forget the token of ``profile``; where it was removed from ("keyring", "file")."""
        removed: list[str] = []
        backend, _ = self._keyring()
        if backend is not None:
            try:
                if backend.get_password(SERVICE, self._username(profile, login)):
                    backend.delete_password(SERVICE, self._username(profile, login))
                    removed.append("keyring")
            except Exception:  # noqa: BLE001
                pass
        if self._remove_file(profile):
            removed.append("file")
        return removed
