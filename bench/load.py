"""`python -m bench.load` (`make load`): a bounded load run against gunicorn on 127.0.0.1.

In order, it
1. prepares the database: a SQLite file of its own, var/bench/<scale>/shezhi.sqlite3 (the one
   `shezhi bench` uses), or the PostgreSQL database DATABASE_URL names (created when missing):
   `migrate`, `seed --if-empty`, and `collectstatic` when the collected files are older than their
   sources (WhiteNoise compresses every file, which takes minutes, so it is not redone each run);
2. starts gunicorn on 127.0.0.1 on a free port, with DEBUG off and the production settings except
   TLS (plain HTTP on loopback, so SECURE_SSL_REDIRECT=0), and waits for /healthz;
3. runs locust headless (bench/locustfile.py): every simulated user signs in once, as the
   civil-affairs officer of a county, then a short warm-up, then each case alone, one after the
   other, for an equal slice of --run-time (or until --max-requests), the users requesting it back
   to back, so that each figure is the throughput of the saturated server on that page alone;
4. stops locust and the server, prints requests/s, median, p95 and errors per case and each
   case's ratio to the ceiling measured in the same run, and writes var/bench/load.json.

The ceiling is /healthz: a Django view through the whole middleware stack doing nothing but one
`SELECT 1` and a cache round trip, so page ÷ ceiling is what the page's own work costs on top of
the cheapest response this server can give. A static file served by WhiteNoise is also measured
as a reference: it stops at the second middleware, so it shows what gunicorn and WSGI alone cost.
Each case also gets the server's CPU time per request (gunicorn's processes, read from /proc at
the ends of its phase): requests/s fall when other work shares the machine, CPU ms/req do not.

Why locust and not wrk: the officers sign in through the login form with its CSRF token and keep
their session, each request of a detail page or search takes a value from the officer's own
jurisdiction, and every response is checked (a redirect to the sign-in page is an error); wrk
would need a Lua script for each of these. locust's FastHttpUser (geventhttpclient) keeps the
generator's own CPU low, and that CPU time is printed beside the server's, since on a small
machine the two share the cores. gunicorn runs 2 × CPUs + 1 sync workers, its own advice.

Cases are declared, not listed here: an app's `bench.py` (imported by `autodiscover_modules`)
registers a `LoadCase`, e.g. `bench.load.register(LoadCase("orgs.list", "/orgs/"))`; a path with
`{}` is filled, request after request, with values its `samples(user)` returns for the signed-in
user (say, codes of records inside their jurisdiction).

It never targets anything but loopback: `require_loopback` refuses any other address, in this
process (the server's address, the health check) and in the locustfile (the load's target).
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
LOOPBACK = "127.0.0.1"
PLAN_ENV = "SHEZHI_LOAD_PLAN"  # tells the locustfile where its plan is
# Proxy variables would send the load generator's requests to the proxy's host, not to loopback.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")

# Bounds on what may be asked for, so a typo cannot start an hour-long or thousand-user run.
MAX_RUN_SECONDS = 3600
MAX_USERS = 200
MAX_WORKERS = 32

CEILING = "healthz"
STATIC = "static"


class NotLoopbackError(ValueError):
    """A load target or server address outside 127.0.0.0/8 and ::1."""


def require_loopback(url: str) -> str:
    """The URL rebuilt as http://<loopback address>:<port>, or NotLoopbackError.

    Only literal loopback addresses pass: a host name ("localhost" included) is refused, because
    what it resolves to is up to /etc/hosts and DNS. Whatever follows the port is refused too, so
    the rebuilt URL is the whole of what was checked.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise NotLoopbackError(f"{url!r} is not a URL: {exc}") from None
    if parts.scheme != "http":
        raise NotLoopbackError(f"{url!r}: the load run speaks plain http:// to a loopback address")
    if parts.username is not None or parts.password is not None:
        raise NotLoopbackError(f"{url!r}: no user name or password in the target URL")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise NotLoopbackError(f"{url!r}: the target is a bare http://address:port")
    try:
        address = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        raise NotLoopbackError(
            f"{url!r}: the load run only targets a literal loopback address "
            f"(127.0.0.1 or [::1]), not {parts.hostname!r}"
        ) from None
    if not address.is_loopback:
        raise NotLoopbackError(
            f"{url!r}: {address} is not a loopback address; the load run only targets this machine"
        )
    host = f"[{address}]" if address.version == 6 else str(address)
    return f"http://{host}:{port}" if port else f"http://{host}"


