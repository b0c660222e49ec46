"""The simulated users of `python -m bench.load`, which writes their plan and starts locust.

The run is conducted in phases rather than as a mix: every user signs in once, a warm-up goes
round every case, then each case in turn has all the users to itself for its slice of the run.
A mix would give each page the share of requests its weight asks for, whatever it costs; one
case at a time gives each page the throughput the saturated server reaches on it, which is what
its ratio to the ceiling compares. Requests in flight when a phase ends are awaited before the
next begins, so no phase is charged with another's requests.

Loopback only: the plan's host and locust's --host are checked by `require_loopback`, every path
is relative, and no redirect is followed (a redirect counts as an error).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.exception import StopUser

# locust imports this file by its path; the package it belongs to is one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import PLAN_ENV, NotLoopbackError, require_loopback, tree_cpu_seconds

LOOPBACK_COOKIES = DefaultCookiePolicy(secure_protocols=("https", "http"))
WARMUP = "(warm-up)"
LOGIN = "login"


def _load_plan() -> dict[str, Any]:
    path = os.environ.get(PLAN_ENV)
    if not path:
        raise SystemExit(f"{PLAN_ENV} is not set: run the load through `python -m bench.load`")
    plan: dict[str, Any] = json.loads(Path(path).read_text())
    try:
        plan["host"] = require_loopback(plan["host"])
    except NotLoopbackError as exc:
        raise SystemExit(f"refusing to run: {exc}") from None
    for case in plan["cases"]:
        if not case["path"].startswith("/") or case["path"].startswith("//"):
            raise SystemExit(f"refusing to run: case {case['key']} has a path that is not local")
    return plan


PLAN = _load_plan()


@events.init.add_listener
def _refuse_other_hosts(environment: Environment, **kwargs: Any) -> None:
    # --host (or a locust.conf) overrides the User's host: check what will really be used.
    # SystemExit, unlike other exceptions, is not swallowed by locust's event hook.
    try:
        if environment.host:
            require_loopback(environment.host)
    except NotLoopbackError as exc:
        raise SystemExit(f"refusing to run: {exc}") from None


class Conductor:
    """Moves all users from one case to the next, and writes what each phase measured."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.cases: list[dict[str, Any]] = plan["cases"]
        self.current: dict[str, Any] | None = None
        self.warming_up = False
        self.signed_in = 0
        self.sign_in_failures = 0
        self.in_flight = 0
        self.windows: dict[str, float] = {}
        self.server_cpu: dict[str, float] = {}
        self.written = False
        self._accounts = itertools.cycle(plan["accounts"])

    def next_account(self) -> dict[str, Any]:
        return next(self._accounts)

    def run(self, environment: Environment) -> None:
        try:
            error = self._phases(environment)
        except Exception as exc:  # reported in the results, not lost in a greenlet
            error = f"the conductor failed: {type(exc).__name__}: {exc}"
        self._write(environment, error)
        if environment.runner is not None:
            environment.runner.quit()

    def _phases(self, environment: Environment) -> str | None:
        users = int(self.plan["users"])
        deadline = time.monotonic() + float(self.plan["login_timeout"])
        while self.signed_in + self.sign_in_failures < users:
            if time.monotonic() > deadline:
                return f"only {self.signed_in} of {users} users signed in within the time allowed"
            gevent.sleep(0.05)
        if self.sign_in_failures:
            return f"{self.sign_in_failures} of {users} users could not sign in"
        self.warming_up = True
        gevent.sleep(float(self.plan["warmup_seconds"]))
        self.warming_up = False
        self._drain()
        for case in self.cases:
            entry = environment.stats.get(case["key"], "GET")
            cpu_before = self._server_cpu()
            started = time.monotonic()
            self.current = case
            end = started + float(self.plan["case_seconds"])
            while time.monotonic() < end and entry.num_requests < self.plan["max_requests"]:
                gevent.sleep(0.01)
            self.current = None
            self._drain()
            self.windows[case["key"]] = time.monotonic() - started
            cpu_after = self._server_cpu()
            if cpu_before is not None and cpu_after is not None:
                self.server_cpu[case["key"]] = cpu_after - cpu_before
        return None

    def _server_cpu(self) -> float | None:
        pid = self.plan.get("server_pid")
        return tree_cpu_seconds(int(pid)) if pid else None

    def _drain(self) -> None:
        deadline = time.monotonic() + 60
        while self.in_flight and time.monotonic() < deadline:
            gevent.sleep(0.002)

    def _write(self, environment: Environment, error: str | None) -> None:
        self.written = True
        stats = environment.stats

        def figures(name: str, method: str) -> dict[str, Any]:
            entry = stats.get(name, method)
            return {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else 0,
                "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else 0,
                "mean_ms": round(entry.avg_response_time, 1),
                "max_ms": round(entry.max_response_time or 0, 1),
            }

        cases = []
        for case in self.cases:
            seconds = self.windows.get(case["key"], 0.0)
            row = figures(case["key"], "GET")
            rps = row["requests"] / seconds if seconds else 0.0
            cpu = self.server_cpu.get(case["key"])
            cpu_ms = 1000 * cpu / row["requests"] if cpu is not None and row["requests"] else None
            cases.append(
                {"key": case["key"], "path": case["path"], "seconds": round(seconds, 3)}
                | row
                | {"rps": round(rps, 1), "server_cpu_seconds": cpu}
                | {"cpu_ms_per_request": None if cpu_ms is None else round(cpu_ms, 2)}
            )
        login_get, login_post = figures(LOGIN, "GET"), figures(LOGIN, "POST")
        errors = [
            {
                "name": e.name,
                "method": e.method,
                "error": str(e.error),
                "occurrences": e.occurrences,
            }
            for e in sorted(stats.errors.values(), key=lambda e: -e.occurrences)
        ]
        result = {
            "error": error,
            "cases": cases,
            "login": {
                "requests": login_post["requests"],
                "failures": login_get["failures"] + login_post["failures"],
                "p95_ms": login_post["p95_ms"],
            },
            "warmup": figures(WARMUP, "GET"),
            "errors": errors,
        }
        Path(self.plan["results"]).write_text(json.dumps(result, ensure_ascii=False, indent=1))


