"""The kinds of benchmark case. An app declares its cases as data in its own `bench.py`:

    bench.register(bench.PageCase(key="core.divisions.page", url="/divisions/", floor=..., ...))

Each case measures a figure and, in the same run, its floor: the least work that produces the
same answer (raw SQL of the same page of rows, the raw aggregate, a raw `executemany` of the same
rows). The ratio figure/floor says how much the platform's machinery adds; a list page far above
its floor has a query to fix, a dashboard figure far above its aggregate a selector to fix.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max, Model, Q
from django.http import HttpResponse

from .context import BenchContext
from .sql import (
    PageData,
    RawPage,
    RawQuery,
    Rows,
    create_scratch_copy,
    insert_many,
    run_page,
    run_raw,
    select_rows,
)
from .timing import Timing, count_queries, measure

if TYPE_CHECKING:
    from shezhi.accounts.models import User
    from shezhi.core.models import Division


class BenchProblem(Exception):
    """A case could not measure what it claims: an error page, or a floor not the same rows."""


@dataclass(frozen=True)
class Result:
    """One line of the table and of results.json. Times in milliseconds; seeding in rows/s."""

    case: str
    group: str
    label: str
    subject: str  # who asked (username) or for which division; "" when neither applies
    unit: str  # "ms" or "rows/s"
    median: float
    p95: float
    floor_median: float
    floor_p95: float
    ratio: float  # figure time / floor time: 1.0 is the floor itself
    samples: int
    rows: int | None = None  # rows on the page, rows written, children counted
    queries: int | None = None
    sql_median: float | None = None  # of `median`, the time inside the database driver
    peer_of: str = ""

    @property
    def key(self) -> str:
        return f"{self.case}[{self.subject}]" if self.subject else self.case


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 4)


@dataclass(frozen=True, kw_only=True)
class Case:
    key: str
    label: Any  # a lazy translation

    @property
    def group(self) -> str:
        """seeding, list, peer or dashboard: the table's section."""
        raise NotImplementedError

    def run(self, ctx: BenchContext) -> list[Result]:
        raise NotImplementedError


# --- list pages and list APIs --------------------------------------------------------------------


@contextmanager
def capturing_templates() -> Iterator[None]:
    """Let the test Client record the template context (response.context), as it does under
    the test runner, for the one untimed request whose rows are checked against the floor."""
    from django.template import Template
    from django.test import utils as test_utils

    original = Template._render  # type: ignore[attr-defined]
    Template._render = test_utils.instrumented_test_render  # type: ignore[attr-defined]
    try:
        yield
    finally:
        Template._render = original  # type: ignore[attr-defined]


def list_page_data(response: HttpResponse) -> PageData | None:
    """The rows and count of a ListPage (shezhi.core.views.listing) response."""
    context = getattr(response, "context", None)
    if context is None:
        return None
    return PageData([row.pk for row in context["rows"]], context["page_obj"].paginator.count)


def admin_page_data(response: HttpResponse) -> PageData | None:
    """The rows and count of a Django admin changelist response."""
    context = getattr(response, "context", None)
    if context is None:
        return None
    changelist = context["cl"]
    return PageData([row.pk for row in changelist.result_list], changelist.result_count)


def api_page_data(key: str) -> Callable[[HttpResponse], PageData]:
    """The rows (by `key`) and count of a paginated API answer {"count", "items"}."""

    def read(response: HttpResponse) -> PageData:
        body = response.json()  # type: ignore[attr-defined]
        return PageData([item[key] for item in body["items"]], body["count"])

    return read


