"""Every operation of /api/v1/openapi.json, fuzzed by schemathesis: no 5xx, every answer as
documented (status, content type, body schema), every error in the {"detail", "code"} shape.

The operations come from the API's own document, so a module's new router is fuzzed without an
edit here, and its demo seeding step (`shezhi seed --scale small`) gives it rows to answer 200
with. SHEZHI_FUZZ_EXAMPLES sets the random requests per operation (default 5) and
SHEZHI_FUZZ_FULL=1 adds the negative boundary cases; `make test` and CI run the defaults. What is
sent, and why the run is deterministic: shezhi/api/tests/fuzzing.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from django.utils import timezone
from ninja.errors import HttpError
from ninja.openapi.schema import OpenAPISchema
from schemathesis.errors import FailureGroup

from shezhi.accounts.models import ApiToken
from shezhi.api import errors
from shezhi.core import demo, todos
from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.core.testing import COUNTY, NEIGHBOUR_COUNTY, grassroots, personas

from . import fuzzing

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker
    from pytest_django.fixtures import Settings as SettingsWrapper

officer_api = fuzzing.api_schema(signed_in=True)
anonymous_api = fuzzing.api_schema(signed_in=False)


@dataclass(frozen=True)
class FuzzData:
    token: str  # Zengcheng's county officer's

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def fuzz_data(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[FuzzData]:
    """The small demo province, the personas, and to-dos of Zengcheng's officer in every state,
    made once for the module (a few seconds) in a transaction rolled back after its last test.

    Each test runs in its own savepoint inside it, and each generated request in another."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.seed(scale=demo.Scale.SMALL)  # first: it refuses to run over existing towns
        officer = personas().county_officer
        grassroots()
        today = timezone.localdate()

        def make(title: str, code: str = COUNTY, days_ago: int = 0) -> todos.Todo:
            return todos.todo_create(
                kind="core.review_divisions",
                title=title,
                role=Role.CIVIL_AFFAIRS_OFFICER,
                division=Division.objects.get(code=code),
                working_days=3,
                starts_on=today - timedelta(days=days_ago),
            )

        make("核对下辖区划")
        make("逾期的核对", days_ago=30)
        todos.todo_complete(todo=make("已办的核对"), actor=officer)
        todos.todo_cancel(todo=make("已撤销的核对"), actor=officer)
        make("邻区的事项", code=NEIGHBOUR_COUNTY)
        ApiToken.issue(user=officer, name="备用客户端")
        data = FuzzData(token=ApiToken.issue(user=officer, name="接口模糊测试")[1])
        known = fuzzing.collect_known_path_values(officer_api, data.auth)
        fuzzing.start_run(known_path_values=known)
        yield data
        fuzzing.end_run()
        transaction.set_rollback(True)


@pytest.fixture
def fuzz(db: None, fuzz_data: FuzzData, settings: SettingsWrapper) -> FuzzData:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' WSGI Host
    return fuzz_data


def test_it_fuzzes_the_document_the_api_serves(fuzz: FuzzData, client: Client) -> None:
    served = client.get(fuzzing.OPENAPI_PATH, headers=fuzz.auth)
    assert served.status_code == 200
    assert served.json() == officer_api.raw_schema


