"""Demo data of party organizations: two seeding steps around the members' step.

1. "party_organizations" (after "social_orgs"): the provincial social-organization party
   committee (中共广东省社会组织委员会) and one per city; party organizations of every kind and
   formation in social organizations, 8,099 at province scale (DOMAIN.md §0: "8,099 party
   organizations set up in them", i.e. in social organizations, so the leading committees are not
   counted), 361 of them directly under the provincial committee; joint branches covering 2–5
   organizations; instructors assigned mostly where no party organization covers an
   organization; then ONE coverage_refresh over every organization.
2. "party_committees" (after the members' step): committee posts held by each organization's
   full members, business-handling applications in every state (with their to-dos), and the
   re-election reminders the daily task would raise.

THE CONTRACT WITH THE MEMBERS' STEP (ordered between the two, e.g. order 60): it reads
`party_staffing()` below, computed from the records step 1 wrote (so it holds in another process
too), and places members so that the data agree with the rules:
- `alone[social_org_id] = party_org_id`: organizations whose party organization was formed
  alone (单独组建). Each needs at least ALONE_MIN_FULL_MEMBERS (3) full members employed there
  (《中国共产党章程》第三十条), on the roll of that party organization or of one of its
  `children[party_org_id]` (the branches of a committee or general branch in the same
  organization).
- `covered[social_org_id] = party_org_id`: every other covered organization (joint, area,
  industry, attached, delegated); members employed there belong to that party organization.
  Keep them under three full members each, or the rules flag the organization as able to form
  its own.
- `uncovered`: live organizations without a party organization (most have an instructor). Giving
  a realistic minority of them three or more full members makes them blank spots.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from functools import cache
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shezhi.core import registry, workdays
from shezhi.core.demo import Scale, SeedContext, apportion
from shezhi.core.models import Division, StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.social_orgs.models import LIVE_STATUSES, Industry, SocialOrganization

from .coverage import coverage_refresh
from .models import (
    ApplicationKind,
    ApplicationStatus,
    CommitteePost,
    Coverage,
    Formation,
    Instructor,
    InstructorAssignment,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
    Stage,
    TermYears,
)
from .services.organizations import (
    ALONE_MIN_FULL_MEMBERS,
    DECISION_TODO,
    JOINT_BRANCH_MAX_UNITS,
    JOINT_BRANCH_MIN_UNITS,
    decision_working_days,
    leading_committees_ensure,
    reelection_reminders_raise,
)

# DOMAIN.md §0, end of 2016: party organizations in social organizations, and those directly
# under the provincial social-organization party committee; 59,455 social organizations.
PROVINCE_PARTY_ORGS = 8_099
PROVINCE_DIRECT = 361
PROVINCE_SOCIAL_ORGS = 59_455
# Assumed shares [U] (no 2016 figure published): about six in ten organizations covered by a
# party organization, a third reached by an instructor only, about one in ten neither.
ORGANIZATION_COVERAGE = 0.60
INSTRUCTOR_ONLY = 0.33
# Instructors also follow some newly covered organizations.
INSTRUCTED_COVERED = 0.05
PROVINCE_CODE = "440000"

# The make-up of the party organizations outside the province's direct ones, as shares of them
# (children of committees and general branches included); alone branches take the rest.
SHARES = {
    "committee": 0.010,
    "general_branch": 0.030,
    "joint": 0.26,
    "area": 0.03,
    "industry": 0.02,
    "attached": 0.015,
    "delegated": 0.010,
}
# The 361 direct ones: province-level organizations are larger (more committees) and trade
# associations are organized by industry.
DIRECT_SHARES = {
    "committee": 0.06,
    "general_branch": 0.11,
    "joint": 0.18,
    "area": 0.0,
    "industry": 0.10,
    "attached": 0.02,
    "delegated": 0.01,
}
CHILDREN = {"committee": (3, 5), "general_branch": (2, 3)}


# --------------------------------------------------------------------------------------------
# The contract with the members' step


@dataclass(frozen=True)
class PartyStaffing:
    """Where the members' step must put full members (see the module docstring)."""

    alone: dict[int, int]
    children: dict[int, list[int]]
    covered: dict[int, int]
    uncovered: list[int]
    min_full_members_alone: int = ALONE_MIN_FULL_MEMBERS


