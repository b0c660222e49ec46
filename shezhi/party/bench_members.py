"""Benchmark cases of the members module (`shezhi bench`, registered by shezhi/party/bench.py):
the member list page and API and the transfer list against the raw SQL of the same page, and the
xlsx import of 100,000 members against openpyxl's own read of the same file.

The import case (bench.ImportCase, bench/imports.py) writes a file of `rows` members placed in the
demo's organizations and branches (people the demo does not have: ID sequence digits 900–999),
then, each run inside a transaction that is rolled back: (floor) openpyxl opens it read-only and
reads every row; (figure) the import checks every row and writes them all (imports.check_file +
imports.write_rows: the read, the checks, the History rows, the coverage refresh). The target is
a ratio under 3.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

import bench
from bench import BenchProblem, RawPage, RawQuery, path_range
from bench.imports import write_workbook

from . import imports

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE
IMPORT_ROWS = 100_000  # at province scale; the small scale (CI) imports SMALL_IMPORT_ROWS
SMALL_IMPORT_ROWS = 2_000

JOINS = (
    "FROM party_partymember m "
    "LEFT JOIN party_partyorganization b ON b.id = m.branch_id "
    "LEFT JOIN social_orgs_socialorganization e ON e.id = m.employer_id "
    "JOIN core_division d ON d.code = m.division_id"
)
COLUMNS = (
    "SELECT m.id, m.name, m.gender, m.id_number, m.phone, m.stage, m.status, m.is_mobile, "
    "m.is_lost_contact, b.id, b.name, e.id, e.name, e.credit_code, d.code, d.name, d.path "
)


def member_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """Members in the viewer's jurisdiction by division, then id (MemberList's default)."""
    scope, params = path_range("m.division_path", user)
    return RawPage(
        rows=RawQuery(
            f"{COLUMNS}{JOINS} WHERE {scope} ORDER BY m.division_path, m.id LIMIT {LIST_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) FROM party_partymember m WHERE {scope}", params),  # noqa: S608
    )


def member_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's first page: by division, name, id."""
    scope, params = path_range("m.division_path", user)
    return RawPage(
        rows=RawQuery(
            f"{COLUMNS}{JOINS} WHERE {scope} ORDER BY m.division_path, m.name, m.id "
            f"LIMIT {API_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) FROM party_partymember m WHERE {scope}", params),  # noqa: S608
    )


def transfer_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """Transfers either end of which is in the viewer's jurisdiction, newest first."""
    return _transfers(user, order="t.sent_on DESC, t.id", limit=LIST_PAGE_SIZE)


def transfer_api_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's first page of transfers: newest first, ties by id descending."""
    return _transfers(user, order="t.sent_on DESC, t.id DESC", limit=API_PAGE_SIZE)


def _transfers(user: Any, *, order: str, limit: int) -> RawPage:
    from_scope, from_params = path_range("f.division_path", user)
    to_scope, to_params = path_range("o.division_path", user)
    joins = (
        "FROM party_transfer t JOIN party_partymember m ON m.id = t.member_id "
        "JOIN party_partyorganization f ON f.id = t.from_branch_id "
        "JOIN party_partyorganization o ON o.id = t.to_branch_id"
    )
    where = f"(({from_scope}) OR ({to_scope}))"
    params = [*from_params, *to_params]
    return RawPage(
        rows=RawQuery(
            "SELECT t.id, m.name, f.name, o.name, t.sent_on, t.valid_until, t.status, "
            f"t.decided_on {joins} WHERE {where} ORDER BY {order} LIMIT {limit}",
            params,
        ),
        count=RawQuery(f"SELECT COUNT(*) {joins} WHERE {where}", params),
    )


bench.register(
    bench.PageCase(
        key="party.members.page", label=_("党员列表页"), url="/party/members/", floor=member_page
    )
)
bench.register(
    bench.PageCase(
        key="party.members.api",
        label=_("党员接口"),
        url="/api/v1/party/members/",
        floor=member_api_page,
        page_data=bench.api_page_data("id"),
    )
)
bench.register(
    bench.PageCase(
        key="party.transfers.api",
        label=_("组织关系转接接口"),
        url="/api/v1/party/transfers/",
        floor=transfer_api_page,
        page_data=bench.api_page_data("id"),
    )
)
bench.register(
    bench.PageCase(
        key="party.transfers.page",
        label=_("组织关系转接列表页"),
        url="/party/transfers/",
        floor=transfer_page,
    )
)