def test_it_fuzzes_a_document_with_one_schema_per_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # ninja files every model under its class name and the last one wins: two `FindingOut`s in
    # two modules would document one module's answers with the other's fields.
    seen: dict[str, set[str]] = {}
    merge = OpenAPISchema.add_schema_definitions

    def recording(document: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            seen.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        merge(document, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    fuzzing.openapi_document()
    assert seen, "no schema was recorded: ninja no longer merges them here"
    clashes = sorted(name for name, definitions in seen.items() if len(definitions) > 1)
    assert not clashes, f"different schemas share these names; rename one of each: {clashes}"


def test_it_reaches_existing_rows_through_every_path_parameter(fuzz: FuzzData) -> None:
    # Otherwise detail and action operations would only ever be fuzzed into 404s.
    for operation in fuzzing.all_operations(officer_api):
        if "{" in operation.path:
            assert fuzzing.KNOWN_PATH_VALUES.get(operation.label), (
                f"{operation.label}: no existing identifier found; give the router a list "
                "operation one level up (GET without the last path parameter) and its module "
                "demo rows in Zengcheng (440118)"
            )


@officer_api.parametrize()
@fuzzing.FIXTURES_OUTLIVE_EXAMPLES
def test_it_keeps_every_operation_within_its_contract_for_an_officer(
    case: schemathesis.Case, fuzz: FuzzData
) -> None:
    fuzzing.call_and_validate(case, headers=fuzz.auth)


@anonymous_api.parametrize()
@fuzzing.FIXTURES_OUTLIVE_EXAMPLES
def test_it_answers_every_operation_with_401_to_an_anonymous_caller(
    case: schemathesis.Case, fuzz: FuzzData
) -> None:
    response = fuzzing.call_and_validate(case)
    if case.method.lower() != case.operation.method.lower():
        return  # the coverage phase's probe of a method the path does not have: 405 first
    assert response.status_code == 401, f"{case.operation.label} answered {response.status_code}"
    assert response.json()["code"] == "not_authenticated"


# The checks above can fail: each fault below, planted in a real operation, is caught.

TODO_DETAIL = "/api/v1/todos/{todo_id}"
TODO_COMPLETE = "/api/v1/todos/{todo_id}/complete"


def open_todo_id() -> int:
    return fuzzing.KNOWN_PATH_VALUES[f"GET {TODO_DETAIL}"]["todo_id"][0]


def test_it_fails_on_a_server_error(fuzz: FuzzData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(todos, "visible_todo", lambda user, pk: 1 / 0)
    case = officer_api[TODO_DETAIL]["GET"].Case(path_parameters={"todo_id": open_todo_id()})
    with pytest.raises(FailureGroup, match="Server error"):
        fuzzing.call_and_validate(case, headers=fuzz.auth)


def test_it_fails_on_an_undocumented_status(
    fuzz: FuzzData, monkeypatch: pytest.MonkeyPatch
) -> None:
    def teapot(user: object, pk: int) -> None:
        raise HttpError(418, "我是茶壶")

    monkeypatch.setattr(todos, "visible_todo", teapot)
    case = officer_api[TODO_DETAIL]["GET"].Case(path_parameters={"todo_id": open_todo_id()})
    with pytest.raises(FailureGroup, match="Undocumented status code"):
        fuzzing.call_and_validate(case, headers=fuzz.auth)


def test_it_fails_on_an_error_out_of_shape(fuzz: FuzzData, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors, "error_body", lambda status, detail=None, **extra: {"error": 1})
    case = officer_api[TODO_DETAIL]["GET"].Case(path_parameters={"todo_id": 0})
    with pytest.raises(FailureGroup, match="the error body lacks detail or code"):
        fuzzing.call_and_validate(case, headers=fuzz.auth)


def test_it_replays_a_success_with_hostile_values(
    fuzz: FuzzData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A view that builds SQL by hand would break on a quote; the replay finds it in a body field
    # the generated request left out.
    complete = todos.todo_complete

    def naive(*, todo: todos.Todo, actor: object, reason: str = "") -> todos.Todo:
        assert "'" not in reason, "unescaped quote"
        return complete(todo=todo, actor=actor, reason=reason)

    monkeypatch.setattr(todos, "todo_complete", naive)
    monkeypatch.setattr(fuzzing, "SWEPT", set())
    case = officer_api[TODO_COMPLETE]["POST"].Case(
        path_parameters={"todo_id": open_todo_id()}, body={}, media_type="application/json"
    )
    with pytest.raises(FailureGroup, match="Server error"):
        fuzzing.call_and_validate(case, headers=fuzz.auth)
