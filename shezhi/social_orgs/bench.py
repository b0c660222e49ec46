"""The registry's benchmark cases (`shezhi bench`): the officers' list page and list API (plain,
and filtered to blank spots), the public search, and the seeding step, each against the raw SQL
that returns the same rows; and the xlsx import of 20,000 organizations against openpyxl's own
read of the same file.

The import case (bench.ImportCase, bench/imports.py) writes a file of `rows` organizations the
demo does not have, valid by every rule, as the province officer may register them: spread over
the registering authorities of the jurisdiction (types each level may register), addresses in the
towns and villages of each authority's area, credit codes issued under the authority's code with
sequence numbers from IMPORT_SEQUENCE (the demo numbers each authority's organizations from 1),
names unique per authority. Then, each run inside a transaction that is rolled back: (floor)
openpyxl opens it read-only and reads every row; (figure) the import checks every row and writes
them all (imports.check_file + the service's writer: the read, the checks, the rows and their
History rows).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

import bench
from bench import BenchProblem, RawPage, RawQuery, marks, path_range
from bench.imports import write_workbook
from shezhi.core.models import Division
from shezhi.core.roles import Role

from . import demo, imports, services
from .credit_code import issue_credit_code, known_division_codes
from .models import (
    CREDIT_CODE_TYPE,
    LIVE_STATUSES,
    Industry,
    OrgStatus,
    OrgType,
    SocialOrganization,
)
from .rules import ADDRESS_LEVELS, may_register_type

LIST_PAGE_SIZE = 25  # ListPage.per_page
API_PAGE_SIZE = 50  # NINJA_PAGINATION_PER_PAGE
PUBLIC_PAGE_SIZE = 20  # views.public.PER_PAGE
PUBLIC_TERM = "协会"  # in thousands of names: a search with many matches
IMPORT_ROWS = 20_000  # at province scale; the small scale (CI) imports SMALL_IMPORT_ROWS
SMALL_IMPORT_ROWS = 2_000
# Credit-code sequence numbers of the imported rows: IMPORT_SEQUENCE + row index, one number per
# row whatever its authority. The demo issues 1, 2, … per authority (a few thousand at most),
# the import tests 500,000 and up.
IMPORT_SEQUENCE = 900_000

_COLUMNS = (
    "o.{key}, o.name, o.credit_code, o.org_type, o.industry, o.status, o.founded_on, "
    "o.staff_count, o.legal_representative, o.legal_representative_phone, "
    "o.organization_covered, o.has_instructor, o.full_member_count, "
    "a.code, a.name, a.level, a.path, v.code, v.name, v.path"
)
_JOINS = (
    "FROM social_orgs_socialorganization o "
    "JOIN core_division a ON a.code = o.registration_authority_id "
    "JOIN core_division v ON v.code = o.address_division_id"
)
# selectors.blank_spot_q, written out.
_BLANK_SPOT = (
    f"o.status IN ({marks(LIVE_STATUSES)}) AND o.organization_covered = %s "
    "AND (o.full_member_count >= %s OR o.has_instructor = %s)"
)
_BLANK_SPOT_PARAMS = [*LIVE_STATUSES, False, 3, False]


def organization_page(
    limit: int, *, key: str = "id", blank_spots: bool = False
) -> Callable[[bench.BenchContext, Any], RawPage]:
    """The officers' list (OrganizationList, or the list API): organizations registered inside
    the jurisdiction, by authority then name (the org_scope_name index), one page, and the
    count."""

    def page(ctx: bench.BenchContext, user: Any) -> RawPage:
        scope, params = path_range("o.authority_path", user)
        if blank_spots:
            scope = f"{scope} AND {_BLANK_SPOT}"
            params = [*params, *_BLANK_SPOT_PARAMS]
        return RawPage(
            rows=RawQuery(
                f"SELECT {_COLUMNS.format(key=key)} {_JOINS} WHERE {scope} "
                f"ORDER BY o.authority_path, o.name, o.id LIMIT {limit}",
                params,
            ),
            count=RawQuery(
                f"SELECT COUNT(*) FROM social_orgs_socialorganization o WHERE {scope}", params
            ),
        )

    return page


def public_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The public search (selectors.public_search): by name, the whole province, no phones."""
    where = "o.name LIKE %s"
    params = [f"%{PUBLIC_TERM}%"]
    return RawPage(
        rows=RawQuery(
            "SELECT o.id, o.name, o.credit_code, o.org_type, o.status, o.founded_on, "
            f"o.legal_representative, a.code, a.name {_JOINS} WHERE {where} "
            f"ORDER BY o.name, o.id LIMIT {PUBLIC_PAGE_SIZE}",
            params,
        ),
        count=RawQuery(
            f"SELECT COUNT(*) FROM social_orgs_socialorganization o WHERE {where}", params
        ),
    )