# --- cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadCase:
    """One endpoint of the load run.

    `path` may hold one `{}`, filled per request with the next of the values `samples(user)`
    returned for the simulated user (at most MAX_SAMPLES are kept). `signed_in=False` requests
    it without a session, as a visitor of the public pages does.
    """

    key: str
    path: str
    signed_in: bool = True
    samples: Callable[[Any], Sequence[str]] | None = None
    order: int = 100

    def __post_init__(self) -> None:
        # Paths only: the host is the runner's, always loopback.
        if not self.path.startswith("/") or self.path.startswith("//"):
            raise ValueError(f"load case {self.key!r}: the path must start with one '/'")
        if (self.samples is None) != ("{}" not in self.path):
            raise ValueError(f"load case {self.key!r}: a path with '{{}}' needs samples, and back")


MAX_SAMPLES = 50
CASES: dict[str, LoadCase] = {}


def register(case: LoadCase) -> LoadCase:
    if case.key in CASES and CASES[case.key] != case:
        raise ValueError(f"load case {case.key!r} is registered twice")
    CASES[case.key] = case
    return case


def discover() -> list[LoadCase]:
    """The cases every installed app's `bench` module registers, by order then key."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("bench")
    return sorted(CASES.values(), key=lambda case: (case.order, case.key))


# --- options -------------------------------------------------------------------------------------


def parse_duration(text: str) -> float:
    """ "30s", "2m", "1m30s" or plain seconds ("45"), as seconds; refuses 0 and over an hour."""
    text = text.strip().lower()
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?", text)
    if not text or not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30s, 2m or 1m30s")
    seconds = float(match.group(1) or 0) * 60 + float(match.group(2) or 0)
    if not 0 < seconds <= MAX_RUN_SECONDS:
        raise argparse.ArgumentTypeError(f"{text!r}: a run lasts more than 0 s and at most 1 h")
    return seconds


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def default_workers() -> int:
    # gunicorn's own advice, 2 × cores + 1 sync workers: while one waits on the database,
    # another has the CPU. (On 2 cores the load generator takes its share too.)
    return min(MAX_WORKERS, 2 * (os.cpu_count() or 1) + 1)


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """Every option also has a SHEZHI_LOAD_* variable (`make load` passes them through)."""

    def env(name: str, default: str) -> str:
        return environ.get(f"SHEZHI_LOAD_{name}") or default

    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="A bounded load run against gunicorn on 127.0.0.1 (see bench/load.py).",
    )
    parser.add_argument(
        "--run-time",
        type=parse_duration,
        default=env("RUN_TIME", "45s"),
        help="measured time, shared equally by the cases (SHEZHI_LOAD_RUN_TIME; default 45s)",
    )
    parser.add_argument(
        "--warmup",
        type=parse_duration,
        default=env("WARMUP", "5s"),
        help="unmeasured warm-up over every case first (SHEZHI_LOAD_WARMUP; default 5s)",
    )
    parser.add_argument(
        "--users",
        type=_bounded_int(1, MAX_USERS),
        default=environ.get("SHEZHI_LOAD_USERS") or None,  # argparse applies `type` to it
        help="simulated users, each signed in once (SHEZHI_LOAD_USERS; default 2 per worker)",
    )
    parser.add_argument(
        "--workers",
        type=_bounded_int(1, MAX_WORKERS),
        default=env("WORKERS", str(default_workers())),
        help="gunicorn sync workers (SHEZHI_LOAD_WORKERS; default 2 × CPUs + 1)",
    )
    parser.add_argument(
        "--max-requests",
        type=_bounded_int(1, 10_000_000),
        default=env("MAX_REQUESTS", "100000"),
        help="stop a case early after this many requests (SHEZHI_LOAD_MAX_REQUESTS)",
    )
    parser.add_argument(
        "--scale",
        choices=("small", "province"),
        default=env("SCALE", "province"),
        help="demo data to seed when the database is empty (SHEZHI_LOAD_SCALE; default province)",
    )
    parser.add_argument(
        "--only",
        default=env("ONLY", ""),
        help="only the cases whose key contains this (the ceiling and static file always run)",
    )
    parser.add_argument(
        "--static",
        choices=("manifest", "plain"),
        default=env("STATIC", "manifest"),
        help=(
            "manifest: production's compressed, hashed static files (collectstatic takes minutes "
            "the first time); plain: linked, uncompressed files, for quick self-tests"
        ),
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=None,
        help="where the SQLite file, keys and static files live (default var/bench/<scale>)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(env("OUTPUT", str(BASE_DIR / "var" / "bench" / "load.json"))),
        help="the results as JSON (SHEZHI_LOAD_OUTPUT; default var/bench/load.json)",
    )
    return parser


@dataclass(frozen=True)
class Options:
    run_seconds: float
    warmup_seconds: float
    users: int
    workers: int
    max_requests: int
    scale: str
    only: str
    static: str
    var_dir: Path
    output: Path


def parse_options(argv: Sequence[str], environ: Mapping[str, str]) -> Options:
    args = build_parser(environ).parse_args(list(argv))
    return Options(
        run_seconds=args.run_time,
        warmup_seconds=args.warmup,
        users=args.users or min(MAX_USERS, max(4, 2 * args.workers)),
        workers=args.workers,
        max_requests=args.max_requests,
        scale=args.scale,
        only=args.only,
        static=args.static,
        var_dir=(args.var_dir or BASE_DIR / "var" / "bench" / args.scale).resolve(),
        output=args.output.resolve(),
    )


# --- the environments of the database commands and of the server --------------------------------


def command_env(options: Options, environ: Mapping[str, str]) -> dict[str, str]:
    """For migrate and seed: the development defaults, in the run's own var dir (which also gets
    generated keys there, unless SECRET_KEY and SHEZHI_FIELD_KEY are given)."""
    env = dict(environ)
    env.update(
        SHEZHI_VAR_DIR=str(options.var_dir),
        DJANGO_SETTINGS_MODULE="shezhi.settings",
        DEBUG="1",
        SHEZHI_TESTING="0",
    )
    return env


def server_env(options: Options, environ: Mapping[str, str]) -> dict[str, str]:
    """Production settings but for TLS: DEBUG off, keys from the environment, one allowed host."""
    env = command_env(options, environ)

    def key(name: str, filename: str) -> str:
        return environ.get(name) or (options.var_dir / filename).read_text().strip()

    env.update(
        DEBUG="0",
        SECRET_KEY=key("SECRET_KEY", "secret_key"),
        # The key the data was seeded with: the pages decrypt personal data with it.
        SHEZHI_FIELD_KEY=key("SHEZHI_FIELD_KEY", "field_key"),
        ALLOWED_HOSTS=LOOPBACK,
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; a TLS proxy does this in production
        # One officer's requests, back to back, would meet the API's per-user throttle (1000/min)
        # within seconds; the load run measures serving, so the throttle still runs but never bites.
        SHEZHI_API_RATE="100000000/min",
        SHEZHI_LOG_LEVEL="WARNING",
        # plain: StaticFilesStorage, so the linked files serve without a manifest.
        SHEZHI_TESTING="1" if options.static == "plain" else "0",
    )
    return env


def generator_env(environ: Mapping[str, str], plan: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in environ.items()
        if name.lower() not in PROXY_VARIABLES and not name.startswith("LOCUST_")
    }
    env[PLAN_ENV] = str(plan)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BASE_DIR), environ.get("PYTHONPATH")]))
    return env


def run_command(args: Sequence[str], env: Mapping[str, str], err: TextIO) -> None:
    err.write(f"$ {' '.join(args)}\n")
    err.flush()
    completed = subprocess.run(list(args), env=dict(env), cwd=BASE_DIR, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise SystemExit(f"load: `{' '.join(args)}` failed (exit {completed.returncode})")


def shezhi_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "shezhi", *args]


def prepare_database(options: Options, env: Mapping[str, str], err: TextIO) -> None:
    if env.get("DATABASE_URL"):
        create_postgres_database_if_missing(env["DATABASE_URL"], err)
    run_command(shezhi_command("migrate", "--no-input", "-v", "0"), env, err)
    run_command(shezhi_command("seed", "--scale", options.scale, "--if-empty"), env, err)


def create_postgres_database_if_missing(url: str, err: TextIO) -> None:
    """`make load` with DATABASE_URL=postgres://…/shezhi_load works on a fresh server."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    connect: dict[str, Any] = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    try:
        psycopg.connect(dbname=config["NAME"], **connect).close()
        return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise SystemExit(f"load: cannot connect to DATABASE_URL: {exc}") from None
    with psycopg.connect(dbname="postgres", autocommit=True, **connect) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    err.write(f"load: created PostgreSQL database {config['NAME']}\n")