@dataclass(frozen=True, kw_only=True)
class PageCase(Case):
    """A list page or list API, fetched through the test Client as each persona, against the
    raw SQL of the same page of rows (same WHERE, ORDER BY and LIMIT) plus its count."""

    url: str
    floor: Callable[[BenchContext, User], RawPage]
    page_data: Callable[[HttpResponse], PageData | None] = list_page_data
    personas: tuple[str, ...] = ("province", "county")
    # The key of the case showing the same rows that this one is the peer of (Django's admin).
    peer_of: str = ""

    @property
    def group(self) -> str:
        return "peer" if self.peer_of else "list"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def run(self, ctx: BenchContext) -> list[Result]:
        return [self._run_as(ctx, persona) for persona in self.personas]

    def _run_as(self, ctx: BenchContext, persona: str) -> Result:
        user = ctx.user(persona)
        client = ctx.client(persona)
        # The Django cache is left alone: clearing it would also drop the working-day calendar's
        # version token and make every process reload the calendar. The API's throttle
        # (SHEZHI_API_RATE, 1000/min) therefore limits --repeat to a few hundred.
        connection = ctx.connection

        def fetch() -> HttpResponse:
            response = client.get(self.url)
            if response.status_code != 200:
                raise BenchProblem(
                    f"{self.key}: GET {self.url} as {user.username} answered "
                    f"{response.status_code}, not 200"
                )
            return response  # type: ignore[return-value]

        fetch()  # caches that fill once per process (the working-day calendar) are not counted
        with capturing_templates():
            queries, response = count_queries(fetch, connection)
        page = self.floor(ctx, user)
        floor_data = run_page(connection, page)
        shown = self.page_data(response)
        if shown is not None:
            self._check_same_rows(user, shown, floor_data)

        timing, sql = measure(fetch, repeat=ctx.repeat, warmup=ctx.warmup, connection=connection)
        floor, _ = measure(lambda: run_page(connection, page), repeat=ctx.repeat, warmup=ctx.warmup)
        return Result(
            case=self.key,
            group=self.group,
            label=str(self.label),
            subject=user.username,
            unit="ms",
            median=_ms(timing.median),
            p95=_ms(timing.p95),
            floor_median=_ms(floor.median),
            floor_p95=_ms(floor.p95),
            ratio=timing.median / floor.median,
            samples=len(timing.samples),
            rows=len(floor_data.keys),
            queries=queries,
            sql_median=_ms(sql.median) if sql else None,
            peer_of=self.peer_of,
        )

    def _check_same_rows(self, user: User, shown: PageData, floor: PageData) -> None:
        if [str(k) for k in shown.keys] != [str(k) for k in floor.keys]:
            raise BenchProblem(
                f"{self.key} as {user.username}: the floor's SQL selects other rows than the "
                f"page ({floor.keys[:5]}… against {shown.keys[:5]}…): fix the floor"
            )
        if floor.count is not None and shown.count is not None and shown.count != floor.count:
            raise BenchProblem(
                f"{self.key} as {user.username}: the floor counts {floor.count} rows, "
                f"the page {shown.count}: fix the floor"
            )


# --- dashboard figures ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FigureCase(Case):
    """A dashboard figure computed by its selector for a division, against the raw SQL
    aggregate that computes it. `prepare` does the untimed groundwork (the children of the
    division, say) and returns the call to time; `floor_value` turns the aggregate's rows into
    the figure's shape, to check both give the same answer."""

    prepare: Callable[[Division], Callable[[], Any]]
    floor: Callable[[Division], RawQuery]
    floor_value: Callable[[Division, list[tuple[Any, ...]]], Any]
    divisions: tuple[str, ...] = ("440000", "440100")
    # The registry.DIVISION_STATS key this figure is, so every registered statistic has a case.
    stat: str = ""

    @property
    def group(self) -> str:
        return "dashboard"

    def run(self, ctx: BenchContext) -> list[Result]:
        from shezhi.core.models import Division

        results = []
        connection = ctx.connection
        for code in self.divisions:
            division = Division.objects.get(code=code)
            compute = self.prepare(division)
            query = self.floor(division)
            compute()  # as for pages: count the queries of a warm process
            queries, value = count_queries(compute, connection)
            rows = run_raw(connection, query)
            expected = self.floor_value(division, rows)
            if value != expected:
                raise BenchProblem(
                    f"{self.key} for {code}: the selector says {value}, the raw aggregate "
                    f"{expected}: one of them is wrong"
                )
            timing, sql = measure(
                compute, repeat=ctx.repeat, warmup=ctx.warmup, connection=connection
            )
            floor, _ = measure(
                partial(run_raw, connection, query), repeat=ctx.repeat, warmup=ctx.warmup
            )
            results.append(
                Result(
                    case=self.key,
                    group=self.group,
                    label=str(self.label),
                    subject=code,
                    unit="ms",
                    median=_ms(timing.median),
                    p95=_ms(timing.p95),
                    floor_median=_ms(floor.median),
                    floor_p95=_ms(floor.p95),
                    ratio=timing.median / floor.median,
                    samples=len(timing.samples),
                    rows=len(value) if hasattr(value, "__len__") else None,
                    queries=queries,
                    sql_median=_ms(sql.median) if sql else None,
                )
            )
        return results


