"""The access matrix: who may reach every page and API operation, declared once, proven per persona.

Each app declares its routes in `shezhi/<app>/tests/access.py` (discovered, never registered):

    from shezhi.core.access_testing import Persona as P, Route, only, signed_in

    ROUTES = [
        Route("core:division_list", signed_in(200), lists_rows=True, min_own_rows=300),
        Route(
            "GET /api/v1/todos/{todo_id}",
            only(200, P.province_officer, P.city_officer, P.county_officer, others=404),
            kwargs=lambda w: {"todo_id": w.zengcheng_todo.pk},
            foreign=lambda w: {"todo_id": w.huangpu_todo.pk},
        ),
    ]

    def build_world(world):   # optional: the named objects the declarations point at
        world.add("zengcheng_todo", ...)

    def build_many(world):    # optional: hundreds of tagged rows for the leak probes
        ...

A page route is named by its URL name; an API operation by "METHOD /api/v1/path/{param}" exactly
as /api/v1/openapi.json lists it. core/tests/test_access_matrix.py then
- fails on every URL pattern (Django's resolver) and every operation without a declaration, and on
  every declaration of something that no longer exists;
- requests each declaration as every persona and compares the answers (`run_matrix`);
- asks for another county's object where `foreign=` says how, expecting exactly the answer for an
  object that does not exist (`run_foreign_probes`);
- walks every `lists_rows` list, export and list operation to its last page and fails on any row
  outside the jurisdiction (`run_leak_probes`);
- sends every unsafe route without a CSRF token and with another session's token
  (`run_csrf_checks`), and tries the ways of signing in a route does not accept
  (`run_cross_mechanism_checks`).
All mismatches of a check are collected and reported at once, as a table.

Leak probes read "row tags" (`row_tag(code, n)`, e.g. "⟦440112100201·3⟧"): every row a
`build_many` hook makes carries one in a displayed field (a name, a title), so a list page, an
export or an API list shows which division each row it answered belongs to.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from enum import StrEnum
from html import unescape
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

if TYPE_CHECKING:
    from django.http import HttpResponseBase

    from shezhi.accounts.models import User


class Persona(StrEnum):
    """Everyone the matrix asks, as named in shezhi/core/testing.py, plus nobody signed in."""

    anonymous = "anonymous"
    province_officer = "province_officer"
    city_officer = "city_officer"
    county_officer = "county_officer"  # Zengcheng 440118
    neighbour_officer = "neighbour_officer"  # Huangpu 440112, who must see nothing of Zengcheng
    party_officer = "party_officer"
    town_officer = "town_officer"
    village_committee = "village_committee"
    supervision_member = "supervision_member"
    window_clerk = "window_clerk"
    organization_account = "organization_account"
    other_organization_account = "other_organization_account"
    branch_secretary = "branch_secretary"
    superuser = "superuser"


SIGNED_IN = tuple(p for p in Persona if p is not Persona.anonymous)

# The ways a request says who is calling.
SESSION, TOKEN = "session", "token"
PAGE_AUTH = frozenset({SESSION})
API_AUTH = frozenset({SESSION, TOKEN})

# Who the probes ask: the county officer and a town officer inside it (for whom the rest of the
# county is outside too), and for single records also the neighbouring county's officer, for
# whom Zengcheng is "another county".
FOREIGN_PROBES = (Persona.county_officer, Persona.town_officer, Persona.neighbour_officer)
LEAK_PROBES = (Persona.county_officer, Persona.town_officer)
# Tokens tried on pages that must not accept them (and sessions on operations that must not).
CROSS_MECHANISM_PROBES = (Persona.county_officer, Persona.superuser)
# Who performs an unsafe request in the CSRF checks: the first of these the route lets through.
CSRF_ACTORS = (
    Persona.county_officer,
    Persona.town_officer,
    Persona.city_officer,
    Persona.province_officer,
    Persona.superuser,
    *SIGNED_IN,
    Persona.anonymous,
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
OPENAPI_URL = "/api/v1/openapi.json"
OPERATION_KEY = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*)$")


# --- expectations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """One persona's expected answer: a status, and for a redirect where it must lead.

    `login`: a redirect to the sign-in page (for an API operation: 401). `to`: a URL name or path
    the Location must have (query ignored). A redirect with neither must NOT go to the sign-in
    page: a signed-in user sent there was taken for nobody.
    """

    status: int
    to: str | None = None
    login: bool = False

    def __str__(self) -> str:
        if self.login:
            return f"{self.status} → sign-in"
        return f"{self.status} → {self.to}" if self.to else str(self.status)

    def is_success(self) -> bool:
        return self.status < 400 and not self.login


LOGIN = Expect(302, login=True)

Status = int | Expect


def _expect(value: Status) -> Expect:
    return value if isinstance(value, Expect) else Expect(int(value))


def redirect(to: str) -> Expect:
    """A 302 to the page named `to` (URL name or path)."""
    return Expect(302, to=to)


class Outcomes(dict[Persona, Expect]):
    """The expected answer for every persona. Build it with the shorthands below."""

    def but(self, **changes: Status) -> Outcomes:
        """The same outcomes with some personas changed: `.but(town_officer=403)`."""
        result = Outcomes(self)
        for name, value in changes.items():
            try:
                persona = Persona(name)
            except ValueError:
                raise ValueError(f"no persona named {name!r}") from None
            result[persona] = _expect(value)
        return result


def everyone(status: Status) -> Outcomes:
    """The same answer for every persona, nobody included (public pages, fallbacks)."""
    return Outcomes(dict.fromkeys(Persona, _expect(status)))


def signed_in(status: Status, *, anonymous: Status = LOGIN) -> Outcomes:
    """Any signed-in persona gets `status`; nobody is sent to sign in (API: 401)."""
    return everyone(status).but(anonymous=anonymous)


def only(
    status: Status, *personas: Persona, others: Status = 403, anonymous: Status = LOGIN
) -> Outcomes:
    """`personas` get `status`, every other signed-in persona `others`."""
    if Persona.anonymous in personas:
        raise ValueError("use anonymous=... for the anonymous persona")
    outcomes = signed_in(others, anonymous=anonymous)
    for persona in personas:
        outcomes[persona] = _expect(status)
    return outcomes


# --- the world the requests are made in -------------------------------------------------------


def row_tag(code: str, n: int = 0) -> str:
    """The tag a probe row carries in a displayed field: its division's code and a number."""
    return f"⟦{code}·{n}⟧"