# --- what needs Django: static files, the plan ---------------------------------------------------


def setup_django(env: Mapping[str, str]) -> None:
    """Settings are read once, at import: this process takes the server's environment first."""
    os.environ.update(env)
    import django

    django.setup()


def static_is_stale(marker: str) -> bool:
    """Whether any static source file is newer than the marker of the last collection (or no
    collection left one: the manifest, or a file of our own for linked files)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    manifest = Path(settings.STATIC_ROOT) / marker
    if not manifest.exists():
        return True
    collected_at = manifest.stat().st_mtime
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if Path(storage.path(path)).stat().st_mtime > collected_at:
                return True
    return False


def collect_static(options: Options, env: Mapping[str, str], err: TextIO) -> None:
    from django.conf import settings

    marker = ".linked" if options.static == "plain" else "staticfiles.json"
    if not static_is_stale(marker):
        return
    if options.static == "plain":
        run_command(shezhi_command("collectstatic", "--no-input", "--link", "-v", "0"), env, err)
        (Path(settings.STATIC_ROOT) / marker).touch()
        return
    err.write(
        "load: collecting static files for production (WhiteNoise compresses each one; "
        "the first time this takes minutes)\n"
    )
    run_command(shezhi_command("collectstatic", "--no-input", "-v", "0"), env, err)


@dataclass
class Account:
    username: str
    password: str
    division: str
    samples: dict[str, list[str]] = field(default_factory=dict)


def plan_accounts(count: int, cases: Sequence[LoadCase]) -> list[Account]:
    """Civil-affairs officers of `count` counties spread over the province (fewer if the demo
    has fewer counties with towns), each with the samples of every case for them."""
    from django.db.models import Exists, OuterRef

    from shezhi.accounts.models import User
    from shezhi.core.demo import DEMO_PASSWORD
    from shezhi.core.models import Division
    from shezhi.core.roles import Role

    with_towns = Division.objects.filter(parent=OuterRef("division"), level=Division.Level.TOWN)
    officers = list(
        User.objects.filter(
            role=Role.CIVIL_AFFAIRS_OFFICER,
            is_active=True,
            division__level=Division.Level.COUNTY,
        )
        .filter(Exists(with_towns))
        .select_related("division")
        .order_by("username")
    )
    if not officers:
        raise SystemExit(
            "load: no county civil-affairs officer with towns in the database; it is not the "
            "demo (`shezhi seed`). Point DATABASE_URL at a demo database or an empty one."
        )
    chosen = [officers[i * len(officers) // count] for i in range(min(count, len(officers)))]
    accounts = []
    for user in chosen:
        account = Account(user.username, DEMO_PASSWORD, user.division_id or "")
        for case in cases:
            if case.samples is not None:
                values = [str(value) for value in case.samples(user)][:MAX_SAMPLES]
                if not values:
                    raise SystemExit(f"load: case {case.key} has no samples for {user.username}")
                account.samples[case.key] = values
        accounts.append(account)
    return accounts


def builtin_cases() -> list[LoadCase]:
    """The ceiling and the static-file reference: the machinery's own, first in the run."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return [
        LoadCase(STATIC, staticfiles_storage.url("shezhi/shezhi.css"), signed_in=False, order=-2),
        LoadCase(CEILING, "/healthz", signed_in=False, order=-1),
    ]


