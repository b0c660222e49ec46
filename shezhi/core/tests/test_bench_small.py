"""`shezhi bench --scale small` on the test database, so the benchmark code cannot rot, and the
rule that every list page, list API and home-page statistic has a benchmark case."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve

import bench
from bench import registry as bench_registry
from shezhi.core import demo, registry, todos
from shezhi.core.management.commands.bench import BENCH_SCALE_ENV, separate_process_env
from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.core.testing import make_user
from shezhi.core.views.listing import ListPage

pytestmark = pytest.mark.django_db


def run_bench(tmp_path: Path, **options: Any) -> tuple[dict[str, Any], str, str]:
    out, err = io.StringIO(), io.StringIO()
    output = tmp_path / "results.json"
    call_command(
        "bench",
        scale="small",
        repeat=1,
        in_place=True,
        output=output,
        stdout=out,
        stderr=err,
        **options,
    )
    run = json.loads(output.read_text())["runs"][f"{connection.vendor}/small"]
    return run, out.getvalue(), err.getvalue()


def test_it_measures_every_case_against_its_floor_at_small_scale(tmp_path: Path) -> None:
    run, out, err = run_bench(tmp_path)

    assert "生成 small 规模的演示数据" in err
    cases = bench_registry.discover()
    measured = {result["case"] for result in run["results"]}
    assert measured == {case.key for case in cases}
    for result in run["results"]:
        assert result["median"] > 0 and result["floor_median"] > 0, result["key"]
        # Seeding is in rows per second: there the ratio is the floor's rate over the figure's.
        expected = (
            result["floor_median"] / result["median"]
            if result["unit"] == "rows/s"
            else result["median"] / result["floor_median"]
        )
        assert result["ratio"] == pytest.approx(expected, rel=0.05), result["key"]
    by_key = {result["key"]: result for result in run["results"]}
    # Each persona sees its own share of the same list; the page's queries are counted.
    province = by_key["core.divisions.page[officer-440000]"]
    county = by_key["core.divisions.page[officer-440118]"]
    assert province["rows"] == 25 and 0 < county["rows"] < 25
    assert 0 < province["queries"] < 10
    assert by_key["core.seed.towns"]["rows"] == 25 + 66  # small scale: 25 towns, 66 villages
    assert by_key["core.divisions.admin[admin]"]["peer_of"] == "core.divisions.page"
    assert run["database"]["vendor"] == connection.vendor
    assert run["machine"]["cpu_count"] >= 1 and run["machine"]["django"]
    assert run["data"]["villages"] == 66
    # The table, and the admin measured as the division list's peer.
    assert "区划列表页" in out and "倍数" in out and "同行对比" in out
    # The seeding case rolled its writes back: the demo is as it was.
    assert Division.objects.filter(level=Division.Level.VILLAGE).count() == 66


def test_it_reuses_a_demo_database_and_runs_only_what_is_asked(tmp_path: Path) -> None:
    demo.seed(scale=demo.Scale.SMALL)
    divisions = Division.objects.count()

    run, _out, err = run_bench(tmp_path, only="core.divisions.*")

    assert "沿用" in err
    assert {result["case"] for result in run["results"]} == {
        "core.divisions.page",
        "core.divisions.api",
        "core.divisions.admin",
    }
    assert run["only"] == "core.divisions.*"
    assert Division.objects.count() == divisions


def test_the_to_do_floors_select_the_rows_each_officer_sees(tmp_path: Path) -> None:
    demo.seed(scale=demo.Scale.SMALL)
    province = Division.objects.get(code="440000")
    zengcheng_town = Division.objects.get(code="440118100")
    for n in range(3):
        todos.todo_create(
            kind=demo.REVIEW_KIND,
            title=f"省级核对{n}",
            role=Role.CIVIL_AFFAIRS_OFFICER,
            division=province,
            working_days=5,
        )
    late = todos.todo_create(
        kind=demo.REVIEW_KIND,
        title="逾期核对",
        role=Role.TOWN_OFFICER,
        division=zengcheng_town,
        working_days=1,
        starts_on=date(2026, 1, 5),
    )
    todos.todos_refresh(today=date(2026, 3, 2))  # overdue and escalated up to the province
    late.refresh_from_db()
    assert late.escalated_to_id == "440000"

    run, _out, _err = run_bench(tmp_path, only="core.todos.*")

    # Each page's rows were checked against its floor's (the run fails otherwise).
    rows = {result["key"]: result["rows"] for result in run["results"]}
    assert rows["core.todos.page[officer-440000]"] >= 4
    assert rows["core.todos.api[officer-440118]"] >= 1


def test_it_keeps_one_run_per_database_and_scale_in_the_results_file(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    output.write_text(json.dumps({"runs": {"postgresql/province": {"kept": True}}}))

    run_bench(tmp_path, only="accounts.*")

    runs = json.loads(output.read_text())["runs"]
    assert runs["postgresql/province"] == {"kept": True}
    assert f"{connection.vendor}/small" in runs


def test_it_refuses_a_database_holding_other_data(tmp_path: Path) -> None:
    make_user("someone-real", "civil_affairs", "440118")

    with pytest.raises(CommandError, match="不是演示数据"):
        run_bench(tmp_path)
    assert not Division.objects.filter(level=Division.Level.TOWN).exists()


def test_it_refuses_a_demo_of_another_scale(tmp_path: Path) -> None:
    demo.seed(scale=demo.Scale.SMALL)

    with pytest.raises(CommandError, match="small 规模"):
        call_command(
            "bench",
            scale="province",
            in_place=True,
            output=tmp_path / "r.json",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_it_fails_when_a_floor_selects_other_rows_than_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong_floor(ctx: bench.BenchContext, user: Any) -> bench.RawPage:
        return bench.RawPage(
            rows=bench.RawQuery("SELECT code FROM core_division ORDER BY code DESC LIMIT 25")
        )

    broken = bench.PageCase(
        key="test.broken_floor", label="broken", url="/divisions/", floor=wrong_floor
    )
    monkeypatch.setitem(bench_registry.CASES, broken.key, broken)

    with pytest.raises(CommandError, match="fix the floor"):
        run_bench(tmp_path, only="test.broken_floor")


def test_it_benchmarks_sqlite_in_a_file_of_its_own() -> None:
    var = Path("/srv/shezhi/var")

    env = separate_process_env(scale="province", environ={"PATH": "/bin"}, var_dir=var)

    assert env == {
        "PATH": "/bin",
        "SHEZHI_VAR_DIR": "/srv/shezhi/var/bench/province",
        BENCH_SCALE_ENV: "province",
    }
    # Already the bench process, or told which database to use: measure right here.
    assert separate_process_env(scale="province", environ=env, var_dir=var) is None
    postgres = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shezhi_bench"}
    assert separate_process_env(scale="province", environ=postgres, var_dir=var) is None
    with pytest.raises(CommandError):
        separate_process_env(scale="small", environ=env, var_dir=var)


# --- every list has a case --------------------------------------------------------------------


def _patterns(resolvers: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _page_cases() -> list[bench.PageCase]:
    return [case for case in bench_registry.discover() if isinstance(case, bench.PageCase)]


def test_every_list_page_has_a_benchmark_case() -> None:
    covered = {resolve(case.path).func for case in _page_cases()}
    missing = [
        route
        for route, pattern in _patterns(get_resolver().url_patterns)
        if issubclass(getattr(pattern.callback, "view_class", object), ListPage)
        and pattern.callback not in covered
    ]
    assert not missing, f"list pages without a bench.PageCase in their app's bench.py: {missing}"


def test_every_list_api_operation_has_a_benchmark_case() -> None:
    from shezhi.api.urls import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    paths = [case.path for case in _page_cases()]
    missing = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        body = get["responses"].get(200, get["responses"].get("200", {}))
        ref = body.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        properties = components.get(str(ref).rsplit("/", 1)[-1], {}).get("properties", {})
        if not {"count", "items"} <= set(properties):
            continue  # not a paginated list
        template = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        if not any(template.match(p) for p in paths):
            missing.append(path)
    assert not missing, f"list API operations without a bench.PageCase: {missing}"


def test_every_home_page_statistic_has_a_benchmark_case() -> None:
    figures = {
        case.stat for case in bench_registry.discover() if isinstance(case, bench.FigureCase)
    }
    missing = sorted(set(registry.DIVISION_STATS) - figures)
    assert not missing, f"division statistics without a bench.FigureCase: {missing}"