def party_staffing() -> PartyStaffing:
    """Read from the records: which organizations formed their party organization alone, which
    are covered otherwise, and which have none."""
    alone: dict[int, int] = {}
    covered: dict[int, int] = {}
    rows = Coverage.objects.filter(party_organization__status=PartyOrgStatus.ACTIVE).values_list(
        "social_org_id", "party_organization_id", "party_organization__formation"
    )
    for org_id, party_id, formation in rows.iterator(chunk_size=5000):
        (alone if formation == Formation.ALONE else covered)[org_id] = party_id
    children: dict[int, list[int]] = defaultdict(list)
    for child_id, parent_id in (
        PartyOrganization.objects.filter(
            status=PartyOrgStatus.ACTIVE,
            parent_id__in=set(alone.values()),
            coverages__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "parent_id")
    ):
        children[parent_id].append(child_id)
    uncovered = list(
        SocialOrganization.objects.filter(status__in=LIVE_STATUSES, party_coverage__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return PartyStaffing(alone=alone, children=dict(children), covered=covered, uncovered=uncovered)


# --------------------------------------------------------------------------------------------
# Step 1: party organizations, coverage, instructors


@dataclass
class Org:
    pk: int
    name: str
    authority: str
    industry: str
    staff: int
    founded_on: date


@dataclass
class Pool:
    """The live organizations registered by one authority, largest first, and what is left."""

    division: Division
    orgs: list[Org]
    free: list[Org] = field(default_factory=list)

    def take_largest(self) -> Org | None:
        return self.free.pop(0) if self.free else None

    def take_small(self, rng: random.Random, n: int, industry: str | None = None) -> list[Org]:
        """`n` of the smaller organizations left (joint and area formations gather small ones)."""
        candidates = [o for o in self.free if industry is None or o.industry == industry]
        if len(candidates) < n:
            return []
        smaller = candidates[len(candidates) // 3 :]  # free is sorted largest first
        chosen = rng.sample(smaller if len(smaller) >= n else candidates, n)
        taken = {o.pk for o in chosen}
        self.free = [o for o in self.free if o.pk not in taken]
        return chosen


@dataclass
class Unit:
    """A party organization to create."""

    name: str
    kind: str
    formation: str
    pool: Pool
    covers: list[Org]
    parent_key: str | int  # a leading committee's division code, or the index of a unit
    children: int = 0


def _counts(total: int, shares: dict[str, float]) -> dict[str, int]:
    """How many units of each category so that, with the expected children of committees and
    general branches, everything adds up to `total` (alone branches take the rest; the exact
    total is settled once the children are drawn)."""
    counts = {key: round(total * share) for key, share in shares.items()}
    children = sum(counts[key] * (low + high) // 2 for key, (low, high) in CHILDREN.items())
    counts["alone"] = total - sum(counts.values()) - children
    while counts["alone"] < 0:  # a tiny scale: give up joint branches first
        for key in ("joint", "area", "industry", "attached", "delegated", "general_branch"):
            if counts[key] > 0 and counts["alone"] < 0:
                counts[key] -= 1
                counts["alone"] += 1
        if all(counts[k] == 0 for k in SHARES if k not in CHILDREN):
            break
    counts["alone"] = max(counts["alone"], 0)
    return counts


def _targets(ctx: SeedContext, live: int, province_live: int) -> tuple[int, int]:
    if ctx.scale == Scale.PROVINCE:
        return PROVINCE_PARTY_ORGS, PROVINCE_DIRECT
    share = live / PROVINCE_SOCIAL_ORGS
    total = max(1, round(PROVINCE_PARTY_ORGS * share))
    direct = min(max(1, round(PROVINCE_DIRECT * share)), max(province_live // 3, 0))
    return total, min(direct, total)


def _pools() -> dict[str, Pool]:
    divisions = Division.objects.in_bulk(
        SocialOrganization.objects.filter(status__in=LIVE_STATUSES)
        .values_list("registration_authority_id", flat=True)
        .distinct()
    )
    pools: dict[str, Pool] = {}
    rows = (
        SocialOrganization.objects.filter(status__in=LIVE_STATUSES)
        .order_by("pk")
        .values_list(
            "pk", "name", "registration_authority_id", "industry", "staff_count", "founded_on"
        )
    )
    for pk, name, authority, industry, staff, founded in rows.iterator(chunk_size=5000):
        pool = pools.get(authority)
        if pool is None:
            pool = pools[authority] = Pool(divisions[authority], [])
        pool.orgs.append(Org(pk, name, authority, industry, staff, founded))
    # Organizations covered already (a re-run, an imported record) stay as they are.
    taken = set(Coverage.objects.values_list("social_org_id", flat=True))
    for pool in pools.values():
        # Largest first, ties by id: alone, committees and general branches form in the larger.
        pool.orgs.sort(key=lambda o: (-o.staff, o.pk))
        pool.free = [o for o in pool.orgs if o.pk not in taken]
    return pools


class Names:
    """Party-organization names, unique among the active ones (the service refuses twins)."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{name}（{n}）"
        self.taken.add(candidate)
        return candidate


INDUSTRY_LABELS = dict(Industry.choices)


def _plan_pool(
    pool: Pool,
    counts: dict[str, int],
    rng: random.Random,
    names: Names,
    parent_key: str,
    units: list[Unit],
) -> dict[str, int]:
    """Realize `counts` in one pool as far as its organizations allow; returns the shortfall."""
    short: dict[str, int] = defaultdict(int)
    place = pool.division.name
    for key, kind, suffix in (
        ("committee", PartyOrgKind.COMMITTEE, ""),
        ("general_branch", PartyOrgKind.GENERAL_BRANCH, "党总支"),
    ):
        for _i in range(counts.get(key, 0)):
            org = pool.take_largest()
            if org is None:
                short[key] += 1
                continue
            name = f"中共{org.name}委员会" if kind == PartyOrgKind.COMMITTEE else org.name + suffix
            low, high = CHILDREN[key]
            units.append(
                Unit(
                    names.unique(name),
                    kind,
                    Formation.ALONE,
                    pool,
                    [org],
                    parent_key,
                    children=rng.randint(low, high),
                )
            )
    for _i in range(counts.get("alone", 0)):
        org = pool.take_largest()
        if org is None:
            short["alone"] += 1
            continue
        units.append(
            Unit(
                names.unique(org.name + "党支部"),
                PartyOrgKind.BRANCH,
                Formation.ALONE,
                pool,
                [org],
                parent_key,
            )
        )
    for _i in range(counts.get("joint", 0)):
        orgs = pool.take_small(rng, rng.randint(JOINT_BRANCH_MIN_UNITS, JOINT_BRANCH_MAX_UNITS))
        if not orgs:
            short["joint"] += 1
            continue
        name = _("%(org)s等%(n)s家社会组织联合党支部") % {"org": orgs[0].name, "n": len(orgs)}
        units.append(
            Unit(
                names.unique(name),
                PartyOrgKind.JOINT_BRANCH,
                Formation.JOINT,
                pool,
                orgs,
                parent_key,
            )
        )
    for key, formation in (("attached", Formation.ATTACHED), ("delegated", Formation.DELEGATED)):
        for _i in range(counts.get(key, 0)):
            orgs = pool.take_small(rng, rng.randint(1, 2))
            if not orgs:
                short[key] += 1
                continue
            units.append(
                Unit(
                    names.unique(orgs[0].name + "党支部"),
                    PartyOrgKind.BRANCH,
                    formation,
                    pool,
                    orgs,
                    parent_key,
                )
            )
    # Industry and area organizations gather many small organizations: sized afterwards, when
    # the pool's coverage target is known.
    for _i in range(counts.get("industry", 0)):
        industries = [o.industry for o in pool.free]
        if not industries:
            short["industry"] += 1
            continue
        industry = max(set(industries), key=lambda i: (industries.count(i), i))
        orgs = pool.take_small(rng, 1, industry=industry)
        if not orgs:
            short["industry"] += 1
            continue
        name = _("%(place)s%(industry)s行业社会组织联合党委") % {
            "place": place,
            "industry": INDUSTRY_LABELS.get(industry, ""),
        }
        units.append(
            Unit(
                names.unique(name), PartyOrgKind.BRANCH, Formation.INDUSTRY, pool, orgs, parent_key
            )
        )
    for _i in range(counts.get("area", 0)):
        orgs = pool.take_small(rng, 1)
        if not orgs:
            short["area"] += 1
            continue
        name = _("%(place)s社会组织区域联合党委") % {"place": place}
        units.append(
            Unit(names.unique(name), PartyOrgKind.BRANCH, Formation.AREA, pool, orgs, parent_key)
        )
    return short


def _grow_gatherers(units: list[Unit], pools: dict[str, Pool], rng: random.Random) -> None:
    """Let area and industry organizations cover more of their pool until the pool reaches the
    organization-coverage target; their kind follows their size (branch, general branch,
    committee)."""
    gatherers: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.formation in (Formation.AREA, Formation.INDUSTRY):
            gatherers[unit.pool.division.code].append(unit)
    for code, group in gatherers.items():
        pool = pools[code]
        wanted = round(len(pool.orgs) * ORGANIZATION_COVERAGE) - (len(pool.orgs) - len(pool.free))
        if wanted <= 0:
            continue
        free = pool.free
        rng.shuffle(free)
        by_industry: dict[str, list[Org]] = defaultdict(list)
        for org in free:
            by_industry[org.industry].append(org)
        taken: set[int] = set()
        industry_units = [u for u in group if u.formation == Formation.INDUSTRY]
        area_units = [u for u in group if u.formation == Formation.AREA]
        share = wanted // max(len(group), 1)
        for unit in industry_units:
            pick = [o for o in by_industry[unit.covers[0].industry] if o.pk not in taken][:share]
            unit.covers += pick
            taken.update(o.pk for o in pick)
        rest = [o for o in free if o.pk not in taken]
        remaining = max(wanted - len(taken), 0)
        for index, unit in enumerate(area_units):
            n = remaining // max(len(area_units) - index, 1)
            pick, rest = rest[:n], rest[n:]
            remaining -= len(pick)
            unit.covers += pick
            taken.update(o.pk for o in pick)
        pool.free = [o for o in free if o.pk not in taken]
        pool.free.sort(key=lambda o: (-o.staff, o.pk))
        for unit in group:
            n = len(unit.covers)
            unit.kind = (
                PartyOrgKind.COMMITTEE
                if n >= 50
                else PartyOrgKind.GENERAL_BRANCH
                if n >= 15
                else PartyOrgKind.BRANCH
            )
            if unit.kind != PartyOrgKind.COMMITTEE:
                suffix = "党总支" if unit.kind == PartyOrgKind.GENERAL_BRANCH else "党支部"
                unit.name = unit.name.replace("联合党委", "联合" + suffix)


@dataclass(frozen=True)
class Term:
    founded_on: date
    term_years: int
    term_started_on: date


def _term(rng: random.Random, today: date, covered_founded: date) -> Term:
    """Founded by 2016 (the figures are of the end of 2016); the current term started so that
    about 3% have expired and 6% end within 90 days: the re-elections due."""
    years = TermYears.FIVE if rng.random() < 0.1 else TermYears.THREE
    span = years * 365
    latest_founding = min(date(2016, 12, 31), today)
    start_floor = max(covered_founded, date(2002, 1, 1))
    if start_floor > latest_founding:
        # An organization registered after 2016 formed its party organization within a year.
        founded = min(start_floor + timedelta(days=rng.randint(30, 365)), today)
    else:
        founded = start_floor + timedelta(days=rng.randint(0, (latest_founding - start_floor).days))
    roll = rng.random()
    if roll < 0.03:
        started = today - timedelta(days=span + rng.randint(1, 300))
    elif roll < 0.09:
        started = today - timedelta(days=span - rng.randint(0, 89))
    else:
        started = today - timedelta(days=rng.randint(0, span - 91))
    founded = min(founded, started)
    return Term(founded, years, started)


def seed_party_organizations(ctx: SeedContext) -> None:
    rng = ctx.random
    today = timezone.localdate()
    committees = {c.division_id: c for c in leading_committees_ensure()}
    ctx.progress.add(len(committees))
    pools = _pools()
    if not pools:
        return
    live = sum(len(p.orgs) for p in pools.values())
    province_pool = pools.get(PROVINCE_CODE)
    total, direct = _targets(ctx, live, len(province_pool.orgs) if province_pool else 0)
    names = Names(
        PartyOrganization.objects.filter(status=PartyOrgStatus.ACTIVE).values_list(
            "name", flat=True
        )
    )
    units: list[Unit] = []

    # The province's own organizations: exactly `direct` top-level units under its committee.
    province_children = 0
    if province_pool is not None and direct:
        counts = {key: round(direct * share) for key, share in DIRECT_SHARES.items()}
        counts["alone"] = direct - sum(counts.values())
        short = _plan_pool(province_pool, counts, rng, names, PROVINCE_CODE, units)
        if sum(short.values()):
            # Too few organizations for some formations: alone branches take their place
            # (they need only one organization each), so the direct count still holds.
            _plan_pool(
                province_pool, {"alone": sum(short.values())}, rng, names, PROVINCE_CODE, units
            )
        province_children = sum(u.children for u in units)

    # Everything else, in proportion to each authority's organizations.
    rest = total - len(units) - province_children
    others = sorted(
        (p for code, p in pools.items() if code != PROVINCE_CODE), key=lambda p: p.division.code
    )
    if rest > 0 and others:
        counts = _counts(rest, SHARES)
        weights = [len(p.orgs) for p in others]
        per_pool: list[dict[str, int]] = [dict() for _p in others]
        for key, n in counts.items():
            for index, share in enumerate(apportion(n, weights, [0] * len(others))):
                per_pool[index][key] = share
        shortfall: dict[str, int] = defaultdict(int)
        for pool, pool_counts in zip(others, per_pool, strict=True):
            parent = _city_code(pool.division)
            for key, n in _plan_pool(pool, pool_counts, rng, names, parent, units).items():
                shortfall[key] += n
        # Settle the exact total: units a pool could not hold and children drawn differently
        # from the expectation are made up with alone branches in the pools with most left, or
        # taken back from the last alone branches.
        missing = total - len(units) - sum(u.children for u in units)
        while missing > 0:
            pool = max(others, key=lambda p: (len(p.free), p.division.code))
            if not pool.free:
                break
            _plan_pool(pool, {"alone": 1}, rng, names, _city_code(pool.division), units)
            missing -= 1
        excess = len(units) + sum(u.children for u in units) - total
        while excess > 0:
            for index in range(len(units) - 1, -1, -1):
                unit = units[index]
                if (
                    unit.formation == Formation.ALONE
                    and unit.kind == PartyOrgKind.BRANCH
                    and (unit.parent_key != PROVINCE_CODE)
                ):
                    unit.pool.free.insert(0, unit.covers[0])
                    del units[index]
                    break
            else:
                break
            excess -= 1
    _grow_gatherers(units, pools, rng)
    _write(ctx, units, committees, today)
    _seed_instructors(ctx, pools, today)
    # One refresh over every organization: the coverage facts of the whole registry.
    coverage_refresh(
        SocialOrganization.objects.order_by("pk").values_list("pk", flat=True).iterator()
    )


def _city_code(division: Division) -> str:
    """The city whose leading committee leads party organizations registered at `division`."""
    codes = division.ancestor_codes
    return codes[1] if len(codes) > 1 else codes[0]


def _write(
    ctx: SeedContext, units: list[Unit], committees: dict[str, PartyOrganization], today: date
) -> None:
    rng = ctx.random
    top: list[PartyOrganization] = []
    terms: list[Term] = []
    for unit in units:
        parent = committees[str(unit.parent_key)]
        term = _term(rng, today, max(o.founded_on for o in unit.covers))
        terms.append(term)
        top.append(
            PartyOrganization(
                name=unit.name,
                kind=unit.kind,
                formation=unit.formation,
                parent=parent,
                division=unit.pool.division,
                division_path=unit.pool.division.path,  # bulk_create skips save()
                founded_on=term.founded_on,
                term_years=term.term_years,
                term_started_on=term.term_started_on,
            )
        )
    ctx.bulk_create(PartyOrganization, top)

    children: list[PartyOrganization] = []
    for unit, organization, term in zip(units, top, terms, strict=True):
        for number in range(1, unit.children + 1):
            child_term = _term(rng, today, term.founded_on)
            children.append(
                PartyOrganization(
                    name=_("%(org)s第%(n)s党支部") % {"org": unit.covers[0].name, "n": number},
                    kind=PartyOrgKind.BRANCH,
                    formation=Formation.ALONE,
                    parent=organization,
                    division=organization.division,
                    division_path=organization.division_path,
                    founded_on=max(child_term.founded_on, term.founded_on),
                    term_years=child_term.term_years,
                    term_started_on=max(child_term.term_started_on, term.founded_on),
                )
            )
    ctx.bulk_create(PartyOrganization, children)

    def coverages() -> Iterable[Coverage]:
        for unit, organization in zip(units, top, strict=True):
            for org in unit.covers:
                since = organization.founded_on
                if unit.formation in (Formation.AREA, Formation.INDUSTRY):
                    # Gatherers take organizations in over the years.
                    since = since + timedelta(days=rng.randint(0, max((today - since).days, 0)))
                yield Coverage(party_organization=organization, social_org_id=org.pk, since=since)

    ctx.bulk_create(Coverage, coverages())


def _seed_instructors(ctx: SeedContext, pools: dict[str, Pool], today: date) -> None:
    """Instructors where no party organization covers an organization (3 in 4 of those, so
    about 30% of all are reached by an instructor only), and on some covered ones; each
    instructor follows 6–15 organizations of one authority."""
    rng, fake = ctx.random, ctx.faker
    covered = set(Coverage.objects.values_list("social_org_id", flat=True))
    plans: list[tuple[Pool, list[Org]]] = []
    for code in sorted(pools):
        pool = pools[code]
        uncovered = [o for o in pool.orgs if o.pk not in covered]
        wanted = min(round(len(pool.orgs) * INSTRUCTOR_ONLY), len(uncovered))
        chosen = rng.sample(uncovered, wanted)
        others = [o for o in pool.orgs if o.pk in covered]
        chosen += rng.sample(others, round(len(others) * INSTRUCTED_COVERED))
        chosen.sort(key=lambda o: o.pk)
        rng.shuffle(chosen)
        while chosen:
            n = rng.randint(6, 15)
            plans.append((pool, chosen[:n]))
            chosen = chosen[n:]
    titles = (_("社会组织党委委员"), _("党建工作指导员"), _("退休干部"), _("组织科科长"))
    instructors = [
        Instructor(
            name=fake.name(),
            phone=fake.phone_number(),
            workplace=f"{pool.division.name}{rng.choice(titles)}",
            division=pool.division,
            division_path=pool.division.path,
            # A few stood down: their organizations keep no work coverage from them.
            is_active=rng.random() >= 0.02,
        )
        for pool, _orgs in plans
    ]
    ctx.bulk_create(Instructor, instructors)

    def assignments() -> Iterable[InstructorAssignment]:
        for instructor, (_pool, orgs) in zip(instructors, plans, strict=True):
            for org in orgs:
                assigned = today - timedelta(days=rng.randint(30, 1500))
                ended = None
                if not instructor.is_active:
                    ended = assigned + timedelta(days=rng.randint(1, (today - assigned).days))
                yield InstructorAssignment(
                    instructor=instructor,
                    social_org_id=org.pk,
                    assigned_on=assigned,
                    ended_on=ended,
                )

    ctx.bulk_create(InstructorAssignment, assignments())


# --------------------------------------------------------------------------------------------
# Step 2: committees, applications, reminders (after the members' step)

APPLICATION_SHARE = 0.04  # of the party organizations in social organizations
STATUS_WEIGHTS = (
    (ApplicationStatus.DRAFT, 2),
    (ApplicationStatus.SUBMITTED, 3),
    (ApplicationStatus.APPROVED, 6),
    (ApplicationStatus.REFUSED, 1),
    (ApplicationStatus.WITHDRAWN, 1),
)


def _full_members_by_branch(ids: Sequence[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for branch_id, member_id in (
        PartyMember.objects.filter(branch_id__in=ids, stage=Stage.FULL, status=MemberStatus.ACTIVE)
        .order_by("branch_id", "pk")
        .values_list("branch_id", "pk")
        .iterator(chunk_size=5000)
    ):
        members[branch_id].append(member_id)
    return members


def _committee_posts(kind: str, members: list[int], rng: random.Random) -> list[tuple[str, int]]:
    """A committee the rules accept: a secretary (and maybe a deputy) under 7 full members;
    3–5 seats from 7 on (《中国共产党支部工作条例（试行）》第十条); 5–7 for general branches and
    committees when there are enough members."""
    if not members:
        return []
    pool = rng.sample(members, len(members))
    if len(members) < 7:
        posts: list[tuple[str, int]] = [(Post.SECRETARY, pool[0])]
        if len(pool) > 3 and rng.random() < 0.3:
            posts.append((Post.DEPUTY_SECRETARY, pool[1]))
        return posts
    seats = (
        rng.randint(3, 5)
        if kind in (PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH)
        else (rng.randint(5, 7))
    )
    order = [
        Post.SECRETARY,
        Post.ORGANIZATION,
        Post.PUBLICITY,
        Post.DISCIPLINE,
        Post.DEPUTY_SECRETARY,
        Post.MEMBER,
        Post.MEMBER,
    ]
    return list(zip(order[:seats], pool[:seats], strict=True))


def seed_party_committees(ctx: SeedContext) -> None:
    rng = ctx.random
    today = timezone.localdate()
    organizations = list(
        PartyOrganization.objects.in_social_orgs()
        .filter(status=PartyOrgStatus.ACTIVE)
        .select_related("parent", "division")
        .order_by("pk")
    )
    members = _full_members_by_branch([o.pk for o in organizations])
    sitting = set(
        CommitteePost.objects.filter(until__isnull=True).values_list(
            "party_organization_id", flat=True
        )
    )
    committees: dict[int, list[tuple[str, int]]] = {}
    for organization in organizations:
        if organization.pk not in sitting:
            committees[organization.pk] = _committee_posts(
                organization.kind, members.get(organization.pk, []), rng
            )
    by_pk = {o.pk: o for o in organizations}
    ctx.bulk_create(
        CommitteePost,
        (
            CommitteePost(
                party_organization_id=pk,
                member_id=member,
                post=post,
                since=by_pk[pk].term_started_on or by_pk[pk].founded_on,
            )
            for pk, posts in committees.items()
            for post, member in posts
        ),
    )
    _seed_applications(ctx, organizations, committees, members, today)
    ctx.progress.add(reelection_reminders_raise(today=today))


def _when(today: date, rng: random.Random, back: int = 400) -> datetime:
    day = today - timedelta(days=rng.randint(1, back))
    return timezone.make_aware(datetime.combine(day, dt_time(9 + rng.randint(0, 8))))


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, dt_time(hour)))


def _establishing(
    organizations: list[PartyOrganization], rng: random.Random, share: float
) -> list[tuple[SocialOrganization, PartyOrganization]]:
    """Blank spots applying to form their own branch: uncovered live organizations with three or
    more full members, with the leading committee that would decide."""
    committees = {
        c.division_id: c
        for c in PartyOrganization.objects.filter(
            kind=PartyOrgKind.LEADING_COMMITTEE, status=PartyOrgStatus.ACTIVE
        ).select_related("division")
    }
    candidates = list(
        SocialOrganization.objects.filter(
            status__in=LIVE_STATUSES,
            party_coverage__isnull=True,
            full_member_count__gte=ALONE_MIN_FULL_MEMBERS,
        )
        .select_related("registration_authority")
        .order_by("pk")
    )
    wanted = min(len(candidates), round(len(organizations) * share))
    chosen = []
    for org in rng.sample(candidates, wanted):
        codes = org.registration_authority.ancestor_codes
        superior = committees.get(codes[1] if len(codes) > 1 else codes[0])
        if superior is not None:
            chosen.append((org, superior))
    return chosen


def _seed_applications(
    ctx: SeedContext,
    organizations: list[PartyOrganization],
    committees: dict[int, list[tuple[str, int]]],
    members: dict[int, list[int]],
    today: date,
) -> None:
    """Applications of every kind in every state. Approved ones are history the records already
    show: an establishment names the organization it created, an approved change the name the
    organization now has, an approved re-election the sitting committee. Dissolutions are never
    approved here, so the 8,099 stay active; pending establishments come from blank spots."""
    if PartyOrgApplication.objects.exists():
        return
    rng = ctx.random
    n = max(5, round(len(organizations) * APPLICATION_SHARE))
    # One in every division that has party organizations first, so each officer finds business
    # to handle; then a random share of the rest.
    by_division: dict[str, list[PartyOrganization]] = defaultdict(list)
    for organization in organizations:
        by_division[organization.division_id].append(organization)
    chosen = [rng.choice(group) for _code, group in sorted(by_division.items())]
    taken = {o.pk for o in chosen}
    rest = [o for o in organizations if o.pk not in taken]
    chosen += rng.sample(rest, max(0, min(n - len(chosen), len(rest))))
    statuses = [s for s, w in STATUS_WEIGHTS for _i in range(w)]
    coverage: dict[int, list[int]] = defaultdict(list)
    for party_id, org_id in Coverage.objects.filter(
        party_organization__in=[o.pk for o in chosen]
    ).values_list("party_organization_id", "social_org_id"):
        coverage[party_id].append(org_id)
    applications: list[PartyOrgApplication] = []
    for organization in chosen:
        superior = organization.parent
        if superior is None:
            continue
        kinds = [ApplicationKind.ESTABLISH, ApplicationKind.CHANGE, ApplicationKind.DISSOLVE]
        if members.get(organization.pk):
            kinds += [ApplicationKind.REELECT] * 3
        kind = rng.choice(kinds)
        status = rng.choice(statuses)
        created = _when(today, rng)
        application = PartyOrgApplication(
            kind=kind,
            party_organization=organization,
            superior=superior,
            division=organization.division,
            division_path=organization.division_path,
            status=status,
            created_at=created,
        )
        covered = coverage.get(organization.pk, [])
        if kind == ApplicationKind.ESTABLISH:
            # The application that created an existing organization: approved by definition,
            # a month before its founding.
            application.status = ApplicationStatus.APPROVED
            application.social_org_id = covered[0] if len(covered) == 1 else None
            application.proposal = {
                "name": organization.name,
                "kind": organization.kind,
                "formation": organization.formation,
                "covered_organizations": covered,
                "term_years": organization.term_years,
                "founded_on": organization.founded_on.isoformat(),
            }
            created = application.created_at = _aware(
                organization.founded_on - timedelta(days=rng.randint(25, 60))
            )
        elif kind == ApplicationKind.CHANGE:
            renamed = status == ApplicationStatus.APPROVED
            application.proposal = {
                "name": organization.name if renamed else organization.name + _("（更名）")
            }
        elif kind == ApplicationKind.REELECT:
            approved = status == ApplicationStatus.APPROVED and committees.get(organization.pk)
            posts = (
                committees[organization.pk]
                if approved
                else _committee_posts(organization.kind, members[organization.pk], rng)
            )
            application.proposal = {
                "term_started_on": organization.term_started_on.isoformat()
                if approved and organization.term_started_on
                else None,
                "term_years": organization.term_years,
                "posts": [{"post": post, "member": member} for post, member in posts],
            }
            if approved and organization.term_started_on:
                created = application.created_at = _aware(
                    organization.term_started_on - timedelta(days=rng.randint(25, 60))
                )
        else:
            if status == ApplicationStatus.APPROVED:
                application.status = rng.choice(
                    [ApplicationStatus.SUBMITTED, ApplicationStatus.REFUSED]
                )
            application.proposal = {"reason": _("所在社会组织拟注销，党员组织关系已转出。")}
        applications.append(application)
    for org, superior in _establishing(organizations, rng, share=0.01):
        applications.append(
            PartyOrgApplication(
                kind=ApplicationKind.ESTABLISH,
                superior=superior,
                social_org=org,
                division=org.registration_authority,
                division_path=org.authority_path,
                status=rng.choice(
                    [
                        ApplicationStatus.DRAFT,
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.REFUSED,
                        ApplicationStatus.WITHDRAWN,
                    ]
                ),
                proposal={
                    "name": org.name + "党支部",
                    "kind": PartyOrgKind.BRANCH,
                    "formation": Formation.ALONE,
                    "covered_organizations": [org.pk],
                    "term_years": TermYears.THREE,
                    "founded_on": None,
                },
                created_at=_when(today, rng, back=60),
            )
        )
    for application in applications:
        created = application.created_at
        if application.status != ApplicationStatus.DRAFT:
            application.submitted_at = created + timedelta(days=rng.randint(1, 10))
        if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REFUSED):
            submitted = cast(datetime, application.submitted_at)
            application.decided_at = submitted + timedelta(days=rng.randint(3, 25))
            if application.status == ApplicationStatus.REFUSED:
                application.decision_reason = _("材料不齐全，请补充后重新申请。")
    stamps = [a.created_at for a in applications]
    ctx.bulk_create(PartyOrgApplication, applications)
    # auto_now_add overwrote created_at on insert: put the seeded times back in one pass.
    for application, stamp in zip(applications, stamps, strict=True):
        application.created_at = stamp
    PartyOrgApplication.objects.bulk_update(applications, ["created_at"], batch_size=1000)
    _seed_steps(ctx, applications, today)


def _seed_steps(ctx: SeedContext, applications: list[PartyOrgApplication], today: date) -> None:
    """The status-change rows of each application, and a decision to-do for those submitted."""
    content_type = ContentType.objects.get_for_model(PartyOrgApplication)
    changes: list[StatusChange] = []
    todos: list[Todo] = []
    due_on = cache(workdays.add_working_days)
    url = reverse("party:application_detail", args=[0]).replace("/0/", "/PK/")
    days = decision_working_days()
    for application in applications:
        steps: list[tuple[str, str, datetime, str]] = []
        submitted = application.submitted_at
        if submitted is not None:
            steps.append((ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, submitted, ""))
        if application.decided_at is not None:
            steps.append(
                (
                    ApplicationStatus.SUBMITTED,
                    application.status,
                    application.decided_at,
                    application.decision_reason,
                )
            )
        if application.status == ApplicationStatus.WITHDRAWN:
            steps.append(
                (
                    ApplicationStatus.SUBMITTED if submitted else ApplicationStatus.DRAFT,
                    ApplicationStatus.WITHDRAWN,
                    (submitted or application.created_at) + timedelta(days=2),
                    _("申请人撤回"),
                )
            )
        changes += [
            StatusChange(
                subject_type=content_type,
                subject_id=str(application.pk),
                from_status=from_status,
                to_status=to_status,
                reason=reason,
                at=at,
            )
            for from_status, to_status, at, reason in steps
        ]
        if application.status == ApplicationStatus.SUBMITTED and submitted is not None:
            starts_on = timezone.localtime(submitted).date()
            subject = (
                application.party_organization.name
                if application.party_organization is not None
                else application.proposal["name"]
            )
            todos.append(
                Todo(
                    kind=DECISION_TODO,
                    title=_("审批%(kind)s申请：%(subject)s")
                    % {"kind": application.get_kind_display(), "subject": subject},
                    role=Role.PARTY_COMMITTEE_OFFICER,
                    division=application.superior.division,
                    subject_type=content_type,
                    subject_id=str(application.pk),
                    url=url.replace("PK", str(application.pk)),
                    starts_on=starts_on,
                    working_days=days,
                    due_on=due_on(starts_on, days),
                )
            )
    ctx.bulk_create(StatusChange, changes)
    # auto_now_add again: the steps keep their seeded times.
    stamps = {(c.subject_id, c.to_status): c.at for c in changes}
    saved = list(
        StatusChange.objects.filter(
            subject_type=content_type, subject_id__in=list({sid for sid, _to in stamps})
        )
    )
    for change in saved:
        change.at = stamps.get((change.subject_id, change.to_status), change.at)
    StatusChange.objects.bulk_update(saved, ["at"], batch_size=1000)
    ctx.bulk_create(Todo, todos)


SEED_STEPS = (
    registry.SeedStep(
        "party_organizations",
        gettext_lazy("党组织、党的组织覆盖与党建指导员"),
        seed_party_organizations,
        order=50,
    ),
    # The members' step goes between the two (order 60): committees need full members.
    registry.SeedStep(
        "party_committees",
        gettext_lazy("党组织委员会、事项办理与换届提醒"),
        seed_party_committees,
        order=70,
    ),
)