CONDUCTOR = Conductor(PLAN)


@events.test_start.add_listener
def _start_conducting(environment: Environment, **kwargs: Any) -> None:
    gevent.spawn(CONDUCTOR.run, environment)


@events.quitting.add_listener
def _report_an_unfinished_run(environment: Environment, **kwargs: Any) -> None:
    if not CONDUCTOR.written:  # stopped by locust's own --run-time, or interrupted
        CONDUCTOR._write(environment, "locust stopped before the run finished")


class Officer(FastHttpUser):
    """A county civil-affairs officer: signs in once, then requests whatever case is on."""

    host = PLAN["host"]
    wait_time = constant(0)  # back to back: the run measures the server's capacity

    def on_start(self) -> None:
        require_loopback(self.host)
        # The session and CSRF cookies are Secure (DEBUG is off): send them over plain HTTP to
        # loopback, as browsers do for http://127.0.0.1 (a "potentially trustworthy" origin).
        self.client.cookiejar.set_policy(LOOPBACK_COOKIES)
        self.account = CONDUCTOR.next_account()
        self.anonymous = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.turn = itertools.count()
        if self._sign_in():
            CONDUCTOR.signed_in += 1
        else:
            CONDUCTOR.sign_in_failures += 1
            raise StopUser

    def _sign_in(self) -> bool:
        with self.client.get(
            "/accounts/login/", name=LOGIN, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return False
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), None)
        if not token:
            return False
        with self.client.post(
            "/accounts/login/",
            data=urlencode(
                {
                    "username": self.account["username"],
                    "password": self.account["password"],
                    "csrfmiddlewaretoken": token,
                }
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=LOGIN,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or "/accounts/login/" in location:
                response.failure(
                    f"{self.account['username']} could not sign in: HTTP {response.status_code}"
                )
                return False
        return True

    @task
    def request_the_current_case(self) -> None:
        turn = next(self.turn)
        if CONDUCTOR.warming_up:
            case, name = CONDUCTOR.cases[turn % len(CONDUCTOR.cases)], WARMUP
        elif CONDUCTOR.current is not None:
            case = CONDUCTOR.current
            name = case["key"]
        else:
            gevent.sleep(0.005)
            return
        path = case["path"]
        if "{}" in path:
            samples = self.account["samples"][case["key"]]
            path = path.replace("{}", quote(samples[turn % len(samples)], safe=""))
        client = self.client if case["signed_in"] else self.anonymous
        CONDUCTOR.in_flight += 1
        try:
            with client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"HTTP {r.status_code}")
        finally:
            CONDUCTOR.in_flight -= 1