TAG = re.compile(r"⟦(\d{6,12})·(\d+)⟧")
DIVISION_CODE = re.compile(r"^\d{6}(?:\d{3}){0,2}$")


class AccessWorld:
    """The personas, an API token for each, and the named objects the declarations point at.

    Apps add objects in their `build_world(world)` hook with `world.add(name, obj)`; declarations
    read them back as attributes (`lambda w: {"pk": w.zengcheng_todo.pk}`).
    """

    def __init__(self, *, rows_per_side: int = 300) -> None:
        self.people: dict[Persona, User] = {}
        self.tokens: dict[Persona, str] = {}
        # How many tagged rows a build_many hook makes on each side of the county border.
        self.rows_per_side = rows_per_side
        self._objects: dict[str, Any] = {}
        self._clients: dict[tuple[Persona, str], Client] = {}

    def add(self, name: str, obj: Any) -> Any:
        if name in self._objects:
            raise ValueError(f"the access world already has an object named {name!r}")
        self._objects[name] = obj
        return obj

    def __getattr__(self, name: str) -> Any:
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        known = ", ".join(sorted(objects)) or "none"
        raise AttributeError(f"the access world has no object {name!r} (it has: {known})")

    def user(self, persona: Persona) -> User:
        return self.people[persona]

    def client(self, persona: Persona, via: str) -> Client:
        """A client for `persona`: signed in by session cookie, or carrying its API token."""
        key = (persona, via if persona is not Persona.anonymous else "")
        if key not in self._clients:
            client = Client(raise_request_exception=False)
            if persona is not Persona.anonymous:
                if via == SESSION:
                    client.force_login(self.user(persona))
                else:
                    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[persona]}"
            self._clients[key] = client
        return self._clients[key]