# Floors above: hand-written SQL assembled from literal fragments and the jurisdiction range,
# never from input (the S608 exemption of bench.py modules).

# --- the import ----------------------------------------------------------------------------------


def _bindings(actor: Any) -> list[tuple[str, int]]:
    """(employer credit code, branch id) pairs the importing officer may use: organizations and
    the party organizations formed alone in them."""
    from .models import Coverage, Formation, PartyOrgStatus
    from .selectors.members import branch_choices, employer_choices

    employers = set(employer_choices(actor).values_list("pk", flat=True))
    branches = set(branch_choices(actor).values_list("pk", flat=True))
    pairs = (
        Coverage.objects.filter(
            party_organization__status=PartyOrgStatus.ACTIVE,
            party_organization__formation=Formation.ALONE,
        )
        .order_by("pk")
        .values_list("social_org_id", "social_org__credit_code", "party_organization_id")
    )
    return [
        (code, branch) for org, code, branch in pairs if org in employers and branch in branches
    ]


def write_import_file(ctx: bench.BenchContext, actor: Any, target: Path, rows: int) -> None:
    """`rows` members in the template's columns, valid by every rule, mostly full members, in the
    organizations and branches `actor` may use."""
    bindings = _bindings(actor)
    if not bindings:
        raise BenchProblem("no organization with its own party organization")
    write_workbook(
        target,
        title=str(imports.SHEET_TITLE),
        header=[column.label for column in imports.COLUMNS],
        rows=_member_rows(rows, bindings=bindings, seed=20161231),
    )


def _member_rows(rows: int, *, bindings: list[tuple[str, int]], seed: int) -> Iterator[list[Any]]:
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    keys = [column.key for column in imports.COLUMNS]
    stages = ("正式党员",) * 17 + ("预备党员", "发展对象", "入党积极分子")
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    counties = ("440103", "440104", "440105", "440106", "440303", "440304", "440604", "441302")
    used: set[tuple[str, date, int]] = set()
    for n in range(rows):
        code, branch = bindings[n % len(bindings)]
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(16_000))
        male = rng.random() < 0.6
        address = counties[n % len(counties)]
        while True:
            sequence = 900 + rng.randrange(50) * 2 + (1 if male else 0)
            if (address, born, sequence) not in used:
                used.add((address, born, sequence))
                break
            born += timedelta(days=1)
        body = f"{address}{born:%Y%m%d}{sequence:03d}"
        stage = rng.choice(stages)
        applied = (
            born.replace(year=born.year + 20)
            if born.month != 2 or born.day != 29
            else date(born.year + 20, 3, 1)
        )
        values: dict[str, Any] = {
            "name": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "id_number": body + ric.calc_check_digit(body + "0"),
            "gender": "男" if male else "女",
            "ethnicity": "汉族",
            "phone": f"139{rng.randrange(10**8):08d}",
            "education": rng.choice(("大学本科", "大学专科", "研究生", "高中")),
            "employer_code": code,
            "branch_id": branch,
            "stage": stage,
            "applied_on": applied,
            "activist_on": applied + timedelta(days=120),
            "training_hours": 24,
            "is_mobile": "否",
            "is_lost_contact": "否",
        }
        if stage != "入党积极分子":
            values["candidate_on"] = applied + timedelta(days=600)
        if stage in ("正式党员", "预备党员"):
            values["probationary_on"] = applied + timedelta(days=800)
        if stage == "正式党员":
            values["full_on"] = applied + timedelta(days=1200)
        yield [values.get(key, "") if key else "" for key in keys]


bench.register(
    bench.ImportCase(
        key="party.members.import",
        label=_("导入党员 xlsx（下限：openpyxl 只读读取同一文件）"),
        rows=IMPORT_ROWS,
        small_rows=SMALL_IMPORT_ROWS,
        write_file=write_import_file,
        # imports.check_file + imports.write_rows: the read, the checks, the History rows, the
        # coverage refresh.
        run_import=bench.check_then_write(imports.check_file, imports.write_rows),
    )
)