def seeded_scale() -> str:
    """The scale of the demo in the database, which --if-empty may have kept from an earlier run."""
    from shezhi.core.demo import PROVINCE_VILLAGES
    from shezhi.core.models import Division

    villages = Division.objects.filter(level=Division.Level.VILLAGE).count()
    return "province" if villages >= PROVINCE_VILLAGES else "small"


def database_label() -> tuple[str, str]:
    """The vendor, and the vendor with the database's name."""
    from django.db import connection

    return connection.vendor, f"{connection.vendor} {connection.settings_dict['NAME']}"


def save(output: Path, key: str, record: Mapping[str, Any]) -> None:
    """load.json keeps the last run per database and scale ("sqlite/province", …), so that the
    SQLite and PostgreSQL figures sit side by side."""
    runs: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(output.read_text())
        if isinstance(loaded, dict) and all(
            isinstance(v, dict) and "run" in v for v in loaded.values()
        ):
            runs = loaded
    runs[key] = record
    output.write_text(json.dumps(runs, ensure_ascii=False, indent=2) + "\n")


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 2.0) -> int:
    """GET on loopback only, ignoring any proxy settings; the status code."""
    base = require_loopback(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(base + urlsplit(url).path, method="GET")  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextlib.contextmanager
def gunicorn(options: Options, env: Mapping[str, str], log: Path, err: TextIO) -> Iterator[Server]:
    port = free_port()
    url = require_loopback(f"http://{LOOPBACK}:{port}")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "shezhi.wsgi:application",
        f"--bind={LOOPBACK}:{port}",
        f"--workers={options.workers}",
        "--worker-class=sync",
        "--timeout=60",
        "--graceful-timeout=5",
        "--no-control-socket",
        "--preload",  # import the site once, then fork: workers start in a fraction of the time
        "--log-level=warning",
    ]
    err.write(f"$ {' '.join(args[2:])}\n")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603
            args,
            env=dict(env),
            cwd=BASE_DIR,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, and only it
        )
        try:
            wait_until_healthy(url, process, log)
            yield Server(url, process.pid)
        finally:
            stop(process)


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"load: gunicorn exited ({process.returncode}):\n{tail(log)}")
        with contextlib.suppress(OSError):
            status = fetch(url + "/healthz")
            if status == 200:
                return
            raise SystemExit(f"load: /healthz answered {status}:\n{tail(log)}")
        time.sleep(0.2)
    raise SystemExit(f"load: gunicorn did not answer /healthz within 60 s:\n{tail(log)}")