def access_modules() -> list[ModuleType]:
    """`shezhi.<app>.tests.access` of every installed shezhi app that has one."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("shezhi."):
            continue
        if importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        name = f"{config.name}.tests.access"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def build_world(
    modules: Iterable[ModuleType] | None = None, *, many: bool = False, rows_per_side: int = 300
) -> AccessWorld:
    """The personas with their tokens, then every app's `build_world` (and `build_many`) hook."""
    from shezhi.accounts.models import ApiToken
    from shezhi.core.testing import Personas, personas

    modules = list(access_modules() if modules is None else modules)
    people = personas()
    declared = set(Personas.__dataclass_fields__)
    if declared != {p.value for p in SIGNED_IN}:
        raise AssertionError(
            "core.testing.Personas and access_testing.Persona disagree: "
            f"{sorted(declared ^ {p.value for p in SIGNED_IN})}"
        )
    world = AccessWorld(rows_per_side=rows_per_side)
    for persona in SIGNED_IN:
        user = getattr(people, persona.value)
        world.people[persona] = user
        name = "访问矩阵 " + (row_tag(user.division_id) if user.division_id else persona.value)
        world.tokens[persona] = ApiToken.issue(user=user, name=name)[1]
    for module in modules:
        hook = getattr(module, "build_world", None)
        if hook is not None:
            hook(world)
    if many:
        for module in modules:
            hook = getattr(module, "build_many", None)
            if hook is not None:
                hook(world)
    return world


# --- routes -----------------------------------------------------------------------------------

