"""Fuzzing /api/v1 with schemathesis, in-process, inside pytest-django's test database.

schemathesis reads the OpenAPI document of the API and, for every operation in it, sends requests
through Django's WSGI handler in this process, checking each answer against the document (CHECKS).
A module that mounts a router is fuzzed by the next run without an edit here.

What is sent, per operation, as a signed-in officer:
- the "coverage" phase: deterministic boundary values of every parameter and body property
  (shortest and longest strings, every enum member, smallest and largest numbers) and a method
  the path does not have (405);
- SHEZHI_FUZZ_EXAMPLES random requests (default 5), valid and deliberately invalid;
- the hostile replays described below.
SHEZHI_FUZZ_FULL=1 (a deeper run) adds the coverage phase's negative cases (every field of the wrong
type, out of bounds, missing) and every method the path lacks: about four times the requests.
Anonymous callers get 3 random requests per operation with forged credentials: the wall comes
first, more would only repeat the 401.

The document is built when the test module is imported, by the call /api/v1/openapi.json makes
(`api.get_openapi_schema(path_params={})`): pytest names its test items after the operations
before any database exists, and the served document is only for signed-in callers. A test checks
that the API serves exactly this document.

How a run stays meaningful inside a test:

- `InProcessWSGI` is Django's WSGI handler without the end-of-request `close_old_connections`,
  which would close the test's connection and with it the transaction holding the fixtures
  (Django's test client disconnects it the same way).
- Every request runs in a savepoint rolled back afterwards, so a DELETE or a "complete" does not
  change what the next example sees, and a database error on PostgreSQL does not poison the rest
  of the run; and from an empty cache, or the per-user throttle would answer 429 to most of a
  long CI run.
- Path parameters are half the time identifiers that exist (`start_run(known_path_values=...)`,
  read through the API's own list operations), so detail and action operations answer 200 and
  their success bodies get checked too, not only their 404s.
- The first time an operation answers 2xx with a given parameter or body field, that request is
  replayed with the field replaced by each of HOSTILE_STRINGS or EXTREME_INTEGERS. Random
  generation puts a NUL in a JSON body field rarely, and only a request valid in every other
  respect carries it down to the database, where PostgreSQL refuses it.

Runs are deterministic (Hypothesis derandomized, no example database, fixed seed), so CI is not
flaky: the same number of examples sends the same requests on every run.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

OPENAPI_PATH = "/api/v1/openapi.json"
EXAMPLES_ENV = "SHEZHI_FUZZ_EXAMPLES"
FULL_ENV = "SHEZHI_FUZZ_FULL"
DEFAULT_EXAMPLES = 5
ANONYMOUS_EXAMPLES = 3
# Any fixed number: the same seed and example count generate the same requests on every run.
SEED = 20161231

# Strings and integers that pass validation and break further down: PostgreSQL refuses NUL in
# text; LIKE wildcards, backslash and quote must stay literal; the bidi override and a 4-byte CJK
# character (Extension B) must round-trip; the integers overflow 32- and 64-bit columns.
HOSTILE_STRINGS = ("a\x00b", "%_\\'\u202e\U00020000")
EXTREME_INTEGERS = (2**31, 2**63)

ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

# The test's fixtures (database rows, token) are made once for all its examples on purpose:
# each request is isolated in its own rolled-back savepoint instead.
FIXTURES_OUTLIVE_EXAMPLES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def full_run() -> bool:
    """SHEZHI_FUZZ_FULL=1 (CI): also schemathesis' negative boundary cases and every method."""
    raw = os.environ.get(FULL_ENV, "").strip()
    if raw not in {"", "0", "1"}:
        raise ValueError(f"{FULL_ENV} must be 0 or 1, not {raw!r}")
    return raw == "1"


def examples_per_operation() -> int:
    """Random requests per operation after the coverage phase: SHEZHI_FUZZ_EXAMPLES, or 5."""
    raw = os.environ.get(EXAMPLES_ENV, "").strip()
    if not raw:
        return DEFAULT_EXAMPLES
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{EXAMPLES_ENV} must be a positive whole number, not {raw!r}")
    return int(raw)


