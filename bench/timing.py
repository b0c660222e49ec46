"""Timing: warm-up, N repetitions, median and p95; query counts; the time spent inside SQL."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext


@dataclass(frozen=True)
class Timing:
    """Durations in seconds, in the order they were taken."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        # Nearest rank: with 20 samples, the 19th smallest; with fewer than 20, the largest.
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def warmups_for(repeat: int) -> int:
    """Runs thrown away first: caches (templates, calendar, query plans) fill on the first."""
    return min(3, max(1, repeat // 5))


class SqlClock:
    """An execute wrapper adding up the time spent inside the database driver's execute()."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@contextmanager
def _quiet_gc() -> Iterator[None]:
    # Garbage from the previous case must not be collected inside this one's first samples.
    gc.collect()
    yield


def measure(
    run: Callable[[], object],
    *,
    repeat: int,
    warmup: int,
    connection: BaseDatabaseWrapper | None = None,
) -> tuple[Timing, Timing | None]:
    """Time `run` `repeat` times after `warmup` untimed runs.

    With a connection, also returns the part of each run spent executing SQL on it, so a slow
    figure can be told apart: slow queries, or slow Python around fast ones.
    """
    for _ in range(warmup):
        run()
    samples: list[float] = []
    sql_samples: list[float] = []
    clock = SqlClock()
    with _quiet_gc():
        for _ in range(repeat):
            clock.seconds = 0.0
            if connection is not None:
                with connection.execute_wrapper(clock):
                    started = time.perf_counter()
                    run()
                    samples.append(time.perf_counter() - started)
                sql_samples.append(clock.seconds)
            else:
                started = time.perf_counter()
                run()
                samples.append(time.perf_counter() - started)
    return Timing(tuple(samples)), (Timing(tuple(sql_samples)) if connection is not None else None)


def count_queries(run: Callable[[], Any], connection: BaseDatabaseWrapper) -> tuple[int, Any]:
    """How many queries one run makes, and what it returned. Never timed: capturing forces
    Django's debug cursor, which formats and stores every statement."""
    # The log keeps the last 9,000 statements: full (seeding just ran with DEBUG on), it would
    # not grow and the count would read 0.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        result = run()
    return len(captured.captured_queries), result