Kwargs = Callable[[AccessWorld], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """Who may reach one page route or API operation, and how to reach it with real objects.

    name:     the URL name ("core:todo_complete"), or "METHOD /api/v1/path/{param}" for an
              operation of the OpenAPI document.
    expect:   the answer per persona (signed_in(200), only(200, ..., others=403), ...).
    method:   for page routes (operations carry theirs in the name).
    kwargs:   the URL arguments, from the world: `lambda w: {"pk": w.zengcheng_todo.pk}`.
    query:    query-string parameters (e.g. {"format": "xlsx"} for an export).
    body:     form fields (pages) or a JSON body (operations), or a function of the world.
    foreign:  the URL arguments of the same kind of object in the neighbouring county: the
              probes must get 404 there, exactly as for an object that does not exist.
    missing:  the arguments of an object that does not exist (derived from `foreign` if not given).
    lists_rows / min_own_rows: a list, export or list operation whose rows are leak-probed; each
              probe persona must see at least `min_own_rows` tagged rows of its own.
    auth:     the ways of signing in it accepts: pages {"session"}, operations
              {"session", "token"}; any other way must be answered as for nobody.
    path:     a literal path, for a pattern that cannot be reversed (a catch-all).
    why:      for the reader: why the answer is what it is, where that is not obvious.
    """

    name: str
    expect: Outcomes
    method: str = "GET"
    kwargs: Kwargs | None = None
    query: Mapping[str, str] | None = None
    body: Mapping[str, Any] | Callable[[AccessWorld], Mapping[str, Any]] | None = None
    foreign: Kwargs | None = None
    missing: Kwargs | None = None
    lists_rows: bool = False
    min_own_rows: int = 1
    auth: frozenset[str] | None = None
    path: str | None = None
    why: str = ""
    app: str = ""  # filled in by discovery: which access.py declared it

    def __post_init__(self) -> None:
        match = OPERATION_KEY.match(self.name)
        if match:
            object.__setattr__(self, "method", match.group(1))
        elif " " in self.name or "/" in self.name:
            raise ValueError(f"{self.name!r}: name a URL name, or 'METHOD /api/v1/path'")
        object.__setattr__(self, "method", self.method.upper())
        missing = set(Persona) - set(self.expect)
        if missing:
            raise ValueError(f"{self.name}: no expectation for {sorted(missing)}")
        if self.foreign is not None and self.kwargs is None:
            raise ValueError(f"{self.name}: foreign= needs kwargs= for the own object")

    @property
    def is_operation(self) -> bool:
        return bool(OPERATION_KEY.match(self.name))

    @property
    def accepts(self) -> frozenset[str]:
        if self.auth is not None:
            return self.auth
        return API_AUTH if self.is_operation else PAGE_AUTH

    @property
    def primary_via(self) -> str:
        """The way the matrix signs in for this route: tokens for API operations (clients),
        the session for pages; the other accepted way is checked by the cross-mechanism test."""
        if self.is_operation and TOKEN in self.accepts:
            return TOKEN
        return SESSION if SESSION in self.accepts else TOKEN

    @property
    def label(self) -> str:
        text = self.name if self.is_operation else f"{self.method} {self.name}"
        if self.query:
            text += "?" + urlencode(self.query)
        return text

    def expected(self, persona: Persona) -> Expect:
        expect = self.expect[persona]
        if expect.login and self.is_operation:
            return Expect(401)  # an API answers "who are you?" instead of a sign-in page
        return expect

    def url(self, world: AccessWorld, kwargs: Mapping[str, Any] | None = None, **query: Any) -> str:
        if kwargs is None:
            kwargs = self.kwargs(world) if self.kwargs else {}
        if self.path is not None:
            path = self.path
        elif self.is_operation:
            path = OPERATION_KEY.match(self.name).group(2).format(**kwargs)  # type: ignore[union-attr]
        else:
            path = reverse(self.name, kwargs=dict(kwargs) or None)
        params = {**(self.query or {}), **query}
        return path + ("?" + urlencode(params) if params else "")

    def payload(self, world: AccessWorld) -> Mapping[str, Any] | None:
        return self.body(world) if callable(self.body) else self.body


def declared_routes(modules: Iterable[ModuleType] | None = None) -> list[Route]:
    routes = []
    for module in access_modules() if modules is None else modules:
        app = module.__name__.removesuffix(".tests.access")
        for route in getattr(module, "ROUTES", ()):
            routes.append(replace(route, app=app))
    return routes


# --- what exists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "" when the pattern has no name
    route: str  # the joined pattern text, e.g. "accounts/users/<int:pk>/"

    @property
    def openapi_path(self) -> str:
        """The pattern as the OpenAPI document writes a path: "/api/v1/todos/{todo_id}"."""
        return "/" + re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", self.route)


@dataclass(frozen=True)
class Exclusion:
    description: str
    reason: str
    matches: Callable[[Pattern], bool]


# Patterns the matrix does not walk, each with why. An exclusion that matches nothing fails the
# coverage test, so this list cannot rot. (Static files are served by WhiteNoise's middleware,
# not by URL patterns, so none appear in the resolver.)
EXCLUDED: tuple[Exclusion, ...] = (
    Exclusion(
        "Django admin (admin:*), except admin:index",
        "AdminSite wraps every admin view in admin_view(), which sends anyone who is not active "
        "staff to admin:login; admin:index, declared in core's access.py, proves that gate for "
        "every persona. Only the superuser persona is staff.",
        lambda p: p.route.startswith("admin/") and p.name != "admin:index",
    ),
    Exclusion(
        "set_language (i18n/setlang/)",
        "Django's language switch: it sets the language cookie and redirects, reads and writes "
        "no record, and is open to everyone by design (OPEN_PREFIXES in core/middleware.py).",
        lambda p: p.name == "set_language",
    ),
)


def url_patterns(urlconf: str | None = None) -> list[Pattern]:
    """Every URL pattern of the site, namespaces joined, from Django's resolver."""

    def walk(patterns: Iterable[Any], prefix: str, namespace: str) -> Iterator[Pattern]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else ""
                yield Pattern(name or pattern.name or "", prefix + str(pattern.pattern))

    return list(walk(get_resolver(urlconf).url_patterns, "", ""))


def api_operations(world: AccessWorld) -> set[str]:
    """Every operation of the OpenAPI document, as "METHOD /path"."""
    response = world.client(Persona.superuser, SESSION).get(OPENAPI_URL)
    if response.status_code != 200:
        raise AssertionError(f"{OPENAPI_URL} answered {response.status_code}")
    document = response.json()
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    }