def stop(process: subprocess.Popen[Any], grace: float = 15) -> None:
    """SIGTERM (gunicorn then stops its workers); its process group is killed if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- the load ------------------------------------------------------------------------------------


def write_plan(
    path: Path,
    *,
    url: str,
    server_pid: int | None,
    options: Options,
    cases: Sequence[LoadCase],
    accounts: Sequence[Account],
    results: Path,
) -> None:
    plan = {
        "host": require_loopback(url),
        # Same machine (loopback): the locustfile reads the server's CPU time at each phase's ends.
        "server_pid": server_pid,
        "users": options.users,
        "warmup_seconds": options.warmup_seconds,
        "case_seconds": options.run_seconds / len(cases),
        "max_requests": options.max_requests,
        "login_timeout": 60 + options.users,
        "results": str(results),
        "cases": [
            {"key": case.key, "path": case.path, "signed_in": case.signed_in} for case in cases
        ],
        "accounts": [
            {"username": a.username, "password": a.password, "samples": a.samples} for a in accounts
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    path.chmod(0o600)  # the demo password is public, but a plan file need not be


def hard_limit(options: Options) -> int:
    """locust's own --run-time, should the locustfile fail to stop the run itself."""
    return int(options.warmup_seconds + options.run_seconds + 60 + options.users + 30)


