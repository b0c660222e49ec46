"""`make load` (bench/load.py, bench/locustfile.py): the loopback guard, the options, the report,
the apps' load cases, and a short run end to end against gunicorn on a small SQLite demo."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load
from bench.load import LoadCase, NotLoopbackError, require_loopback
from shezhi.core.testing import Personas, grassroots

BASE_DIR = Path(load.__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000",
        "http://192.168.1.1",
        "http://example.com:8000",
        "http://localhost:8000",  # a name: what it resolves to is not ours to trust
        "http://127.0.0.1.nip.io:8000",
        "http://127.0.0.1@example.com:8000",
        "http://user:pass@127.0.0.1:8000",
        "http://[::ffff:10.0.0.1]:8000",
        "http://0.0.0.0:8000",
        "http://2130706433:8000",  # 127.0.0.1 as one number: not a literal we accept
        "https://127.0.0.1:8000",
        "http://127.0.0.1:8000/elsewhere",
        "ftp://127.0.0.1",
        "127.0.0.1:8000",
        "",
    ],
)
def test_it_refuses_every_target_but_a_loopback_address(url: str) -> None:
    with pytest.raises(NotLoopbackError):
        require_loopback(url)


@pytest.mark.parametrize(
    ("url", "rebuilt"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://127.1.2.3:9", "http://127.1.2.3:9"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_it_accepts_loopback_and_rebuilds_the_url(url: str, rebuilt: str) -> None:
    assert require_loopback(url) == rebuilt


def test_it_refuses_a_case_whose_path_could_leave_the_host() -> None:
    for path in ("http://example.com/", "//example.com/", "example.com/"):
        with pytest.raises(ValueError, match="must start with one '/'"):
            LoadCase("x", path)
    with pytest.raises(ValueError, match="needs samples"):
        LoadCase("x", "/divisions/{}/")


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("2m", 120), ("1m30s", 90), ("45", 45), ("0.5s", 0.5)]
)
def test_it_reads_durations(text: str, seconds: float) -> None:
    assert load.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0s", "2h", "61m", "thirty", "-5s", "5 s"])
def test_it_refuses_durations_that_are_not_bounded(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"duration|at most 1 h"):
        load.parse_duration(text)


def test_it_takes_options_from_the_environment_and_arguments_over_them() -> None:
    environ = {"SHEZHI_LOAD_RUN_TIME": "12s", "SHEZHI_LOAD_WORKERS": "3", "SHEZHI_LOAD_USERS": "7"}
    from_env = load.parse_options([], environ)
    assert (from_env.run_seconds, from_env.workers, from_env.users) == (12, 3, 7)
    assert from_env.var_dir == BASE_DIR / "var" / "bench" / "province"
    assert from_env.output == BASE_DIR / "var" / "bench" / "load.json"

    given = load.parse_options(["--run-time", "1m", "--workers", "2", "--scale", "small"], environ)
    assert (given.run_seconds, given.workers, given.users) == (60, 2, 7)
    assert given.var_dir == BASE_DIR / "var" / "bench" / "small"

    defaults = load.parse_options([], {})
    assert defaults.run_seconds == 45
    assert defaults.users == max(4, 2 * defaults.workers)


@pytest.mark.parametrize("args", [["--users", "0"], ["--users", "5000"], ["--workers", "99"]])
def test_it_refuses_unbounded_runs(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        load.parse_options(args, {})
    assert "between" in capsys.readouterr().err


def test_it_serves_production_settings_over_plain_http_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("s" * 50)
    (tmp_path / "field_key").write_text("the-seeding-key")
    options = load.parse_options(["--var-dir", str(tmp_path)], {})
    env = load.server_env(options, {"DEBUG": "1", "PATH": "/usr/bin"})
    assert env["DEBUG"] == "0"
    assert env["ALLOWED_HOSTS"] == "127.0.0.1"
    assert env["SECURE_SSL_REDIRECT"] == "0"
    assert env["SHEZHI_VAR_DIR"] == str(tmp_path)
    # The key the demo was seeded with, or the pages could not decrypt its personal data.
    assert env["SHEZHI_FIELD_KEY"] == "the-seeding-key"
    assert env["SHEZHI_TESTING"] == "0"  # production's hashed, compressed static files


def test_it_gives_the_load_generator_no_proxy(tmp_path: Path) -> None:
    environ = {
        "http_proxy": "http://proxy.example:3128",
        "HTTPS_PROXY": "http://proxy.example:3128",
        "ALL_PROXY": "socks5://proxy.example",
        "LOCUST_HOST": "http://example.com",
        "PATH": "/usr/bin",
    }
    env = load.generator_env(environ, tmp_path / "plan.json")
    assert env["PATH"] == "/usr/bin"
    assert env[load.PLAN_ENV] == str(tmp_path / "plan.json")
    assert not {"http_proxy", "HTTPS_PROXY", "ALL_PROXY", "LOCUST_HOST"} & set(env)


def test_it_prints_each_case_against_the_ceiling() -> None:
    def case(key: str, rps: float, failures: int = 0) -> dict[str, object]:
        return {
            "key": key,
            "path": f"/{key}/",
            "seconds": 5.0,
            "requests": int(rps * 5),
            "failures": failures,
            "median_ms": 20,
            "p95_ms": 45,
            "rps": rps,
            "cpu_ms_per_request": 12.5,
        }

    results = {"cases": [case("static", 900), case("healthz", 300), case("core.home", 60, 2)]}
    rows = load.rows_from(results)
    assert [row.ratio for row in rows] == [3.0, 1.0, 0.2]
    table = load.format_table(rows).splitlines()
    assert table[0].split() == [
        *("case", "path", "requests", "req/s", "median", "ms", "p95", "ms", "errors"),
        *("CPU", "ms/req", "÷", "ceiling"),
    ]
    assert table[3].split()[:2] == ["healthz", "(ceiling)"]
    assert table[4].split() == [
        *("core.home", "/core.home/", "300", "60.0", "20", "45", "2", "12.5", "0.20")
    ]


def test_every_load_case_has_samples_for_a_county_officer(people: Personas) -> None:
    grassroots()
    cases = load.discover()
    keys = {case.key for case in cases}
    assert {"core.home", "core.divisions.detail", "accounts.users.page"} <= keys
    officer = people.county_officer
    for case in cases:
        if case.samples is not None:
            samples = list(case.samples(officer))
            assert samples, case.key
            assert all(isinstance(value, str) and value for value in samples), case.key


def _locust(
    tmp_path: Path, plan: dict[str, object], *args: str
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "locust", "-f", str(load.LOCUSTFILE), "--headless", *args],
        env=load.generator_env(os.environ, path),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _plan(host: str, results: Path) -> dict[str, object]:
    return {
        "host": host,
        "users": 1,
        "warmup_seconds": 0.1,
        "case_seconds": 0.1,
        "max_requests": 1,
        "login_timeout": 1,
        "results": str(results),
        "cases": [{"key": "healthz", "path": "/healthz", "signed_in": False}],
        "accounts": [{"username": "x", "password": "x", "samples": {}}],
    }


def test_the_locustfile_refuses_a_plan_aimed_elsewhere(tmp_path: Path) -> None:
    run = _locust(tmp_path, _plan("http://10.1.2.3:80", tmp_path / "r.json"), "-t", "2s")
    assert run.returncode != 0
    assert "refusing to run" in run.stdout + run.stderr
    assert not (tmp_path / "r.json").exists()


def test_the_locustfile_refuses_a_host_option_aimed_elsewhere(tmp_path: Path) -> None:
    plan = _plan("http://127.0.0.1:9", tmp_path / "r.json")
    run = _locust(tmp_path, plan, "--host", "http://example.com", "-t", "2s")
    assert run.returncode != 0
    assert "refusing to run" in run.stdout + run.stderr
    assert not (tmp_path / "r.json").exists()


def test_it_runs_a_short_load_end_to_end(tmp_path: Path) -> None:
    """Seeds a small demo into a SQLite file of its own, serves it with gunicorn, loads every
    case for a fraction of a second, stops by itself and writes its figures."""
    output = tmp_path / "out" / "load.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHEZHI_", "DATABASE_URL"))}
    env.pop("DEBUG", None)
    run = subprocess.run(  # noqa: S603
        [
            *(sys.executable, "-m", "bench.load", "--scale", "small", "--static", "plain"),
            *("--run-time", "3s", "--warmup", "0.5s", "--users", "2", "--workers", "2"),
            *("--var-dir", str(tmp_path / "var"), "--output", str(output)),
        ],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    record = json.loads(output.read_text())["sqlite/small"]
    keys = [case["key"] for case in record["cases"]]
    assert keys[:2] == ["static", "healthz"]
    assert {"core.public.index", "core.home", "core.divisions.detail"} <= set(keys)
    for case in record["cases"]:
        assert case["requests"] > 0, case
        assert case["failures"] == 0, case
        assert case["ratio_to_ceiling"] > 0, case
        assert case["cpu_ms_per_request"] is not None, case  # read from /proc at each phase
    assert record["login"] == record["login"] | {"requests": 2, "failures": 0}
    assert record["run"]["database"].startswith("sqlite ")
    assert "÷ ceiling" in run.stdout
    # The server is gone: the run stopped it.
    host = json.loads((output.parent / "load-plan.json").read_text())["host"]
    with pytest.raises(OSError):
        load.fetch(host + "/healthz", timeout=1)


def test_it_keeps_the_last_run_of_each_database_side_by_side(tmp_path: Path) -> None:
    output = tmp_path / "load.json"
    output.write_text("not json")
    load.save(output, "sqlite/province", {"run": {"n": 1}})
    load.save(output, "postgresql/province", {"run": {"n": 2}})
    load.save(output, "sqlite/province", {"run": {"n": 3}})
    assert json.loads(output.read_text()) == {
        "sqlite/province": {"run": {"n": 3}},
        "postgresql/province": {"run": {"n": 2}},
    }


def test_the_run_stops_by_itself_and_says_why_when_no_one_can_sign_in(tmp_path: Path) -> None:
    results = tmp_path / "r.json"
    plan = _plan(f"http://127.0.0.1:{load.free_port()}", results)  # nothing listens there
    run = _locust(tmp_path, plan, "--users", "1", "--spawn-rate", "1", "-t", "30s")
    assert json.loads(results.read_text())["error"] == "1 of 1 users could not sign in", run.stderr