def coverage_problems(
    routes: Iterable[Route],
    patterns: Iterable[Pattern],
    operations: Iterable[str],
    exclusions: Iterable[Exclusion] = EXCLUDED,
) -> list[str]:
    """Routes and operations nobody declared, and declarations of things that no longer exist."""
    routes, patterns, exclusions = list(routes), list(patterns), list(exclusions)
    operations = set(operations)
    operation_paths = {key.split(" ", 1)[1] for key in operations}
    declared = {route.name for route in routes}
    problems = []
    used: set[str] = set()
    names = set()
    for pattern in patterns:
        excluded = [e for e in exclusions if e.matches(pattern)]
        if excluded:
            used.update(e.description for e in excluded)
            continue
        if pattern.openapi_path in operation_paths:
            continue  # an API operation's pattern: declared by its operation below
        if not pattern.name:
            problems.append(
                f"URL pattern {pattern.route!r} has no name: name it so access.py can declare it"
            )
            continue
        names.add(pattern.name)
        if pattern.name not in declared:
            problems.append(
                f"route {pattern.name} ({pattern.route}) has no access declaration: add a Route "
                "to shezhi/<app>/tests/access.py"
            )
    for key in sorted(operations - declared):
        problems.append(
            f"API operation {key} has no access declaration: add a Route to "
            "shezhi/<app>/tests/access.py"
        )
    for route in routes:
        if route.name not in names and route.name not in operations:
            source = f" ({route.app})" if route.app else ""
            problems.append(
                f"declaration {route.label}{source} names a route that no longer exists"
            )
    for exclusion in exclusions:
        if exclusion.description not in used:
            problems.append(f"exclusion {exclusion.description!r} matches no URL pattern")
    return problems


# --- making requests --------------------------------------------------------------------------