def run_locust(
    url: str, options: Options, plan: Path, log: Path, environ: Mapping[str, str], err: TextIO
) -> None:
    args = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        require_loopback(url),
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.users),
        "--run-time",
        f"{hard_limit(options)}s",
        "--stop-timeout",
        "5",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    err.write(f"$ locust --headless --host {url} --users {options.users} …\n")
    err.flush()
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603
            args,
            env=generator_env(environ, plan),
            cwd=BASE_DIR,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=hard_limit(options) + 30)
        except subprocess.TimeoutExpired:
            err.write("load: locust overran its time limit and was stopped\n")
        finally:
            stop(process, grace=5)


# --- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    path: str
    requests: int
    seconds: float
    rps: float
    median_ms: float
    p95_ms: float
    errors: int
    cpu_ms: float | None  # the server's CPU time per request, whatever else the machine runs
    ratio: float | None  # requests/s ÷ the ceiling's


def rows_from(results: Mapping[str, Any]) -> list[Row]:
    cases = results["cases"]
    ceiling = next((c["rps"] for c in cases if c["key"] == CEILING), 0.0)
    return [
        Row(
            key=c["key"],
            path=c["path"],
            requests=c["requests"],
            seconds=c["seconds"],
            rps=c["rps"],
            median_ms=c["median_ms"],
            p95_ms=c["p95_ms"],
            errors=c["failures"],
            cpu_ms=c.get("cpu_ms_per_request"),
            ratio=c["rps"] / ceiling if ceiling else None,
        )
        for c in cases
    ]


def format_table(rows: Sequence[Row]) -> str:
    headers = (
        *("case", "path", "requests", "req/s", "median ms", "p95 ms", "errors"),
        *("CPU ms/req", "÷ ceiling"),
    )
    body = [
        (
            row.key + (" (ceiling)" if row.key == CEILING else ""),
            row.path if len(row.path) <= 40 else row.path[:39] + "…",
            f"{row.requests:,}",
            f"{row.rps:,.1f}",
            f"{row.median_ms:,.0f}",
            f"{row.p95_ms:,.0f}",
            f"{row.errors:,}",
            "" if row.cpu_ms is None else f"{row.cpu_ms:,.1f}",
            "" if row.ratio is None else f"{row.ratio:.2f}",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [headers, *body]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(cells) for cells in body)])


def _seconds(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f} s"


def summary(record: Mapping[str, Any]) -> str:
    run = record["run"]
    login = record["login"]
    lines = [
        f"Load run on {run['database']} ({run['scale']} scale), gunicorn {run['workers']} sync "
        f"workers, {run['users']} simulated users, {run['cpus']} CPUs; locust {run['locust']}.",
        f"Each case alone for {run['case_seconds']:.1f} s after a {run['warmup_seconds']:g} s "
        f"warm-up. Ceiling: /healthz (a Django view doing one SELECT 1). CPU ms/req: the "
        f"server's CPU time per request, which other work on the machine does not inflate"
        + (" (PostgreSQL's own is not counted)." if "postgresql" in run["database"] else "."),
        "",
        format_table(rows_from(record)),
        "",
        f"Sign-ins (once per simulated user): {login['requests']} requests, "
        f"{login['failures']} errors, p95 {login['p95_ms']:.0f} ms.",
        f"CPU time during the load: server {_seconds(run['server_cpu_seconds'])}, load generator "
        f"{_seconds(run['generator_cpu_seconds'])}, over {run['wall_seconds']:.0f} s on "
        f"{run['cpus']} CPUs (the generator shares the machine with the server).",
    ]
    if run["load_average_before"] > 0.5 * run["cpus"]:
        lines.append(
            f"Warning: the machine was busy before the run (load average "
            f"{run['load_average_before']:.1f}): the figures are lower than on an idle machine."
        )
    if record.get("errors"):
        lines += ["", "Errors:"]
        lines += [
            f"  {e['occurrences']} × {e['name']}: {e['error']}" for e in record["errors"][:10]
        ]
    return "\n".join(lines)


def locust_version() -> str:
    from importlib.metadata import version

    return version("locust")


