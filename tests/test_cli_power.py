"""``hostui power ACTION ORDER``: confirmation, code word, waiting and exit codes, on a local
profile (the command runs the job in its own process) and a remote one (the live server,
with a job runner of the test's own, fast).
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from keyring.backends import fail
from sqlmodel import select

from backend.contract import ServerJob
from backend.db import read_session
from backend.jobs.runner import JobRunner
from backend.models import Server, ServiceOrder
from hostui import cli
from hostui.config import Config, LocalProfile, RemoteProfile, save_config
from hostui.credentials import TOKEN_ENV, TokenStore
from tests.server_jobs_helpers import FAST_JOBS, power_state_of, server_of, set_code_word, use_job_settings


@pytest.fixture
def portal(sqlite_portal):  # noqa: ANN001, ANN201
    """SQLite only: the contract suite covers PostgreSQL; here the command line is under test."""
    use_job_settings(sqlite_portal)
    return sqlite_portal


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> Path:
    """Config and data in tmp_path, no HOSTUI_TOKEN, no real keyring."""
    monkeypatch.setenv("HOSTUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("HOSTUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    import keyring

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    return tmp_path


def _remote(request, portal) -> None:  # noqa: ANN001
    server = request.getfixturevalue("live_server")
    save_config(Config(default_profile="work", profiles={"work": RemoteProfile(url=server, login="demo")}))
    TokenStore().save("work", "demo", request.getfixturevalue("demo_token"))


@pytest.fixture
def remote(request, cli_env, portal) -> None:  # noqa: ANN001
    """A remote default profile for "demo" against the live server; no runner yet."""
    _remote(request, portal)


@pytest.fixture
def local(cli_env, portal) -> None:  # noqa: ANN001
    save_config(Config(default_profile="work", profiles={"work": LocalProfile(database=portal.settings.database_url,
                                                                               login="demo")}))


@pytest.fixture
def runner(portal):  # noqa: ANN001, ANN201
    job_runner = JobRunner(portal).start()
    yield job_runner
    job_runner.stop()


def order_number(portal, server_id: int) -> str:  # noqa: ANN001
    with read_session(portal.engine) as session:
        return session.exec(
            select(ServiceOrder.number).join(Server, Server.order_id == ServiceOrder.id).where(Server.id == server_id)
        ).one()


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_local_profile_runs_the_job_in_the_command_and_waits(local, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    code, out, err = run(capsys, "power", "reboot", order_number(portal, server.id), "--yes")
    assert code == 0, err
    assert "State: succeeded" in " ".join(out.split())
    assert "runs job" in err and "[100%] Done" in err
    assert power_state_of(portal, server.id) == "on"


def test_remote_without_wait_prints_the_queued_job(remote, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    code, out, err = run(capsys, "power", "disable", order_number(portal, server.id), "--yes", "--json")
    assert (code, err) == (0, "")
    job = ServerJob.model_validate_json(out)
    assert job.kind.value == "disable" and job.state.value == "queued"


def test_remote_wait_follows_the_job_to_its_end(remote, runner, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="blocked")
    code, out, err = run(capsys, "power", "enable", order_number(portal, server.id), "--yes", "--wait", "--json")
    assert code == 0, err
    assert json.loads(out)["state"] == "succeeded"
    assert "[100%] Done" in err.splitlines()[-1]
    assert power_state_of(portal, server.id) == "on"


def test_a_refused_action_is_exit_1_with_the_rules_reason(remote, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="off")
    code, out, err = run(capsys, "power", "disable", order_number(portal, server.id), "--yes")
    assert (code, out) == (1, "")
    assert err == f"hostui: cannot disable {server.hostname}: the server is already off\n"


def test_a_failed_job_is_exit_1_with_its_error(request, cli_env, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    use_job_settings(portal, dataclasses.replace(FAST_JOBS, fail_hostnames=frozenset({server.hostname})))
    _remote(request, portal)
    job_runner = JobRunner(portal).start()
    try:
        code, out, err = run(capsys, "power", "reboot", order_number(portal, server.id), "--yes", "--wait")
    finally:
        job_runner.stop()
    assert code == 1
    assert "State: failed" in " ".join(out.split())
    assert err.splitlines()[-1].startswith("hostui: job ") and "did not answer" in err.splitlines()[-1]


def test_waiting_gives_up_after_the_timeout(remote, capsys, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    code, _out, err = run(capsys, "power", "reboot", order_number(portal, server.id), "--yes", "--wait", "--timeout", "1")
    assert code == 1
    assert "is still queued after 1 s" in err.splitlines()[-1]


def test_the_confirmation_names_the_server_and_its_address(remote, capsys, monkeypatch, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, out, err = run(capsys, "power", "block", order_number(portal, server.id))
    assert (code, out) == (4, "")
    assert f"Block {server.hostname} ({server.primary_ip})? It keeps running" in err
    assert power_state_of(portal, server.id) == "on"


def test_without_a_terminal_it_needs_yes(remote, capsys, monkeypatch, portal, demo_customer_id):
    server = server_of(portal, demo_customer_id, power_state="on")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _out, err = run(capsys, "power", "reboot", order_number(portal, server.id))
    assert code == 2 and "pass --yes" in err


def test_the_code_word_from_stdin(remote, runner, capsys, monkeypatch, portal, demo_customer_id):
    set_code_word(portal, demo_customer_id, "Blue Whale")
    server = server_of(portal, demo_customer_id, power_state="on")
    number = order_number(portal, server.id)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _out, err = run(capsys, "power", "disable", number, "--yes")
    assert code == 1 and err == "hostui: disable needs your code word: pass --code-word-stdin\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("red whale\n"))
    code, _out, err = run(capsys, "power", "disable", number, "--yes", "--code-word-stdin")
    assert code == 1 and err == "hostui: wrong code word\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("blue whale\n"))
    code, _out, err = run(capsys, "power", "disable", number, "--yes", "--code-word-stdin", "--wait")
    assert code == 0, err
    assert power_state_of(portal, server.id) == "off"


def test_an_unknown_order_is_exit_1(remote, capsys):
    code, _out, err = run(capsys, "power", "reboot", "ORD-000000", "--yes")
    assert code == 1 and err.startswith("hostui: ") and "not found" in err
