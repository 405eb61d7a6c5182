"""The ``hostui`` command.

    hostui [--profile NAME]                            start the TUI (default profile)
    hostui login URL [--profile NAME] [--user LOGIN]   log in to a hostui-server, keep the token
    hostui logout [--profile NAME]                     revoke and forget the token
    hostui profiles                                    list the profiles in the config
    hostui invoices list …  /  hostui invoice show|pay|pdf|quote|link|delete NUMBER …
                                                       the Invoices section (hostui.commands)

Errors are one line on stderr, never a traceback. login, logout, profiles and the TUI exit
with status 2 on any error; the section commands use the exit codes of
``hostui.commands._common`` (1 refused by the portal, 2 usage or config, 3 cannot connect or
not logged in, 4 cancelled). Imports are lazy: the TUI, httpx and the local database code
load only for the command and profile that need them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from backend.environment import EnvironmentVariableError, environment
from hostui import __version__
from hostui.config import (
    Config,
    ConfigError,
    LocalProfile,
    RemoteProfile,
    UnknownProfile,
    config_path,
    load_config,
    save_config,
    valid_profile_name,
)

__all__ = ["main", "CliError"]

EXIT_ERROR = 2


class CliError(Exception):
    """A failure to report as one line on stderr (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (argparse prints the whole usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from hostui.commands import invoices
    from hostui.commands import orders, traffic
    from hostui.commands import power
    from hostui.commands import tickets
    from hostui.commands import settings

    parser = _Parser(
        prog="hostui",
        description="Your hosting provider's customer portal, in the terminal.",
        epilog="Config: %s (HOSTUI_CONFIG overrides). Tokens: the system keyring, or "
        "tokens/<profile> in the data directory when there is none." % config_path(),
    )
    parser.add_argument("--profile", "-p", metavar="NAME", help="the profile to use (default: default_profile)")
    parser.add_argument("--version", action="version", version=f"hostui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    login = commands.add_parser("login", help="log in to a hostui-server and keep the token")
    login.add_argument("url", metavar="URL", help="the server, e.g. https://portal.example.com")
    login.add_argument("--profile", "-p", metavar="NAME", default=argparse.SUPPRESS,
                       help="profile to create or update (default: named after the server)")
    login.add_argument("--user", "-u", metavar="LOGIN", help="user name (default: the profile's, or asked)")

    logout = commands.add_parser("logout", help="revoke the token of a remote profile and forget it")
    logout.add_argument("--profile", "-p", metavar="NAME", default=argparse.SUPPRESS,
                        help="the remote profile (default: default_profile)")

    commands.add_parser("profiles", help="list the profiles")
    commands.add_parser("keys", help="list the keys and the binding ids [keymap] in the config can remap")
    invoices.register(commands)
    orders.register(commands)
    traffic.register(commands)
    power.register(commands)
    tickets.register(commands)
    settings.register(commands)
    return parser


def _tui_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The arguments of plain ``hostui [--profile NAME]`` (start the TUI), read without the full
    parser, whose sections' commands are modules to import the TUI has no use for; None for
    anything else, which the full parser reads."""
    if not argv:
        return argparse.Namespace(profile=None, command=None)
    if len(argv) == 2 and argv[0] in ("--profile", "-p") and not argv[1].startswith("-"):
        return argparse.Namespace(profile=argv[1], command=None)
    if len(argv) == 1 and argv[0].startswith("--profile=") and argv[0] != "--profile=":
        return argparse.Namespace(profile=argv[0].removeprefix("--profile="), command=None)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        environment()  # a bad HOSTUI_* variable is reported here, once, before anything runs
    except EnvironmentVariableError as error:
        _fail(str(error))
        return EXIT_ERROR
    args = _tui_arguments(sys.argv[1:] if argv is None else list(argv)) or _parser().parse_args(argv)
    if args.command is not None:
        gc.enable()  # off for start-up (hostui.command); only the TUI turns it on later
    try:
        if args.command == "login":
            return _login(args)
        if args.command == "logout":
            return _logout(args)
        if args.command == "profiles":
            return _profiles(args)
        if args.command == "keys":
            return _keys()
        if hasattr(args, "run"):
            return _section_command(args)
        return _run(args)
    except UnknownProfile as error:
        _fail(str(error))
    except ConfigError as error:
        _fail(f"bad config: {error}")
    except CliError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return EXIT_ERROR


def _section_command(args: argparse.Namespace) -> int:
    """Run a section command (``args.run``); its failures become one line and an exit code."""
    from hostui.commands._common import EXIT_BROKEN_PIPE, EXIT_BUG, CommandError, one_line

    try:
        return args.run(args)
    except CommandError as error:
        _fail(str(error))
        return error.exit_code
    except (ConfigError, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, and keep Python from complaining
        # about the unflushed stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as error:  # noqa: BLE001 - a bug, but still one line, never a traceback
        _fail(f"unexpected error ({type(error).__name__}): {one_line(error)}")
        return EXIT_BUG


def _fail(message: str) -> None:
    print(f"hostui: {message}", file=sys.stderr)


# --- the TUI ---------------------------------------------------------------------------------


def _terminal_problem() -> str | None:
    """Why this terminal cannot show the full-screen interface, or None if it can."""
    term = os.environ.get("TERM", "")
    if term in ("dumb", "unknown"):
        return (
            f"this terminal (TERM={term}) cannot draw hostui's full-screen interface. "
            "Run it in a terminal such as xterm or tmux, or use the commands: hostui invoices list, "
            "hostui invoice show NUMBER (see hostui --help)"
        )
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return "hostui's full-screen interface needs a terminal; for scripts use the commands (see hostui --help)"
    return None


def _run(args: argparse.Namespace) -> int:
    path = config_path()
    config = load_config(path)
    name, profile = config.profile(args.profile, path)
    problem = _terminal_problem()
    if problem is not None:
        raise CliError(problem)
    from hostui.app import HostUIApp
    from hostui.connect import connector_for

    app = HostUIApp(
        connector=connector_for(name, profile, config_file=path), keymap=config.keymap, owns_process=True
    )
    app.run()
    return 0


def _keys() -> int:
    """Every binding id with its keys (the user's keymap applied) and what it does."""
    path = config_path()
    config = load_config(path, create=False)
    from hostui.app import HostUIApp

    bindings = HostUIApp.key_bindings()
    width = max(len(binding_id) for binding_id in bindings)
    for binding_id, info in bindings.items():
        keys = config.keymap.get(binding_id, ",".join(info.keys))
        print(f"{binding_id:<{width}}  {keys:<22}  {info.description}")
    unknown = sorted(set(config.keymap) - set(bindings))
    if unknown:
        _fail(f"[keymap] in {path} names bindings that do not exist: {', '.join(unknown)}")
        return EXIT_ERROR
    print(f"\nRemap in {path}, e.g.:\n  [keymap]\n  \"invoice.pay\" = \"P\"")
    return 0


# --- login / logout ----------------------------------------------------------------------------


def _normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        raise CliError(f"not a server URL: {url!r} (it should start with http:// or https://)")
    return url


def _profile_name_for(config: Config, url: str) -> str:
    for name, profile in config.profiles.items():
        if isinstance(profile, RemoteProfile) and profile.url.rstrip("/") == url:
            return name
    host = urlsplit(url).hostname or "remote"
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", host).strip(".-") or "remote"
    return name[:64]


def _password(prompt: str) -> str:
    return getpass.getpass(prompt)


def _ask(prompt: str) -> str:
    return input(prompt)


def _login(args: argparse.Namespace) -> int:
    path = config_path()
    config = load_config(path)  # a broken file stops us here, untouched
    url = _normalize_url(args.url)
    name = getattr(args, "profile", None) or _profile_name_for(config, url)
    if not valid_profile_name(name):
        raise CliError(f"not a profile name: {name!r} (use letters, digits, '_', '.' and '-')")
    existing = config.profiles.get(name)
    if isinstance(existing, LocalProfile):
        raise CliError(f"profile {name!r} is a local profile; choose another name with --profile")
    user = args.user or (existing.login if existing is not None else "") or _ask(f"User name at {url}: ").strip()
    if not user:
        raise CliError("no user name given (use --user LOGIN)")
    password = _password(f"Password for {user} at {url}: ")

    from backend.contract import ServiceError
    from backend.formatting import format_datetime
    from hostui.services.remote import login

    try:
        result = asyncio.run(login(url, user, password))
    except ServiceError as error:
        raise CliError(f"login to {url} failed: {error}") from None

    from hostui.credentials import TokenStore

    store = TokenStore()
    try:
        saved = store.save(name, result.login, result.token)
    except OSError as error:
        raise CliError(f"cannot store the token: {error.strerror or error}") from None
    if saved.fell_back:
        print(f"No system keyring found; token stored in {saved.path} (readable only by you)")
    else:
        print(f"Token stored in {saved.describe(name, result.login)}.")
    if existing is not None and existing.login != result.login:
        store.delete(name, existing.login)
    config = config.with_profile(name, RemoteProfile(url=url, login=result.login))
    save_config(config, path)
    print(f"Logged in to {url} as {result.login} until {format_datetime(result.expires_at)}.")
    print(f"Profile {name!r} saved in {path}. Start it with:  hostui --profile {name}")
    return 0


def _remote_profile(config: Config, name: str | None, path: Path) -> tuple[str, RemoteProfile]:
    name, profile = config.profile(name, path)
    if not isinstance(profile, RemoteProfile):
        raise CliError(f"profile {name!r} is local: there is nothing to log out of (use --profile NAME)")
    return name, profile


def _logout(args: argparse.Namespace) -> int:
    path = config_path()
    config = load_config(path, create=False)
    name, profile = _remote_profile(config, getattr(args, "profile", None), path)

    from hostui.credentials import TokenStore

    store = TokenStore()
    token = store.load(name, profile.login, include_env=False)
    if token:
        from backend.contract import ServiceError
        from hostui.services.remote import RemoteService

        async def revoke() -> None:
            service = RemoteService(profile.url, token, timeout=5.0)
            try:
                await service.logout()
            finally:
                await service.aclose()

        try:
            asyncio.run(revoke())
        except ServiceError as error:
            print(f"hostui: could not revoke the session on the server ({error}); forgetting it here anyway",
                  file=sys.stderr)
    removed = store.delete(name, profile.login)
    if not token and not removed:
        print(f"Profile {name!r} was not logged in.")
    else:
        print(f"Logged out of {profile.url} (profile {name!r}); the token is forgotten.")
    return 0


def _profiles(args: argparse.Namespace) -> int:
    path = config_path()
    config = load_config(path, create=False)
    if not config.profiles:
        print(f"No profiles in {path}.")
        return 0
    width = max(len(name) for name in config.profiles)
    print(f"Profiles in {path}{'' if path.exists() else ' (not written yet: the defaults)'}:")
    for name, profile in config.profiles.items():
        mark = "*" if name == config.default_profile else " "
        print(f" {mark} {name:<{width}}  {profile.kind:<6}  {profile.describe()}  (login {profile.login})")
    print("* default profile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