# --- seeding -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SeedCase(Case):
    """A registered seeding step (core.registry.SEED_STEPS), in rows per second, against one
    raw `executemany` of the same rows (its history rows included) into scratch copies of its
    tables in the same database.

    Each run happens inside a transaction that is rolled back: the rows the step writes
    (`rows`: model → filter) are deleted first, the step writes them again, the floor copies
    them. The database is left as it was. A step takes seconds at province scale, so it runs
    at most `max_repeat` times and without warm-up.
    """

    step: str
    rows: Mapping[type[Model], Q]
    max_repeat: int = 3

    @property
    def group(self) -> str:
        return "seeding"

    def run(self, ctx: BenchContext) -> list[Result]:
        from shezhi.core import registry
        from shezhi.core.demo import Scale, SeedContext

        step = registry.SEED_STEPS[self.step]
        connection = ctx.connection
        seconds: list[float] = []
        floor_seconds: list[float] = []
        written = 0
        for _ in range(max(1, min(ctx.repeat, self.max_repeat))):
            seed_ctx = SeedContext(scale=Scale(ctx.scale))  # Faker's start-up is not the step's
            seed_ctx.reseed(step.key)
            with transaction.atomic():
                marks = self._clear()
                started = time.perf_counter()
                step.run(seed_ctx)
                seconds.append(time.perf_counter() - started)
                copies = self._written(connection, marks)
                written = sum(len(r.values) for model, r in copies if model in self.rows)
                if not written:
                    raise BenchProblem(f"{self.key}: the step {self.step!r} wrote no rows")
                targets = [(create_scratch_copy(connection, r.table), r) for _m, r in copies]
                started = time.perf_counter()
                for table, rows in targets:
                    insert_many(connection, table, rows)
                floor_seconds.append(time.perf_counter() - started)
                transaction.set_rollback(True)
        timing, floor = Timing(tuple(seconds)), Timing(tuple(floor_seconds))
        return [
            Result(
                case=self.key,
                group=self.group,
                label=str(self.label),
                subject="",
                unit="rows/s",
                median=round(written / timing.median),
                # With three runs at most, the p95 is the slowest run: its rate.
                p95=round(written / max(timing.samples)),
                floor_median=round(written / floor.median),
                floor_p95=round(written / max(floor.samples)),
                ratio=timing.median / floor.median,
                samples=len(seconds),
                rows=written,
            )
        ]

    def _history_models(self) -> dict[type[Model], type[Model]]:
        from simple_history.exceptions import NotHistoricalModelError
        from simple_history.utils import get_history_model_for_model

        found = {}
        for model in self.rows:
            try:
                found[model] = get_history_model_for_model(model)
            except NotHistoricalModelError:
                continue
        return found

    def _clear(self) -> dict[type[Model], int]:
        """Delete the step's rows (foreign keys are checked at commit, which never comes) and
        note where each history table ends, to find the history rows the step adds."""
        for model, where in self.rows.items():
            model._default_manager.filter(where)._raw_delete(model._default_manager.db)
        marks = {}
        for history in self._history_models().values():
            last = history._default_manager.aggregate(last=Max("pk"))["last"]
            marks[history] = last or 0
        return marks

    def _written(
        self, connection: Any, marks: dict[type[Model], int]
    ) -> list[tuple[type[Model], Rows]]:
        copies = [
            (model, select_rows(connection, model, where)) for model, where in self.rows.items()
        ]
        copies += [
            (history, select_rows(connection, history, Q(pk__gt=mark)))
            for history, mark in marks.items()
        ]
        return copies
