"""Every environment variable hostui reads, and the paths that follow from them.

One ``HOSTUI_*`` variable per field (the name in any case, as pydantic-settings would match
it), validated by pydantic; nothing else in hostui or the portal reads ``os.environ`` for its
own settings. Empty variables count as unset, so ``HOSTUI_PUBLIC_URL= hostui-server`` means
"no public URL given".

    HOSTUI_DATA_DIR    the data directory (default: the platform's, ~/.local/share/hostui)
    HOSTUI_CONFIG      the config file (default: config.toml in the platform's config dir)
    HOSTUI_PUBLIC_URL  base of pay links and card checkouts handed out (default: unset)
    HOSTUI_SECRET_KEY  the key that encrypts server passwords (default: <data dir>/secret.key)
    HOSTUI_TOKEN       the API token of a remote profile (default: keyring, then token file)
    HOSTUI_SIMULATED_FAILURE_RATE  the chance (0 to 1) that a job of the simulated data
                       centre fails, to see failures in the demo (default: 0)
    HOSTUI_SMTP_HOST   the SMTP server ticket copies go out through (default: unset, no
                       mail is sent and the outbox waits)
    HOSTUI_SMTP_PORT   its port (default: 587)
    HOSTUI_SMTP_STARTTLS  upgrade the connection with STARTTLS before logging in (default: true)
    HOSTUI_SMTP_USER, HOSTUI_SMTP_PASSWORD  the login at the SMTP server (default: none)
    HOSTUI_MAIL_FROM   From: of the mail the portal sends, where replies by e-mail go
                       (default: support@nordlicht.example)
    HOSTUI_MAIL_DOMAIN the domain of the Message-IDs the portal makes (default: MAIL_FROM's)
    HOSTUI_STAFF_TOKEN the bearer secret of hostui-server's staff routes (default: unset,
                       no staff route answers)
    HOSTUI_TRUSTED_PROXIES  the reverse proxies in front of hostui-server, as addresses or
                       CIDR ranges separated by commas: only from these is X-Forwarded-For
                       believed (default: none, the client address is the socket's)

Paths have ``~`` expanded and are made absolute when read, so a relative or ``~`` value means
the same thing to every process that reads it later, whatever its working directory.

It lives in ``backend`` because the TUI already depends on ``backend`` (the contract) and the
portal must not depend on the TUI. It imports pydantic and platformdirs only: no SQLAlchemy,
so the remote TUI can read its config without loading the database stack, and no
pydantic-settings, whose import (its command-line source above all) would cost every start
more than reading a dozen variables does.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

__all__ = [
    "APP_NAME",
    "ENV_PREFIX",
    "DATABASE_FILE",
    "SECRET_KEY_FILE",
    "TOKENS_DIR",
    "Environment",
    "EnvironmentVariableError",
    "environment",
    "variable_name",
]

APP_NAME = "hostui"
ENV_PREFIX = "HOSTUI_"

# Names inside the data directory.
DATABASE_FILE = "portal.sqlite3"
SECRET_KEY_FILE = "secret.key"
TOKENS_DIR = "tokens"

_SECRET_FIELDS = frozenset({"secret_key", "token", "smtp_password", "staff_token"})


def variable_name(field: str) -> str:
    """``"data_dir"`` -> ``"HOSTUI_DATA_DIR"``."""
    return ENV_PREFIX + field.upper()


class EnvironmentVariableError(ValueError):
    """A ``HOSTUI_*`` variable hostui cannot use; ``str()`` names it and says what is wrong."""


def _absolute(path: Path) -> Path:
    try:
        expanded = path.expanduser()
    except RuntimeError as error:  # "~someone" with no such user, or no home at all
        raise ValueError(f"cannot expand '~' in {str(path)!r}: {error}") from None
    # absolute(), not resolve(): a symlinked data directory stays the path the user gave.
    return expanded.absolute()


class Environment(BaseModel):
    """The ``HOSTUI_*`` variables of this process; build it with :func:`environment`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    config: Path = Field(default_factory=lambda: Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml")
    public_url: str | None = None
    secret_key: SecretStr | None = None
    token: SecretStr | None = None
    simulated_failure_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "support@nordlicht.example"
    mail_domain: str | None = None
    staff_token: SecretStr | None = None
    trusted_proxies: str | None = None

    @field_validator("data_dir", "config")
    @classmethod
    def _paths(cls, value: Path) -> Path:
        return _absolute(value)

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        scheme, _, rest = value.partition("://")
        if scheme.lower() not in ("http", "https") or not rest or any(c.isspace() for c in value):
            raise ValueError("must be an http:// or https:// URL, e.g. https://portal.example.com")
        return value

    @field_validator("mail_from")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        local, at, domain = value.rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() or c in "<>," for c in value):
            raise ValueError("must be one bare e-mail address, e.g. support@example.com")
        return value

    @field_validator("smtp_host", "mail_domain")
    @classmethod
    def _host_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if any(c.isspace() or c in "<>@/" for c in value):
            raise ValueError("must be a host name, e.g. mail.example.com")
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str | None) -> str | None:
        if value is None:
            return None
        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or CIDR range, e.g. 10.0.0.0/8,::1") from None
        return ",".join(entries) or None

    @property
    def trusted_proxy_networks(self) -> tuple[str, ...]:
        return tuple(self.trusted_proxies.split(",")) if self.trusted_proxies else ()

    @field_validator("secret_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value().strip()
        try:
            raw = base64.urlsafe_b64decode(text.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise ValueError("must be a Fernet key: 32 bytes in URL-safe base64 (44 characters)")
        return SecretStr(text)

    @field_validator("token", "staff_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value().strip()
        if not text:
            return None
        # It goes into an Authorization header: a newline there would be a header injection.
        if any(c.isspace() or not c.isprintable() for c in text):
            raise ValueError("must be one word: no spaces or control characters")
        return SecretStr(text)

    # -- derived paths

    @property
    def database_file(self) -> Path:
        """The demo/default SQLite database."""
        return self.data_dir / DATABASE_FILE

    @property
    def database_url(self) -> str:
        """The database a local profile and ``hostui-server`` use when told none."""
        return f"sqlite:///{self.database_file}"

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / SECRET_KEY_FILE

    @property
    def tokens_dir(self) -> Path:
        """Where tokens go when there is no system keyring."""
        return self.data_dir / TOKENS_DIR


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else ""
        message = item.get("msg", "invalid value").removeprefix("Value error, ")
        if field in _SECRET_FIELDS or "input" not in item:
            problems.append(f"{variable_name(field)}: {message}")
        else:
            problems.append(f"{variable_name(field)}={str(item['input'])!r}: {message}")
    return "; ".join(problems)


def _variables() -> dict[str, str]:
    """The set ``HOSTUI_*`` variables by field name (``HOSTUI_DATA_DIR`` -> ``data_dir``),
    matched in any case; empty ones count as unset."""
    prefix = ENV_PREFIX.lower()
    values: dict[str, str] = {}
    for name, value in os.environ.items():
        lowered = name.lower()
        if lowered.startswith(prefix) and value != "":
            values[lowered.removeprefix(prefix)] = value
    return values


def environment() -> Environment:
    """The variables as the process has them now (read afresh on every call: cheap, and tests
    and the CLI may change them); ``EnvironmentVariableError`` when one is unusable."""
    try:
        return Environment.model_validate(_variables())
    except ValidationError as error:
        raise EnvironmentVariableError(_describe(error)) from None
