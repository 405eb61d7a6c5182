"""schemathesis over every operation of the live app: no 5xx, every answer as documented.

The schema is read from the running server, so a new route is fuzzed without anyone adding
it here, with all of schemathesis' checks (server errors, status codes, bodies and headers
against the schema, negative data rejected, unsupported methods, ...). Requests carry the
demo customer's token unless the case is about leaving it out or sends one of its own; the
login operation is fuzzed too, and its failures then meet the throttle, whose 429 must
conform as well.
"""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from backend.domain import account_security
from tests.conftest import DEMO_LOGIN, DEMO_PASSWORD

# Per operation and phase: about 20 s per database on 2 cores.
EXAMPLES_PER_OPERATION = 25
LOGOUT = ("POST", "/api/v1/auth/logout")
# What no schema can say, by operation: the reasons (the start of a 422's detail) that are not
# valid data rejected. Whether an order is the customer's own ("order: ..." for one the fuzzer
# made up); whether a string is an e-mail address email-validator accepts, an IP range
# Python's ipaddress parses strictly, or a code word of 4 characters once normalised.
SEMANTIC_REFUSALS = {
    ("POST", "/api/v1/tickets"): ("order: ",),
    ("POST", "/api/v1/settings/mailboxes"): ("address: ",),
    ("PUT", "/api/v1/settings/mailboxes/{mailbox_id}"): ("address: ",),
    ("PUT", "/api/v1/settings/ip-ranges"): ("ranges: ",),
    ("PUT", "/api/v1/settings/code-word"): ("code_word: ",),
}
# A range list the fuzzer saves (confirmed) may lock the demo out of the rest of the run.
IP_RANGES = ("PUT", "/api/v1/settings/ip-ranges")


def _token(base_url: str) -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/login", json={"login": DEMO_LOGIN, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture
def api_schema(live_server, portal):  # noqa: ANN001, ANN201, ARG001
    config = SchemathesisConfig.from_dict({"base-url": live_server})
    return schemathesis.openapi.from_url(f"{live_server}/openapi.json", config=config)


@pytest.fixture
def demo_token_for_fuzzing(live_server) -> str:  # noqa: ANN001
    return _token(live_server)


def _leaves_out_authorization(case) -> bool:  # noqa: ANN001
    """The case tests an answer without the token, or brings an Authorization of its own."""
    own = [value for name, value in (case.headers or {}).items() if name.lower() == "authorization"]
    if own and str(own[0]).strip().lower() != "bearer":  # "Bearer " is schemathesis' placeholder
        return True
    data = case.meta.phase.data if case.meta is not None else None
    names = {getattr(data, "parameter", None)}
    names |= {getattr(mutation, "parameter", None) for mutation in getattr(data, "mutations", None) or ()}
    return any(isinstance(name, str) and name.lower() == "authorization" for name in names)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_documented(case, live_server, portal, demo_token_for_fuzzing):  # noqa: ANN001
    token = demo_token_for_fuzzing
    if (case.method.upper(), case.path) == LOGOUT:
        token = _token(live_server)  # logout revokes it: the other operations keep theirs
    if not _leaves_out_authorization(case):
        case.headers = {**{k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"},
                        "Authorization": f"Bearer {token}"}
    operation = (case.method.upper(), case.path)
    response = case.call()
    if operation == IP_RANGES:
        account_security.clear_ip_ranges(portal, DEMO_LOGIN)
    semantic = SEMANTIC_REFUSALS.get(operation, ())
    if response.status_code == 422 and response.json().get("detail", "").startswith(semantic or "\0"):
        case.validate_response(response, excluded_checks=[positive_data_acceptance])
    else:
        case.validate_response(response)
