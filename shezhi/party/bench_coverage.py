# Floors: hand-written SQL assembled from literal fragments and division paths, never from input
# (the S608 exemption that bench.py modules have).
# ruff: noqa: S608
"""Benchmark cases of the statistics (`shezhi bench`, registered by shezhi/party/bench.py).

- The "two coverages" report of a division (analysis.coverage_report: the /party/coverage/ page
  and GET /api/v1/party/coverage?division=), for the province and a city, against the raw SQL
  aggregate that computes the same figures: the child divisions and three grouped scans (live
  organizations, active party organizations, members on the roll) in one UNION ALL statement.
  The issue's target: a few tens of milliseconds on the province data, within 1.5× that floor.
- The findings API (GET /api/v1/party/findings, findings.findings), against the raw SQL of the
  rule queries it runs: each rule's count, then one page of cases, rule after rule and by id
  within a rule (as the API pages across rules), keyed "rule:subject id".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import bench
from bench import RawPage, RawQuery, marks
from bench.sql import PageData, run_raw
from shezhi.core.models import Division
from shezhi.social_orgs.models import LIVE_STATUSES, OrgType

from . import rules
from .analysis import LEVELS_WITH_FIGURES, PROVINCE_CODE, Figures, coverage_report
from .findings import (
    BRANCH_COMMITTEE_FULL_MEMBERS,
    BRANCH_SUGGEST_GENERAL,
    FULL_MEMBERS_FOR_OWN_ORGANIZATION,
    JOINT_BRANCH_MAX_UNITS,
    MIN_COMMITTEE_SEATS,
    RULES,
)
from .models import MemberStatus, PartyOrgKind, PartyOrgStatus, Stage

FINDINGS_PAGE_SIZE = 50  # FindingsQuery.limit's default
BLANK_SPOT_FULL_MEMBERS = 3  # social_orgs.selectors.blank_spot_q


def _below(column: str, path: str) -> tuple[str, list[Any]]:
    """Rows at or below the division with this path (core.scoping.prefix_q, written out)."""
    return f"{column} >= %s AND {column} < %s", [path, path[:-1] + "0"]


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# --- the coverage report -------------------------------------------------------------------------


def figures_shape(figures: Figures) -> dict[str, Any]:
    """Everything the statistics page and the API show of one division: its figures, by
    organization type and by party-organization kind."""
    return {
        **figures.as_dict(),
        "orgs_by_type": {
            org_type: [c.social_orgs, c.organization_covered, c.work_covered, c.blank_spots]
            for org_type, c in figures.orgs_by_type.items()
        },
        "party_organizations_by_kind": dict(figures.party_organizations_by_kind),
    }


def coverage_prepare(division: Division) -> Callable[[], list[dict[str, Any]]]:
    """The whole report, children included (the page and the API ask for nothing else)."""

    def compute() -> list[dict[str, Any]]:
        report = coverage_report(division)
        return [figures_shape(figures) for figures in (report.total, *report.children)]

    return compute


def coverage_floor(division: Division) -> RawQuery:
    """One statement: the child divisions with figures, then live organizations, active party
    organizations (leading committees left out) and active members inside the division, each
    grouped by the child their path falls in (its first `width` characters) and by type, kind
    or stage. Every part has the same columns: part, unit, key, name, level, n, a, b, c."""
    width = len(division.path) + 7  # a child's path: the parent's, a 6-digit code and "/"
    orgs, org_params = _below("o.authority_path", division.path)
    parties, party_params = _below("p.division_path", division.path)
    members, member_params = _below("m.division_path", division.path)
    sql = (
        "SELECT 'division' AS part, d.path AS unit, d.code AS k, d.name AS name, "
        "d.level AS level, 0 AS n, 0 AS a, 0 AS b, 0 AS c FROM core_division d "
        "WHERE d.parent_id = %s AND d.is_current = %s "
        f"AND d.level IN ({marks(LEVELS_WITH_FIGURES)}) "
        "UNION ALL "
        # n: organizations; a: organization coverage; b: work coverage (a party organization
        # or an instructor); c: blank spots (no party organization, and three full members or
        # no instructor either).
        "SELECT 'orgs', substr(o.authority_path, 1, %s), o.org_type, '', '', COUNT(*), "
        "COUNT(CASE WHEN o.organization_covered = %s THEN 1 END), "
        "COUNT(CASE WHEN o.organization_covered = %s OR o.has_instructor = %s THEN 1 END), "
        "COUNT(CASE WHEN o.organization_covered = %s "
        "AND (o.full_member_count >= %s OR o.has_instructor = %s) THEN 1 END) "
        "FROM social_orgs_socialorganization o "
        f"WHERE {orgs} AND o.status IN ({marks(LIVE_STATUSES)}) GROUP BY 2, 3 "
        "UNION ALL "
        # n: party organizations; a: those directly under the provincial leading committee.
        "SELECT 'party', substr(p.division_path, 1, %s), p.kind, '', '', COUNT(*), "
        "COUNT(CASE WHEN p.parent_id IN (SELECT l.id FROM party_partyorganization l "
        "WHERE l.kind = %s AND l.division_id = %s) THEN 1 END), 0, 0 "
        "FROM party_partyorganization p "
        f"WHERE {parties} AND p.kind <> %s AND p.status = %s GROUP BY 2, 3 "
        "UNION ALL "
        "SELECT 'members', substr(m.division_path, 1, %s), m.stage, '', '', COUNT(*), 0, 0, 0 "
        f"FROM party_partymember m WHERE {members} AND m.status = %s GROUP BY 2, 3"
    )
    leading = PartyOrgKind.LEADING_COMMITTEE
    params = [
        division.code,
        True,
        *LEVELS_WITH_FIGURES,
        width,
        True,
        True,
        True,
        False,
        BLANK_SPOT_FULL_MEMBERS,
        False,
        *org_params,
        *LIVE_STATUSES,
        width,
        leading,
        PROVINCE_CODE,
        *party_params,
        leading,
        PartyOrgStatus.ACTIVE,
        width,
        *member_params,
        MemberStatus.ACTIVE,
    ]
    return RawQuery(sql, params)


def _empty_figures(code: str, name: str, level: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "level": level,
        "social_orgs": 0,
        "organization_covered": 0,
        "work_covered": 0,
        "party_organizations": 0,
        "party_organizations_direct": 0,
        "members": 0,
        "members_by_stage": dict.fromkeys(Stage.values, 0),
        "blank_spots": 0,
        "registered_here": 0,
        "orgs_by_type": {org_type: [0, 0, 0, 0] for org_type in OrgType.values},
        "party_organizations_by_kind": {},
    }


def coverage_value(division: Division, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The aggregate's rows in the report's shape: the division, then each child by code."""
    children = sorted((row for row in rows if row[0] == "division"), key=lambda row: row[2])
    total = _empty_figures(division.code, division.name, division.level)
    by_unit = {row[1]: _empty_figures(row[2], row[3], row[4]) for row in children}
    for part, unit, key, _name, _level, n, a, b, c in rows:
        if part == "division":
            continue
        for figures in (total, by_unit.get(unit)):
            if figures is None:
                continue
            if part == "orgs":
                figures["social_orgs"] += n
                figures["organization_covered"] += a
                figures["work_covered"] += b
                figures["blank_spots"] += c
                by_type = figures["orgs_by_type"][key]
                for i, value in enumerate((n, a, b, c)):
                    by_type[i] += value
            elif part == "party":
                figures["party_organizations"] += n
                figures["party_organizations_direct"] += a
                kinds = figures["party_organizations_by_kind"]
                kinds[key] = kinds.get(key, 0) + n
            else:
                figures["members"] += n
                figures["members_by_stage"][key] += n
        if part == "orgs" and unit == division.path:
            total["registered_here"] += n
    result = [total, *by_unit.values()]
    for figures in result:
        figures["organization_coverage_rate"] = _rate(
            figures["organization_covered"], figures["social_orgs"]
        )
        figures["work_coverage_rate"] = _rate(figures["work_covered"], figures["social_orgs"])
    return result