# --- main ----------------------------------------------------------------------------------------


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu_seconds(pid: int) -> float | None:
    """CPU time of a live process and its children (gunicorn's workers), from /proc; None where
    there is no /proc. Read before stopping: a worker's time is lost once its master reaps it."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}  # pid: (parent pid, seconds)
    try:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    # The fields after the command name (in parentheses, it may hold spaces).
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    stats[int(entry.name)] = (
                        int(fields[1]),
                        (int(fields[11]) + int(fields[12])) / ticks,
                    )
    except OSError:
        return None
    if pid not in stats:
        return None
    return stats[pid][1] + sum(seconds for parent, seconds in stats.values() if parent == pid)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = dict(os.environ if environ is None else environ)
    options = parse_options(sys.argv[1:] if argv is None else argv, environ)
    err = sys.stderr
    work = options.output.parent
    work.mkdir(parents=True, exist_ok=True)

    prepare_database(options, command_env(options, environ), err)
    env = server_env(options, environ)
    setup_django(env)
    collect_static(options, env, err)
    cases = [
        *builtin_cases(),
        *(case for case in discover() if not options.only or options.only in case.key),
    ]
    accounts = plan_accounts(options.users, cases)
    vendor, label = database_label()
    scale = seeded_scale()
    if scale != options.scale:
        err.write(f"load: the database holds the {scale} demo, not {options.scale}: measuring it\n")
    from django.db import connections

    connections.close_all()  # the server's, not this process's, from here on

    plan, results = work / "load-plan.json", work / "load-locust.json"
    results.unlink(missing_ok=True)
    load_before = os.getloadavg()[0]
    with gunicorn(options, env, work / "load-gunicorn.log", err) as server:
        err.write(
            f"load: serving at {server.url}; {options.users} users sign in, then "
            f"{len(cases)} cases for {options.run_seconds / len(cases):.1f} s each\n"
        )
        write_plan(
            plan,
            url=server.url,
            server_pid=server.pid,
            options=options,
            cases=cases,
            accounts=accounts,
            results=results,
        )
        server_before = tree_cpu_seconds(server.pid)
        generator_before = children_cpu_seconds()
        started = time.monotonic()
        run_locust(server.url, options, plan, work / "load-locust.log", environ, err)
        wall = time.monotonic() - started
        generator_cpu = children_cpu_seconds() - generator_before
        server_after = tree_cpu_seconds(server.pid)
    server_cpu = (
        None if server_before is None or server_after is None else server_after - server_before
    )

    if not results.exists():
        err.write(
            f"load: the run wrote no results; locust's log:\n{tail(work / 'load-locust.log')}\n"
        )
        return 1
    outcome = json.loads(results.read_text())
    if outcome.get("error"):
        err.write(f"load: {outcome['error']}\n{tail(work / 'load-locust.log')}\n")
        return 1
    for case, row in zip(outcome["cases"], rows_from(outcome), strict=True):
        case["ratio_to_ceiling"] = None if row.ratio is None else round(row.ratio, 3)
    record = {
        "run": {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": label,
            "scale": scale,
            "workers": options.workers,
            "users": options.users,
            "accounts": [a.username for a in accounts],
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "locust": locust_version(),
            "warmup_seconds": options.warmup_seconds,
            "case_seconds": options.run_seconds / len(cases),
            "max_requests": options.max_requests,
            "static": options.static,
            "ceiling": CEILING,
            "load_average_before": round(load_before, 2),
            "server_cpu_seconds": None if server_cpu is None else round(server_cpu, 1),
            "generator_cpu_seconds": round(generator_cpu, 1),
            "wall_seconds": round(wall, 1),
        },
        **outcome,
    }
    save(options.output, f"{vendor}/{scale}", record)
    print(summary(record))
    print(f"\nResults: {options.output}")
    failures = sum(c["failures"] for c in outcome["cases"]) + outcome["login"]["failures"]
    return 1 if failures else 0


if __name__ == "__main__":
    # Run as bench.load, not as __main__: the apps' bench modules register into bench.load.CASES.
    from bench.load import main as run

    sys.exit(run())
