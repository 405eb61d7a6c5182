"""hostui's configuration file: named profiles saying where the portal is.

The file is TOML, at ``platformdirs.user_config_dir("hostui")/config.toml`` or wherever
``HOSTUI_CONFIG`` points (``backend.environment`` reads the variable)::

    default_profile = "local"

    [profiles.local]            # the portal in-process, on a local database
    kind = "local"
    database = "sqlite:////home/me/.local/share/hostui/portal.sqlite3"
    login = "demo"
    seed_demo = true            # create the demo customer if the database has no customers

    [profiles.work]             # a hostui-server over HTTP
    kind = "remote"
    url = "https://portal.example.com"
    login = "jana"

    [keymap]                    # optional: binding id = "keys" (the ? help lists the keys)
    "invoice.pay" = "P"
    "list.next_filter" = "f,tab"

Tokens and passwords never go in this file (see ``hostui.credentials``). A file that does not
parse, or that describes a profile hostui cannot use, raises ``ConfigError`` whose message
names the file and the line; such a file is never overwritten.

Imports only the standard library, pydantic and ``backend.environment`` (pydantic-settings,
platformdirs): cheap enough for every start.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.environment import APP_NAME, environment, variable_name

__all__ = [
    "APP_NAME",
    "CONFIG_ENV",
    "DATA_DIR_ENV",
    "ConfigError",
    "UnknownProfile",
    "LocalProfile",
    "RemoteProfile",
    "Profile",
    "Config",
    "config_path",
    "data_dir",
    "default_database_url",
    "default_config",
    "load_config",
    "save_config",
    "valid_profile_name",
]

CONFIG_ENV = variable_name("config")
DATA_DIR_ENV = variable_name("data_dir")

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")
_SECRET_KEYS = ("token", "password", "api_token", "secret")


class ConfigError(Exception):
    """A config file hostui cannot use; ``str()`` names the file (and line) and what is wrong."""


class UnknownProfile(ConfigError):
    """``--profile NAME`` (or default_profile) names no profile in the config file."""


def config_path() -> Path:
    """Where the config file is: ``$HOSTUI_CONFIG`` or the platform's config directory."""
    return environment().config


def data_dir() -> Path:
    """The data directory (database, secret key, token files): ``$HOSTUI_DATA_DIR`` or the
    platform's data directory."""
    return environment().data_dir


def default_database_url() -> str:
    return environment().database_url


def valid_profile_name(name: str) -> bool:
    """Profile names end up in file names (``tokens/<profile>``): letters, digits, ``_.-``."""
    return bool(_PROFILE_NAME.fullmatch(name))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalProfile(_Model):
    """The portal in-process (LocalService) on a database hostui opens itself."""

    kind: Literal["local"] = "local"
    database: str = Field(min_length=1)
    login: str = Field(default="demo", min_length=1)
    seed_demo: bool = False

    def describe(self) -> str:
        return self.database

    @property
    def sqlite_path(self) -> Path | None:
        """The database file for a ``sqlite:///`` URL, else None."""
        prefix = "sqlite:///"
        if self.database.startswith(prefix):
            rest = self.database[len(prefix):].split("?", 1)[0]
            if rest and rest != ":memory:":
                return Path(rest)
        return None


class RemoteProfile(_Model):
    """A hostui-server over HTTP (RemoteService); the token lives in the keyring."""

    kind: Literal["remote"] = "remote"
    url: str = Field(pattern=r"^https?://\S+$")
    login: str = Field(min_length=1)

    def describe(self) -> str:
        return self.url


Profile = Annotated[LocalProfile | RemoteProfile, Field(discriminator="kind")]


# A binding id: "<kind>.<action>" (invoice.pay, list.search, section.orders, app.help).
BINDING_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Textual key names, comma-separated: "p", "P", "ctrl+p", "f,tab", "question_mark".
KEYS = re.compile(r"^\s*[A-Za-z0-9_+]+(\s*,\s*[A-Za-z0-9_+]+)*\s*$")