bench.register(
    bench.PageCase(
        key="social_orgs.list.page",
        label=_("社会组织列表页"),
        url="/orgs/",
        floor=organization_page(LIST_PAGE_SIZE),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.blank_spots.page",
        label=_("社会组织列表页（党建空白点）"),
        url="/orgs/?coverage=blank_spot",
        floor=organization_page(LIST_PAGE_SIZE, blank_spots=True),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.list.api",
        label=_("社会组织接口"),
        url="/api/v1/social-orgs/",
        floor=organization_page(API_PAGE_SIZE, key="credit_code"),
        page_data=bench.api_page_data("credit_code"),
    )
)
bench.register(
    bench.PageCase(
        key="social_orgs.public.search",
        label=_("社会组织公开查询"),
        url=f"/public/orgs/?q={PUBLIC_TERM}",
        floor=public_page,
        personas=("county",),
    )
)
bench.register(
    bench.SeedCase(
        key="social_orgs.seed",
        label=_("演示数据：社会组织"),
        step="social_orgs",
        rows={
            SocialOrganization: Q(),
            # The step's organization accounts (org-<credit code>), written again by it.
            SocialOrganization.accounts.field.model: Q(role=Role.ORGANIZATION_ACCOUNT),
        },
    )
)


# --- the import ----------------------------------------------------------------------------------

_NAME_ENDINGS: dict[str, str] = {
    OrgType.SOCIAL_GROUP: "协会",
    OrgType.SOCIAL_SERVICE: "社会工作服务中心",
    OrgType.FOUNDATION: "基金会",
}


def _import_authorities(actor: Any) -> list[tuple[Division, list[Division]]]:
    """The registering authorities `actor` may register at, each with the current towns and
    villages of its area (those without any are left out: an organization needs an address)."""
    from .selectors import registering_authorities

    issuable = known_division_codes()
    authorities = {
        division.code: division
        for division in registering_authorities(actor)
        if division.code in issuable
    }
    places: dict[str, list[Division]] = defaultdict(list)
    for place in (
        Division.objects.filter(level__in=ADDRESS_LEVELS, is_current=True)
        .only("code", "path", "level")
        .order_by("code")
    ):
        for code in place.ancestor_codes:
            if code in authorities:
                places[code].append(place)
    return [(authority, places[code]) for code, authority in authorities.items() if places[code]]


def write_import_file(ctx: bench.BenchContext, actor: Any, target: Path, rows: int) -> None:
    """`rows` organizations in the template's columns, valid by every rule, none of them the
    demo's (credit codes from IMPORT_SEQUENCE, names numbered)."""
    authorities = _import_authorities(actor)
    if not authorities:
        raise BenchProblem("no registering authority with towns or villages in the jurisdiction")
    if IMPORT_SEQUENCE + rows > 10**6:
        raise BenchProblem(f"{rows} rows do not fit the credit codes' sequence numbers")
    write_workbook(
        target,
        title=str(imports.SHEET_TITLE),
        header=[column.label for column in imports.COLUMNS],
        rows=_organization_rows(rows, authorities=authorities, seed=20161231),
    )


def _organization_rows(
    rows: int, *, authorities: list[tuple[Division, list[Division]]], seed: int
) -> Iterator[list[Any]]:
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    keys = [column.key for column in imports.COLUMNS]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    first_day = datetime.date(1990, 1, 1)
    days = (datetime.date(2016, 12, 31) - first_day).days
    # The demo's shares of types (those each level may register), industries and statuses.
    types = [
        {
            org_type: share
            for org_type, share in demo.TYPE_SHARES[authority.level].items()
            if may_register_type(org_type, authority)
        }
        for authority, _places in authorities
    ]

    def draw(shares: dict[str, float]) -> str:
        return rng.choices(list(shares), weights=list(shares.values()))[0]

    for n in range(rows):
        authority, places = authorities[n % len(authorities)]
        org_type = draw(types[n % len(authorities)])
        industry = draw(demo.INDUSTRY_SHARES[org_type])
        status = draw(demo.STATUS_SHARES)
        place = rng.choice(places)
        values: dict[str, Any] = {
            "credit_code": issue_credit_code(
                organization_type=CREDIT_CODE_TYPE[org_type],
                division_code=authority.code,
                sequence=IMPORT_SEQUENCE + n,
            ),
            # Numbered, so unique in its authority, and unlike any demo name.
            "name": f"{authority.name}导入第{n + 1}号{_NAME_ENDINGS[org_type]}",
            "org_type": str(OrgType(org_type).label),
            "industry": str(Industry(industry).label),
            "registration_authority": authority.code,
            "business_supervisor": "",
            "address_division": place.code,
            "address": f"{rng.choice('东南西北中')}路{rng.randint(1, 300)}号",
            "legal_representative": rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            "legal_representative_phone": (
                f"139{rng.randrange(10**8):08d}" if rng.random() < demo.PHONE_SHARE else ""
            ),
            "founded_on": first_day + datetime.timedelta(days=rng.randrange(days)),
            "staff_count": rng.randint(0, 60),
            "charter_has_party_clause": "是" if rng.random() < demo.PARTY_CLAUSE_SHARE else "否",
            "status": str(OrgStatus(status).label),
        }
        yield [values.get(key, "") if key else "" for key in keys]


bench.register(
    bench.ImportCase(
        key="social_orgs.import",
        label=_("导入社会组织 xlsx（下限：openpyxl 只读读取同一文件）"),
        rows=IMPORT_ROWS,
        small_rows=SMALL_IMPORT_ROWS,
        write_file=write_import_file,
        # What services.organization_import_run does once the job is running: check the whole
        # file, then write it in one transaction with History.
        run_import=bench.check_then_write(imports.check_file, services._write_rows),
    )
)