@dataclass
class Answer:
    """A response, read inside the rolled-back transaction it was made in."""

    status: int
    location: str
    content_type: str
    content: bytes

    @classmethod
    def of(cls, response: HttpResponseBase) -> Answer:
        if getattr(response, "streaming", False):
            content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        else:
            content = response.content  # type: ignore[attr-defined]
        return cls(
            status=response.status_code,
            location=response.get("Location", ""),
            content_type=response.get("Content-Type", "").split(";")[0],
            content=content,
        )

    def json(self) -> Any:
        return json.loads(self.content)

    def __str__(self) -> str:
        text = str(self.status)
        if self.location:
            text += f" → {urlsplit(self.location).path}"
        if self.content_type == "application/json" and self.status >= 400:
            with suppress(ValueError, AttributeError):
                text += f" ({self.json().get('code')})"
        return text


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever a request writes is undone, so every persona meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def send(
    client: Client,
    method: str,
    url: str,
    *,
    body: Mapping[str, Any] | None = None,
    json_body: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """One request whose writes, cookie changes (a logout) and throttle counts are all undone."""
    cookies = copy.deepcopy(client.cookies)
    extra = dict(headers or {})
    try:
        with rolled_back():
            if method == "GET":
                response = client.get(url, headers=extra)
            elif json_body:
                data = json.dumps(body) if body is not None else ""
                response = client.generic(
                    method, url, data, content_type="application/json", headers=extra
                )
            elif method == "POST":
                response = client.post(url, dict(body or {}), headers=extra)
            else:
                response = client.generic(
                    method,
                    url,
                    urlencode(body or {}),
                    content_type="application/x-www-form-urlencoded",
                    headers=extra,
                )
            return Answer.of(response)
    finally:
        client.cookies = cookies
        cache.clear()


def ask(
    world: AccessWorld,
    route: Route,
    persona: Persona,
    via: str = SESSION,
    *,
    kwargs: Mapping[str, Any] | None = None,
    **query: Any,
) -> Answer:
    client = world.client(persona, via)
    return send(
        client,
        route.method,
        route.url(world, kwargs, **query),
        body=route.payload(world),
        json_body=route.is_operation,
    )


def judge(route: Route, expect: Expect, answer: Answer) -> str | None:
    """None when `answer` is what `expect` says, else why not."""
    if answer.status != expect.status:
        return f"status {answer.status}"
    if answer.status not in REDIRECTS:
        return None
    target = urlsplit(answer.location).path
    login = resolve_url(settings.LOGIN_URL)
    if expect.login:
        return None if target == login else f"redirects to {target}, not to sign-in"
    if expect.to:
        wanted = resolve_url(expect.to)
        return None if target == wanted else f"redirects to {target}, not {wanted}"
    if target == login:
        return "sends a signed-in user to sign in"
    return None


# --- the checks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    check: str
    route: str
    persona: str
    via: str
    expected: str
    got: str


def _mismatch(
    check: str, route: Route, persona: Persona | str, via: str, expected: Any, got: Any
) -> Mismatch:
    return Mismatch(check, route.label, str(persona), via, str(expected), str(got))


def run_matrix(world: AccessWorld, routes: Iterable[Route]) -> list[Mismatch]:
    """Every route as every persona, signed in the route's primary way (see Route.primary_via)."""
    problems = []
    for route in routes:
        for persona in Persona:
            expect = route.expected(persona)
            via = "" if persona is Persona.anonymous else route.primary_via
            answer = ask(world, route, persona, via)
            if judge(route, expect, answer):
                problems.append(_mismatch("matrix", route, persona, via, expect, answer))
    return problems


def _missing_value(value: Any) -> Any:
    if isinstance(value, int):
        return 2_000_000_000
    text = str(value)
    return "9" * len(text) if text.isdigit() else text + "-missing"


def missing_kwargs(route: Route, world: AccessWorld) -> dict[str, Any]:
    """The arguments of an object that does not exist: the foreign ones with what differs from
    the own object's replaced by a value no row has."""
    if route.missing is not None:
        return route.missing(world)
    own = route.kwargs(world) if route.kwargs else {}
    foreign = route.foreign(world) if route.foreign else {}
    return {
        key: _missing_value(value) if own.get(key) != value else value
        for key, value in foreign.items()
    }


_TOKENS = re.compile(rb"[A-Za-z0-9]{32,64}")


def _normalized(answer: Answer, values: Iterable[Any]) -> bytes:
    """The body with what must differ between two requests taken out: CSRF tokens and the
    identifiers that were asked for."""
    body = _TOKENS.sub(b"<token>", answer.content)
    for value in sorted({str(v) for v in values}, key=len, reverse=True):
        body = body.replace(value.encode(), b"<id>")
    return body


def run_foreign_probes(world: AccessWorld, routes: Iterable[Route]) -> list[Mismatch]:
    """Another county's object answers exactly like one that does not exist: 404 for anyone who
    may open that kind of object, and never a 403 that would tell it exists."""
    problems = []
    for route in routes:
        if route.foreign is None:
            continue
        missing = missing_kwargs(route, world)
        for persona in FOREIGN_PROBES:
            # Zengcheng's object is the foreign one for the neighbouring county's officer.
            if persona is Persona.neighbour_officer:
                target = route.kwargs(world)  # type: ignore[misc]
            else:
                target = route.foreign(world)
            via = route.primary_via
            foreign_answer = ask(world, route, persona, via, kwargs=target)
            missing_answer = ask(world, route, persona, via, kwargs=missing)
            own = route.expected(persona)
            where = f"{via} {target}"
            if own.is_success() and foreign_answer.status != 404:
                problems.append(_mismatch("foreign", route, persona, where, 404, foreign_answer))
                continue
            values = [*target.values(), *missing.values()]
            if foreign_answer.status != missing_answer.status or _normalized(
                foreign_answer, values
            ) != _normalized(missing_answer, values):
                problems.append(
                    _mismatch(
                        "foreign",
                        route,
                        persona,
                        where,
                        f"same answer as a missing object ({missing_answer})",
                        f"{foreign_answer}, body differs"
                        if foreign_answer.status == missing_answer.status
                        else foreign_answer,
                    )
                )
    return problems


# --- leak probes ------------------------------------------------------------------------------

_NEXT_LINK = re.compile(r'<a\b[^>]*\brel="next"[^>]*>')
_HREF = re.compile(r'\bhref="([^"]*)"')
_HX_TARGET = re.compile(r'\bhx-target="#([^"]+)"')
MAX_PAGES = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _xlsx_strings(content: bytes) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                if cell is not None:
                    yield str(cell)


@dataclass
class Harvest:
    """What a list answered, over all its pages: free text, and values that are data fields
    (JSON strings, spreadsheet cells), where a bare division code means a row's division."""

    text: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    pages: int = 0
    error: str = ""


def harvest(world: AccessWorld, route: Route, persona: Persona) -> Harvest:
    """Every row a persona gets from a list: all pages of a page or an API list, a whole export.

    A page's "next" link is followed the way the browser would (with htmx's headers when the
    link swaps a fragment), so the fragment the list answers to htmx is probed as well."""
    client = world.client(persona, route.primary_via)
    result = Harvest()
    url = route.url(world)
    offset = 0
    headers: dict[str, str] = {}
    while result.pages < MAX_PAGES:
        answer = send(client, route.method, url, body=route.payload(world), headers=headers)
        result.pages += 1
        if answer.status != 200:
            result.error = f"page {result.pages} answered {answer}"
            return result
        if answer.content_type == XLSX:
            result.fields.extend(_xlsx_strings(answer.content))
            return result
        if answer.content_type == "application/json":
            data = answer.json()
            result.fields.extend(_json_strings(data))
            if not (isinstance(data, dict) and "items" in data and "count" in data):
                return result
            offset += len(data["items"])
            if not data["items"] or offset >= data["count"]:
                return result
            url = route.url(world, None, offset=offset)
            continue
        html = answer.content.decode()
        result.text.append(html)
        link = _NEXT_LINK.search(html)
        href = _HREF.search(link.group(0)) if link else None
        if href is None:
            return result
        target = unescape(href.group(1))
        url = urlsplit(url).path + target if target.startswith("?") else target
        # Follow the link as htmx does: asking for the fragment it swaps in, when it names one.
        hx_target = _HX_TARGET.search(link.group(0))  # type: ignore[union-attr]
        headers = {"HX-Request": "true", "HX-Target": hx_target.group(1)} if hx_target else {}
    result.error = f"more than {MAX_PAGES} pages"
    return result


def run_leak_probes(world: AccessWorld, routes: Iterable[Route]) -> list[Mismatch]:
    """Every list, export and list operation, walked to its last page by the probe personas:
    no tagged row outside the persona's jurisdiction (an ancestor's row is outside too), no data
    field naming a division outside it (an ancestor may be named, e.g. as a parent), and at
    least `min_own_rows` of the persona's own tagged rows, so the probe can fail."""
    from shezhi.core.models import Division
    from shezhi.core.scoping import jurisdiction_path

    problems = []
    for route in routes:
        if not route.lists_rows:
            continue
        for persona in LEAK_PROBES:
            if route.expected(persona).status != 200:
                continue
            via = route.primary_via
            root = jurisdiction_path(world.user(persona))
            found = harvest(world, route, persona)
            if found.error:
                problems.append(
                    _mismatch("leak", route, persona, via, "every page 200", found.error)
                )
                continue
            tags = {
                m.group(0): m.group(1) for s in found.text + found.fields for m in TAG.finditer(s)
            }
            codes = {s for s in found.fields if DIVISION_CODE.match(s)}
            paths = dict(
                Division.objects.filter(code__in={*tags.values(), *codes}).values_list(
                    "code", "path"
                )
            )
            if root is None:
                leaked = sorted(tags)
                own: set[str] = set()
            else:
                leaked = sorted(
                    tag for tag, code in tags.items() if not paths.get(code, "").startswith(root)
                )
                leaked += sorted(
                    code
                    for code in codes
                    if code in paths
                    and not paths[code].startswith(root)
                    and not root.startswith(paths[code])
                )
                own = {tag for tag, code in tags.items() if paths.get(code, "").startswith(root)}
            where = f"{via}, {found.pages} page(s)"
            if leaked:
                sample = ", ".join(leaked[:4]) + (" …" if len(leaked) > 4 else "")
                problems.append(
                    _mismatch(
                        "leak",
                        route,
                        persona,
                        where,
                        "only rows inside its jurisdiction",
                        f"{len(leaked)} outside: {sample}",
                    )
                )
            if len(own) < route.min_own_rows:
                problems.append(
                    _mismatch(
                        "leak",
                        route,
                        persona,
                        where,
                        f"≥ {route.min_own_rows} own rows",
                        f"{len(own)} own rows",
                    )
                )
    return problems


# --- CSRF and the ways of signing in ----------------------------------------------------------


_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)


