"""Every integer the API accepts is bounded so it fits both databases, and says so.

Built from the route table and the OpenAPI document, so a new route is covered by itself:
every id route is called with ids at and beyond the 32- and 64-bit edges, negative and
huge, on SQLite and PostgreSQL, and must answer 404 (never 500); every integer query
parameter beyond its documented bounds answers 422, and at them no 5xx.
"""

from __future__ import annotations

import httpx
from fastapi.routing import APIRoute

from backend.api.app import create_app, flat_routes
from backend.api.params import MAX_ROW_ID
from tests.test_api_isolation import PARAM, request_for

API = "/api/v1"
EDGE_IDS = [
    0, -1, -(2**31), -(2**31) - 1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**40,
]


def _integer_path_routes(portal) -> list[tuple[str, str, str]]:  # noqa: ANN001
    """(method, path, parameter) of every route whose path takes an integer."""
    found = []
    for path, route in flat_routes(create_app(portal)):
        if not isinstance(route, APIRoute) or not path.startswith(API):
            continue
        for param in route.dependant.path_params:
            if param.field_info.annotation is int:
                found.extend((method, path, param.name) for method in sorted(route.methods))
    return found


def _integer_schema(schema: dict) -> dict | None:
    if schema.get("type") == "integer":
        return schema
    for option in schema.get("anyOf", []):
        if option.get("type") == "integer":
            return option
    return None


def test_every_integer_parameter_is_bounded_in_the_schema(portal, live_server):
    document = httpx.get(f"{live_server}/openapi.json").json()
    checked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = _integer_schema(parameter["schema"])
                if schema is None:
                    continue
                where = (method, path, parameter["name"])
                assert schema.get("minimum", -1) >= 0, where
                assert schema.get("maximum", 2**63) <= MAX_ROW_ID, where
                checked += 1
    assert checked >= 10


def test_ids_at_and_beyond_the_edges_are_not_found(portal, live_server, demo_token):
    routes = _integer_path_routes(portal)
    assert len(routes) >= 6
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        for method, path, name in routes:
            for value in EDGE_IDS:
                # Other path parameters get a filler; only this id is at an edge.
                url = PARAM.sub("1", path.replace(f"{{{name}}}", str(value)))
                response = client.request(method, url, **request_for(method, path))
                where = (method, url, response.text[:200])
                if 1 <= value <= MAX_ROW_ID:
                    # A valid id that names nothing: not found, unless the request is incomplete
                    # for a route this test cannot fill in (validation answers first).
                    assert response.status_code in (404, 422), where
                    continue
                assert response.status_code == 404, where
                entity = name.removesuffix("_id").replace("_", " ")
                assert response.json() == {"error": "not_found", "detail": f"{entity} {value} not found"}, where
        # One connection served every answer: no error dropped it.
        assert client.get(f"{API}/account").status_code == 200


def test_integer_query_parameters_beyond_their_bounds_are_422(portal, live_server, demo_token):
    document = httpx.get(f"{live_server}/openapi.json").json()
    checked = 0
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {demo_token}"}) as client:
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    schema = _integer_schema(parameter["schema"])
                    if parameter["in"] != "query" or schema is None:
                        continue
                    low, high = schema["minimum"], schema["maximum"]
                    for value, expected in ((low - 1, 422), (high + 1, 422), (2**63, 422), (-(2**63) - 1, 422),
                                            (high, None), (low, None)):
                        response = client.request(method, path, params={parameter["name"]: value})
                        where = (method, path, parameter["name"], value, response.text[:200])
                        if expected is None:
                            assert response.status_code < 500, where
                        else:
                            assert response.status_code == expected, where
                            assert response.json()["error"] == "invalid_input", where
                        checked += 1
    assert checked >= 6 * 4