bench.register(
    bench.FigureCase(
        key="party.coverage.report",
        label=_("党建两个覆盖统计（本级及各下级）"),
        prepare=coverage_prepare,
        floor=coverage_floor,
        floor_value=coverage_value,
    )
)


# --- the findings API ----------------------------------------------------------------------------

# Each rule's part of the UNION selects the same columns: the subject's id and name, the number
# its message quotes, the organization's credit code (its link) and a party organization's term
# (its message).
_NO_TERM = "CAST(NULL AS DATE) AS started, CAST(NULL AS INTEGER) AS years"
_ORG_COLUMNS = (
    f"o.id AS id, o.name AS name, o.full_member_count AS n, o.credit_code AS code, {_NO_TERM}"
)
_MEMBER_COLUMNS = (
    "m.id AS id, m.name AS name, CAST(NULL AS INTEGER) AS n, CAST(NULL AS TEXT) AS code, "
    f"{_NO_TERM}"
)


def finding_parts(path: str, today: date) -> dict[str, tuple[str, list[Any]]]:
    """Each rule's cases inside the division with this path, as raw SQL (findings.RULES)."""
    orgs, org_params = _below("o.authority_path", path)
    parties, party_params = _below("p.division_path", path)
    members, member_params = _below("m.division_path", path)
    orgs = f"{orgs} AND o.status IN ({marks(LIVE_STATUSES)})"
    org_params = [*org_params, *LIVE_STATUSES]
    # Active party organizations built in social organizations (no leading committees).
    parties = f"{parties} AND p.kind <> %s AND p.status = %s"
    party_params = [*party_params, PartyOrgKind.LEADING_COMMITTEE, PartyOrgStatus.ACTIVE]
    branches = [PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH]
    members = f"{members} AND m.status = %s"
    member_params = [*member_params, MemberStatus.ACTIVE]
    # rules.probation_overdue_q's dates.
    cutoff = today - timedelta(days=rules.promotion_grace_days())
    one_year_before = rules.add_years(cutoff, -rules.PROBATION_YEARS)
    extended_before = rules.add_months(one_year_before, -rules.EXTENSION_MAX_MONTHS)
    return {
        "coverage.needs_own_organization": (
            # Three full members and no active party organization of its own (a joint branch
            # is not one of its own). An organization has one coverage at most: no duplicates.
            f"SELECT {_ORG_COLUMNS} FROM social_orgs_socialorganization o "
            "LEFT JOIN party_coverage c ON c.social_org_id = o.id "
            "LEFT JOIN party_partyorganization p ON p.id = c.party_organization_id "
            "AND p.status = %s AND p.kind <> %s "
            f"WHERE {orgs} AND o.full_member_count >= %s "
            "AND NOT (o.organization_covered = %s AND p.id IS NOT NULL)",
            [
                PartyOrgStatus.ACTIVE,
                PartyOrgKind.JOINT_BRANCH,
                *org_params,
                FULL_MEMBERS_FOR_OWN_ORGANIZATION,
                True,
            ],
        ),
        "coverage.no_work_coverage": (
            f"SELECT {_ORG_COLUMNS} FROM social_orgs_socialorganization o "
            f"WHERE {orgs} AND o.full_member_count < %s "
            "AND o.organization_covered = %s AND o.has_instructor = %s",
            [*org_params, FULL_MEMBERS_FOR_OWN_ORGANIZATION, False, False],
        ),
        "party.joint_branch_too_large": (
            "SELECT p.id AS id, p.name AS name, COUNT(c.id) AS n, CAST(NULL AS TEXT) AS code, "
            f"{_NO_TERM} FROM party_partyorganization p "
            "LEFT JOIN party_coverage c ON c.party_organization_id = p.id "
            f"WHERE {parties} AND p.kind = %s GROUP BY p.id, p.name HAVING COUNT(c.id) > %s",
            [*party_params, PartyOrgKind.JOINT_BRANCH, JOINT_BRANCH_MAX_UNITS],
        ),
        "party.branch_too_large": (
            "SELECT p.id AS id, p.name AS name, COUNT(m.id) AS n, CAST(NULL AS TEXT) AS code, "
            f"{_NO_TERM} FROM party_partyorganization p "
            "LEFT JOIN party_partymember m ON m.branch_id = p.id AND m.status = %s "
            f"WHERE {parties} AND p.kind IN ({marks(branches)}) "
            "GROUP BY p.id, p.name HAVING COUNT(m.id) > %s",
            [MemberStatus.ACTIVE, *party_params, *branches, BRANCH_SUGGEST_GENERAL],
        ),
        "party.no_branch_committee": (
            # Seven full members and fewer than three sitting committee members.
            "SELECT x.id AS id, x.name AS name, x.full_members AS n, CAST(NULL AS TEXT) AS code, "
            f"{_NO_TERM} FROM (SELECT p.id, p.name, "
            "(SELECT COUNT(*) FROM party_partymember m WHERE m.branch_id = p.id "
            "AND m.status = %s AND m.stage = %s) AS full_members, "
            "(SELECT COUNT(*) FROM party_committeepost s WHERE s.party_organization_id = p.id "
            "AND s.until IS NULL) AS seats FROM party_partyorganization p "
            f"WHERE {parties} AND p.kind IN ({marks(branches)})) x "
            "WHERE x.full_members >= %s AND x.seats < %s",
            [
                MemberStatus.ACTIVE,
                Stage.FULL,
                *party_params,
                *branches,
                BRANCH_COMMITTEE_FULL_MEMBERS,
                MIN_COMMITTEE_SEATS,
            ],
        ),
        "party.term_expired": (
            "SELECT p.id AS id, p.name AS name, CAST(NULL AS INTEGER) AS n, "
            "CAST(NULL AS TEXT) AS code, p.term_started_on AS started, p.term_years AS years "
            f"FROM party_partyorganization p WHERE {parties} "
            "AND ((p.term_years = 3 AND p.term_started_on < %s) "
            "OR (p.term_years = 5 AND p.term_started_on < %s))",
            [*party_params, rules.add_years(today, -3), rules.add_years(today, -5)],
        ),
        "member.probation_overdue": (
            f"SELECT {_MEMBER_COLUMNS} FROM party_partymember m WHERE {members} AND m.stage = %s "
            "AND ((m.probation_extended = %s AND m.probationary_on < %s) "
            "OR (m.probation_extended = %s AND m.probation_extended_until < %s) "
            "OR (m.probation_extended = %s AND m.probation_extended_until IS NULL "
            "AND m.probationary_on < %s))",
            [
                *member_params,
                Stage.PROBATIONARY,
                False,
                one_year_before,
                True,
                cutoff,
                True,
                extended_before,
            ],
        ),
        "member.activist_overdue": (
            f"SELECT {_MEMBER_COLUMNS} FROM party_partymember m WHERE {members} AND m.stage = %s "
            "AND m.activist_on <= %s",
            [
                *member_params,
                Stage.ACTIVIST,
                rules.add_years(today, -rules.activist_review_years()),
            ],
        ),
        "member.without_branch": (
            f"SELECT {_MEMBER_COLUMNS} FROM party_partymember m WHERE {members} "
            "AND m.branch_id IS NULL AND m.stage IN (%s, %s)",
            [*member_params, Stage.PROBATIONARY, Stage.FULL],
        ),
    }