@contextmanager
def recording_writes() -> Iterator[list[str]]:
    """The tables written to meanwhile, from every statement sent to the database: a refused
    request must change nothing, whether through the ORM or raw SQL."""
    tables: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql)
        if match:
            tables.append(match.group(1))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield tables


def csrf_cookie(client: Client, persona: Persona) -> str:
    """Open a page as the client's user so it holds a CSRF cookie, and return the token."""
    page = "accounts:login" if persona is Persona.anonymous else settings.LOGIN_REDIRECT_URL
    client.get(resolve_url(page))
    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME)
    if cookie is None:
        raise AssertionError(f"{resolve_url(page)} set no CSRF cookie")
    return cookie.value


def _strict_client(world: AccessWorld, persona: Persona) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if persona is not Persona.anonymous:
        client.force_login(world.user(persona))
    return client


def run_csrf_checks(world: AccessWorld, routes: Iterable[Route]) -> list[Mismatch]:
    """Every unsafe route, from a signed-in browser (session) that enforces CSRF like a real one:
    without a token, and with a token from another session, it answers 403 and changes nothing;
    with its own token it answers as declared (so the first two can fail)."""
    problems = []
    for route in routes:
        if route.method not in UNSAFE_METHODS or SESSION not in route.accepts:
            continue
        for actor in _csrf_actors(route):
            problems += _csrf_check(world, route, actor)
    return problems