class Config(_Model):
    default_profile: str = "local"
    profiles: dict[str, Profile] = Field(default_factory=dict)
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id -> keys, applied over the default keys (Textual's keymap)."""

    def profile(self, name: str | None, path: Path | None = None) -> tuple[str, LocalProfile | RemoteProfile]:
        """The profile called ``name`` (None: the default one); ConfigError if there is none."""
        name = name or self.default_profile
        try:
            return name, self.profiles[name]
        except KeyError:
            where = f" in {path}" if path else ""
            known = ", ".join(sorted(self.profiles)) or "none"
            raise UnknownProfile(f"no profile named {name!r}{where} (profiles: {known})") from None

    def with_profile(self, name: str, profile: LocalProfile | RemoteProfile) -> Config:
        return self.model_copy(update={"profiles": {**self.profiles, name: profile}})

    def without_profile(self, name: str) -> Config:
        profiles = {key: value for key, value in self.profiles.items() if key != name}
        return self.model_copy(update={"profiles": profiles})


def default_config() -> Config:
    """What the first start writes: one local profile on the demo database."""
    return Config(
        default_profile="local",
        profiles={"local": LocalProfile(database=default_database_url(), login="demo", seed_demo=True)},
    )


# --- reading ---------------------------------------------------------------------------------


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else '"' + name.replace('"', '\\"') + '"'


def _table_line(text: str, name: str) -> int | None:
    """The line number of ``[profiles.<name>]`` (or of a dotted ``profiles.<name>.`` key)."""
    quoted = re.escape(name)
    patterns = (
        rf"^\s*\[\s*profiles\s*\.\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*\]",
        rf"^\s*profiles\s*\.\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*[.=]",
        rf"^\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*=\s*\{{",  # inline table under [profiles]
    )
    for number, line in enumerate(text.splitlines(), 1):
        if any(re.match(pattern, line) for pattern in patterns):
            return number
    return None


def _key_line(text: str, name: str, key: str) -> int | None:
    """The line of ``key = …`` inside the table of profile ``name``, else the table's line."""
    start = _table_line(text, name)
    if start is None:
        return None
    lines = text.splitlines()
    if "{" in lines[start - 1]:  # inline table: everything is on that line
        return start
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if re.match(r"^\s*\[", line):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return start


def _top_key_line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[", line):
            return None
        if re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _at(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line else str(path)


def _describe_validation(error: ValidationError) -> tuple[str, str]:
    """(the offending key, a short message) for the first problem pydantic found."""
    first = error.errors()[0]
    loc = [str(part) for part in first.get("loc", ())]
    key = loc[0] if loc else ""
    kind = first.get("type", "")
    if kind == "missing":
        return key, f"{key} is missing"
    if kind == "extra_forbidden":
        return key, f"unknown setting {key!r}"
    if kind == "string_pattern_mismatch" and key == "url":
        return key, "url must start with http:// or https://"
    message = first.get("msg", "invalid value")
    return key, f"{key}: {message[0].lower() + message[1:] if message else 'invalid value'}"


def parse_config(text: str, path: Path) -> Config:
    """Parse and check config text; ConfigError naming ``path`` and the line when it is wrong."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if match:
            what = message[: match.start()].strip()
            raise ConfigError(
                f"{path}, line {match.group(1)}, column {match.group(2)}: not valid TOML: {what}"
            ) from None
        if "(at end of document)" in message:
            what = message.replace("(at end of document)", "").strip()
            last = max(1, len(text.splitlines()))
            raise ConfigError(f"{path}, line {last} (end of file): not valid TOML: {what}") from None
        raise ConfigError(f"{path}: not valid TOML: {message}") from None

    for key in raw:
        if key not in ("default_profile", "profiles", "keymap"):
            raise ConfigError(
                f"{_at(path, _top_key_line(text, key))}: unknown setting {key!r} "
                "(expected default_profile, [profiles.NAME] tables and [keymap])"
            )
    keymap = _parse_keymap(raw.get("keymap", {}), text, path)
    default = raw.get("default_profile", "local")
    if not isinstance(default, str) or not default:
        raise ConfigError(f"{_at(path, _top_key_line(text, 'default_profile'))}: default_profile must be a profile name")
    raw_profiles = raw.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise ConfigError(f"{path}: profiles must be tables like [profiles.local]")

    profiles: dict[str, LocalProfile | RemoteProfile] = {}
    for name, body in raw_profiles.items():
        line = _table_line(text, name)
        where = _at(path, line)
        if not valid_profile_name(name):
            raise ConfigError(
                f"{where}: profile name {name!r} may only use letters, digits, '_', '.' and '-'"
            )
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: profile {name!r} must be a table like [profiles.{_toml_key(name)}]")
        for secret in _SECRET_KEYS:
            if secret in body:
                raise ConfigError(
                    f"{_at(path, _key_line(text, name, secret))}: profile {name!r} has a {secret!r}; "
                    "secrets never belong in the config file: remove it and run "
                    "`hostui login URL --profile " + name + "`"
                )
        kind = body.get("kind")
        if kind is None:
            raise ConfigError(f'{where}: profile {name!r} has no kind: add kind = "local" or kind = "remote"')
        if kind not in ("local", "remote"):
            raise ConfigError(
                f"{_at(path, _key_line(text, name, 'kind'))}: profile {name!r} has unknown kind "
                f'{kind!r}: use "local" or "remote"'
            )
        model = LocalProfile if kind == "local" else RemoteProfile
        try:
            profiles[name] = model.model_validate(body)
        except ValidationError as exc:
            key, message = _describe_validation(exc)
            hint = ""
            if key == "url":
                hint = ' (a remote profile needs url = "https://…")'
            elif key == "database":
                hint = ' (a local profile needs database = "sqlite:///…" or "postgresql+psycopg://…")'
            elif key == "login":
                hint = ' (the user name, e.g. login = "jana")'
            line_of_key = _key_line(text, name, key) if key in body else line
            raise ConfigError(f"{_at(path, line_of_key)}: profile {name!r}: {message}{hint}") from None

    return Config(default_profile=default, profiles=profiles, keymap=keymap)


def _parse_keymap(raw: object, text: str, path: Path) -> dict[str, str]:
    where = _at(path, _top_key_line(text, "keymap"))
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: keymap must be a table: [keymap] with lines like "invoice.pay" = "P"')
    for binding_id, keys in raw.items():
        if not BINDING_ID.fullmatch(binding_id):
            raise ConfigError(
                f"{where}: keymap: {binding_id!r} is not a binding id (like \"invoice.pay\"; "
                "the ? help of each screen lists them)"
            )
        if not isinstance(keys, str) or not KEYS.fullmatch(keys):
            raise ConfigError(
                f"{where}: keymap: {binding_id!r} = {keys!r}: give key names separated by commas, "
                'like "P" or "ctrl+p,f5"'
            )
    return {binding_id: keys.replace(" ", "") for binding_id, keys in raw.items()}


def load_config(path: Path | None = None, *, create: bool = True) -> Config:
    """Read the config file; on first start (no file) write and return the default one.

    ``create=False`` returns the default config without writing anything. An unreadable or
    invalid file raises ConfigError and is left exactly as it is.
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        config = default_config()
        if create:
            save_config(config, path)
        return config
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (expected UTF-8 TOML)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    return parse_config(text, path)


# --- writing ---------------------------------------------------------------------------------

_HEADER = """\
# hostui configuration: named profiles saying where the portal is.
#   kind = "local":  the portal in-process on a database (database = "sqlite:///…")
#   kind = "remote": a hostui-server (url = "https://…"); log in with `hostui login URL`
# Tokens and passwords are never stored here (they live in the system keyring).
"""


def render_config(config: Config) -> str:
    import tomli_w

    document: dict[str, object] = {
        "default_profile": config.default_profile,
        "profiles": {name: profile.model_dump() for name, profile in config.profiles.items()},
    }
    if config.keymap:
        document["keymap"] = dict(config.keymap)
    body = tomli_w.dumps(document)
    return _HEADER + "\n" + body


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write the config atomically (a temporary file renamed over the old one)."""
    path = path or config_path()
    text = render_config(config)
    parse_config(text, path)  # never write something we could not read back
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            if path.exists():
                os.chmod(temporary, path.stat().st_mode & 0o777)
            else:
                os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write it: {exc.strerror or exc}") from None
    return path