def findings_page(ctx: bench.BenchContext, user: Any) -> RawPage:
    """The API's first page for the viewer's own division (its default), as the API gets it:
    each rule's count of cases, then the first cases by id of the rules the page reaches, in
    the rules' order, keyed "rule:subject id".

    Which rules the page reaches follows from the counts: they are read here once, untimed;
    the timed floor is the count statements and one statement for the page's rows."""
    parts = finding_parts(user.division.path, timezone.localdate())
    if set(parts) != {rule.code for rule in RULES}:
        raise bench.BenchProblem(
            "party.findings.api: the rules changed (findings.RULES): write their SQL here too"
        )
    # One statement per rule, as the API counts them: a single statement adding the counts up
    # runs them without PostgreSQL's parallel workers, slower than the API itself.
    counts = tuple(
        RawQuery(f"SELECT COUNT(*) FROM ({parts[rule.code][0]}) q", parts[rule.code][1])
        for rule in RULES
    )
    selects: list[str] = []
    params: list[Any] = []
    remaining = FINDINGS_PAGE_SIZE
    for number, (rule, count) in enumerate(zip(RULES, counts, strict=True)):
        found = run_raw(ctx.connection, count)[0][0]
        take = min(found, remaining)
        if take <= 0:
            continue
        remaining -= take
        sql, part_params = parts[rule.code]
        selects.append(
            f"SELECT * FROM (SELECT %s || CAST(q.id AS TEXT) AS k, {number} AS r, q.id AS i, "
            f"q.name, q.n, q.code, q.started, q.years FROM ({sql}) q "
            f"ORDER BY q.id LIMIT {take}) page{number}"
        )
        params += [f"{rule.code}:", *part_params]
        if not remaining:
            break
    rows = (
        RawQuery(f"{' UNION ALL '.join(selects)} ORDER BY r, i", params)
        if selects
        else RawQuery("SELECT 1 WHERE 1 = 0")
    )
    return RawPage(rows=rows, count=counts)


def findings_page_data(response: HttpResponse) -> PageData:
    """The API's findings, each keyed by its rule and subject (a subject can have several)."""
    body = response.json()  # type: ignore[attr-defined]
    keys = [f"{item['rule']}:{item['subject_id']}" for item in body["items"]]
    return PageData(keys, body["count"])


bench.register(
    bench.PageCase(
        key="party.findings.api",
        label=_("党建规则发现的问题接口"),
        url="/api/v1/party/findings",
        floor=findings_page,
        page_data=findings_page_data,
    )
)