def _csrf_actors(route: Route) -> list[Persona]:
    """Who to try an unsafe route as: the first signed-in persona it lets through (else the
    county officer), and nobody too when it lets nobody through (signing in itself)."""
    signed = [p for p in CSRF_ACTORS if route.expected(p).is_success()]
    actors = [signed[0] if signed else Persona.county_officer]
    if route.expected(Persona.anonymous).is_success():
        actors.append(Persona.anonymous)
    return actors


def _csrf_check(world: AccessWorld, route: Route, actor: Persona) -> list[Mismatch]:
    problems = []
    victim = _strict_client(world, actor)
    own_token = csrf_cookie(victim, actor)
    # The attacker's token: a valid one, from another browser's session.
    attacker = (
        Persona.anonymous
        if actor is Persona.anonymous
        else Persona.neighbour_officer
        if actor is not Persona.neighbour_officer
        else Persona.county_officer
    )
    foreign_token = csrf_cookie(_strict_client(world, attacker), attacker)
    if foreign_token == own_token:
        raise AssertionError("two sessions got the same CSRF token")
    url = route.url(world)
    body = dict(route.payload(world) or {})
    attempts: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        ("no token", body, {}),
        (
            "another session's token",
            body if route.is_operation else {**body, "csrfmiddlewaretoken": foreign_token},
            {"X-CSRFToken": foreign_token},
        ),
    ]
    for what, data, headers in attempts:
        with recording_writes() as written:
            answer = send(
                victim, route.method, url, body=data, json_body=route.is_operation, headers=headers
            )
        if answer.status != 403:
            problems.append(_mismatch("csrf", route, actor, what, 403, answer))
        if written:
            tables = ", ".join(sorted(set(written)))
            problems.append(_mismatch("csrf", route, actor, what, "no write", f"wrote {tables}"))
    # The same request with the session's own token goes through, so the refusals above are
    # the CSRF check's doing and not some other gate's.
    answer = send(
        victim,
        route.method,
        url,
        body=body,
        json_body=route.is_operation,
        headers={"X-CSRFToken": own_token},
    )
    expect = route.expected(actor)
    if judge(route, expect, answer):
        problems.append(_mismatch("csrf", route, actor, "own token", expect, answer))
    return problems


def run_cross_mechanism_checks(world: AccessWorld, routes: Iterable[Route]) -> list[Mismatch]:
    """The ways of signing in besides the matrix's primary one, as declared: an accepted way
    answers as the primary one does; any other is answered as for nobody (an API token on a
    page signs nobody in, nor would a session on a token-only operation)."""
    problems = []
    for route in routes:
        for via in (SESSION, TOKEN):
            if via == route.primary_via:
                continue
            accepted = via in route.accepts
            for persona in CROSS_MECHANISM_PROBES:
                expect = route.expected(persona if accepted else Persona.anonymous)
                answer = ask(world, route, persona, via)
                if judge(route, expect, answer):
                    wanted = expect if accepted else f"as anonymous: {expect}"
                    problems.append(_mismatch("mechanism", route, persona, via, wanted, answer))
    return problems


# --- reporting --------------------------------------------------------------------------------


def mismatch_table(problems: Iterable[Mismatch]) -> str:
    rows = [("check", "route", "persona", "via", "expected", "got")]
    rows += [(p.check, p.route, p.persona, p.via, p.expected, p.got) for p in problems]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def assert_no_mismatches(problems: list[Mismatch], title: str) -> None:
    if problems:
        import pytest

        pytest.fail(
            f"{title}: {len(problems)} mismatch(es)\n\n{mismatch_table(problems)}", pytrace=False
        )