class InProcessWSGI(WSGIHandler):
    """Django's WSGI application, keeping the test's database connection open between requests."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = super().__call__(environ, start_response)
            # A WSGI server calls close() once the body is sent, which fires request_finished:
            # do it here, while close_old_connections is still disconnected.
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def openapi_document() -> dict[str, Any]:
    """The document /api/v1/openapi.json serves, built by the same call its view makes."""
    from shezhi.api.urls import api

    return dict(api.get_openapi_schema(path_params={}))


def api_schema(*, signed_in: bool) -> schemathesis.BaseSchema:
    """schemathesis' view of the API, answered in-process by `InProcessWSGI`.

    A signed-in caller's credentials are the test's own (passed to `call_and_validate`), none are
    generated, and path parameters include identifiers that exist. For anyone else schemathesis
    generates the credentials the document declares (Bearer token, session cookie): all forged.
    """
    full = full_run()
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                # An anonymous caller meets the authentication wall first: a few forged
                # credentials per operation show it, more would only repeat the 401.
                "max-examples": examples_per_operation() if signed_in else ANONYMOUS_EXAMPLES,
                "deterministic": True,
                "database": "none",
                "with-security-parameters": not signed_in,
            },
            "phases": {
                "coverage": {
                    "enabled": signed_in,
                    # Full: every method a path lacks (schemathesis' default); otherwise PUT,
                    # which no operation here has, for one 405 per operation.
                    **({} if full else {"unexpected-methods": ["put"]}),
                    "generation": {"mode": "all" if full else "positive"},
                }
            },
        }
    )
    schema = schemathesis.openapi.from_dict(openapi_document(), config=config)
    schema.app = InProcessWSGI()
    if signed_in:
        schema.hook("flatmap_path_parameters")(_mix_in_known_path_values)
    return schema


def all_operations(schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    """Every operation of the document; one schemathesis cannot read fails loudly."""
    found = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        found.append(result.ok())
    return found


# --------------------------------------------------------------------------------------------
# The state of one test module's run

# Operation label ("GET /api/v1/todos/{todo_id}") → path parameter → values that exist.
KNOWN_PATH_VALUES: dict[str, dict[str, list[Any]]] = {}
# (operation label, method, location, field path) already replayed with hostile values.
SWEPT: set[tuple[str, str, str, tuple[str | int, ...]]] = set()


def start_run(*, known_path_values: dict[str, dict[str, list[Any]]]) -> None:
    end_run()
    KNOWN_PATH_VALUES.update(known_path_values)


def end_run() -> None:
    KNOWN_PATH_VALUES.clear()
    SWEPT.clear()


# --------------------------------------------------------------------------------------------
# Identifiers that exist


def _mix_in_known_path_values(context: Any, path_parameters: Any) -> st.SearchStrategy:
    """The schema hook `flatmap_path_parameters`: half the time, the generated parameters with
    those that have known values replaced by one of them (read at draw time: pytest builds the
    strategies at collection, the rows exist only later)."""
    label = context.operation.label if context.operation is not None else ""
    known = KNOWN_PATH_VALUES.get(label)
    if not known or not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    existing = st.fixed_dictionaries(
        {name: st.sampled_from(options) for name, options in known.items()}
    )
    return st.one_of(st.just(path_parameters), existing.map(lambda e: {**path_parameters, **e}))


def collect_known_path_values(
    schema: schemathesis.BaseSchema, headers: dict[str, str]
) -> dict[str, dict[str, list[Any]]]:
    """For each operation, each path parameter's values read from the items of the list
    operation one level up: /api/v1/todos/{todo_id} reads GET /api/v1/todos/ and takes each
    item's "todo_id", or else its "id"; {code} takes "code". The list is read plainly and once
    per value of each of its enumerated query parameters (?tab=done finds the closed to-dos,
    whose "complete" answers 409). A nested path (/a/{a_id}/b/{b_id}) reads /a/<first a_id>/b/."""
    client = Client(schema.app)
    document = schema.raw_schema
    operations = all_operations(schema)
    lists = {
        operation.path.rstrip("/"): operation.path
        for operation in operations
        if operation.method.lower() == "get"
    }
    pages: dict[str, list[dict[str, Any]]] = {}

    def items(template: str, filled: dict[str, Any]) -> list[dict[str, Any]]:
        url = template.format(**filled)
        if url not in pages:
            pages[url] = []
            for query in _query_variants(document, document["paths"][template]["get"]):
                response = client.get(url, query_string={**query, "limit": 500}, headers=headers)
                body = response.get_json(silent=True) if response.status_code == 200 else None
                found = body.get("items") if isinstance(body, dict) else None
                pages[url] += [item for item in found or [] if isinstance(item, dict)]
        return pages[url]

    values: dict[str, dict[str, list[Any]]] = {}
    for operation in operations:
        filled: dict[str, Any] = {}
        for parameter in re.findall(r"{([^}]+)}", operation.path):
            template = lists.get(operation.path.split("{" + parameter + "}", 1)[0].rstrip("/"))
            found = _field_values(items(template, filled), parameter) if template else []
            if not found:
                break
            values.setdefault(operation.label, {})[parameter] = found
            filled[parameter] = found[0]
    return values


def _field_values(items: list[dict[str, Any]], parameter: str) -> list[Any]:
    fields = (parameter, "id") if parameter.endswith("_id") else (parameter,)
    for field in fields:
        found = [item[field] for item in items if field in item]
        if found:
            return list(dict.fromkeys(found))
    return []


def _query_variants(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    variants: list[dict[str, Any]] = [{}]
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query":
            variants += [{parameter["name"]: value} for value in _enum(document, parameter)]
    return variants


def _enum(document: dict[str, Any], node: Any) -> list[Any]:
    """The enumerated values anywhere in a (parameter) schema, following local references."""
    if isinstance(node, list):
        return [value for child in node for value in _enum(document, child)]
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        return _enum(document, _resolve(document, node["$ref"]))
    if "enum" in node:
        return list(node["enum"])
    keys = ("schema", "anyOf", "oneOf", "allOf")
    return [value for key in keys if key in node for value in _enum(document, node[key])]


def _properties(document: dict[str, Any], node: Any) -> dict[str, Any]:
    """The top-level properties of a (media type's) schema, by name: through local references
    and anyOf/oneOf/allOf, as ninja writes an optional body (`anyOf: [{$ref}, {type: null}]`)."""
    if isinstance(node, list):
        return {
            name: schema for child in node for name, schema in _properties(document, child).items()
        }
    if not isinstance(node, dict):
        return {}
    if "$ref" in node:
        return _properties(document, _resolve(document, node["$ref"]))
    found = dict(node.get("properties", {}))
    for key in ("schema", "anyOf", "oneOf", "allOf"):
        found.update(_properties(document, node.get(key)))
    return found


def _resolve(document: dict[str, Any], reference: str) -> Any:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


# --------------------------------------------------------------------------------------------
# Checks


def error_body_shape(ctx: Any, response: Any, case: Any) -> None:
    """Every 4xx and 5xx answers JSON {"detail": <message or [{loc, msg}]>, "code": <machine
    code>}, with no other keys than its documented schema adds (409's status/requested/allowed)."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), (
        f"{response.status_code} answered {content_type or 'no Content-Type'}, not JSON"
    )
    body = response.json()
    assert isinstance(body, dict), f"the error body is not an object: {body!r}"
    assert "detail" in body and "code" in body, f"the error body lacks detail or code: {body!r}"
    code, detail = body["code"], body["detail"]
    assert isinstance(code, str) and ERROR_CODE.match(code), f"code is not a machine code: {code!r}"
    if isinstance(detail, list):
        assert detail, "detail is an empty list"
        for item in detail:
            assert isinstance(item, dict) and set(item) == {"loc", "msg"}, (
                f"a detail item is not {{loc, msg}}: {item!r}"
            )
            assert isinstance(item["loc"], list), f"loc is not a list: {item!r}"
            assert isinstance(item["msg"], str) and item["msg"].strip(), f"no msg: {item!r}"
    else:
        assert isinstance(detail, str) and detail.strip(), f"detail is not a message: {detail!r}"
    extra = set(body) - {"detail", "code"} - _documented_keys(case, response.status_code)
    assert not extra, f"undocumented keys in the error body: {sorted(extra)}"


def _documented_keys(case: Any, status_code: int) -> set[str]:
    """The top-level properties the document gives this operation's `status_code` body."""
    document = case.operation.schema.raw_schema
    # The coverage phase also sends methods the path does not declare (405): nothing documented.
    operation = document["paths"][case.operation.path].get(case.method.lower(), {})
    response = operation.get("responses", {}).get(str(status_code), {})
    return set(_properties(document, response.get("content", {}).get("application/json", {})))


CHECKS = [
    not_a_server_error,  # no 5xx
    status_code_conformance,  # the status is documented for the operation
    content_type_conformance,  # the Content-Type is the documented one
    response_schema_conformance,  # the body matches the documented schema of that status
    error_body_shape,
]


# --------------------------------------------------------------------------------------------
# Sending


def call_and_validate(case: schemathesis.Case, headers: dict[str, str] | None = None) -> Any:
    """Send one generated request and run CHECKS on the answer; if it is the first 2xx for some
    of its fields, replay it with each field made hostile (see the module's docstring)."""
    response = _send(case, headers)
    if 200 <= response.status_code < 300:
        for variant in _hostile_variants(case):
            _send(variant, headers)
    return response


def _send(case: schemathesis.Case, headers: dict[str, str] | None) -> Any:
    cache.clear()
    with transaction.atomic():
        try:
            return case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.set_rollback(True)


Path = tuple[str | int, ...]


def _hostile_variants(case: schemathesis.Case) -> Iterator[schemathesis.Case]:
    """`case` (which succeeded) with one documented field at a time replaced by each hostile
    value of its type: every path and query parameter, every top-level body property (set even
    when the generated body left it out) and every string or integer nested under one."""
    containers: dict[str, Any] = {
        "path_parameters": dict(case.path_parameters or {}),
        "query": dict(case.query or {}),
    }
    declared = _declared_fields(case)
    if declared["body"] and "json" in (case.media_type or ""):
        containers["body"] = copy.deepcopy(case.body) if isinstance(case.body, dict) else {}
    for location, container in containers.items():
        for name, schema in declared[location].items():
            value = container.get(name)
            fields = list(_leaves(value, (name,))) if isinstance(value, dict | list) else []
            if not fields:
                kind = _kind(case.operation.schema.raw_schema, schema)
                fields = [((name,), "" if kind == "string" else 0)] if kind else []
            for path, leaf in fields:
                key = (case.operation.label, case.method, location, path)
                if key in SWEPT:
                    continue
                SWEPT.add(key)
                for replacement in HOSTILE_STRINGS if isinstance(leaf, str) else EXTREME_INTEGERS:
                    changed = copy.deepcopy(containers)
                    _set(changed[location], path, replacement)
                    yield case.operation.Case(
                        method=case.method,
                        path_parameters=changed["path_parameters"],
                        query=changed["query"],
                        body=changed.get("body", case.body),
                        media_type=case.media_type,
                        headers=dict(case.headers or {}),
                    )


def _declared_fields(case: schemathesis.Case) -> dict[str, dict[str, Any]]:
    """Per location, the documented parameter names or top-level body properties and their
    schemas."""
    document = case.operation.schema.raw_schema
    operation = document["paths"][case.operation.path][case.method.lower()]
    declared: dict[str, dict[str, Any]] = {"path_parameters": {}, "query": {}, "body": {}}
    for parameter in operation.get("parameters", []):
        location = {"path": "path_parameters", "query": "query"}.get(parameter.get("in"))
        if location:
            declared[location][parameter["name"]] = parameter.get("schema", {})
    content = operation.get("requestBody", {}).get("content", {})
    declared["body"] = _properties(document, content.get(case.media_type or "", {}))
    return declared


def _kind(document: dict[str, Any], node: Any) -> str | None:
    """ "string" or "integer" if a schema accepts that (a nullable or enum one included)."""
    if not isinstance(node, dict):
        return None
    if "$ref" in node:
        return _kind(document, _resolve(document, node["$ref"]))
    types = node.get("type", [])
    for kind in ("string", "integer"):
        if kind in ([types] if isinstance(types, str) else types):
            return kind
    if node.get("enum") and all(isinstance(value, str) for value in node["enum"]):
        return "string"
    for key in ("anyOf", "oneOf", "allOf"):
        for child in node.get(key, []):
            if found := _kind(document, child):
                return found
    return None


def _leaves(value: Any, path: Path) -> Iterator[tuple[Path, str | int]]:
    """The strings and integers inside a body property, with their paths."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield path, value


def _set(container: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        container = container[part]
    container[path[-1]] = value
