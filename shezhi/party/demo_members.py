"""Demo data of party members: the "party_members" seeding step (order 60, between the other
helper's "party_organizations" (50) and "party_committees" (70) steps).

About 100,000 members at province scale (DOMAIN.md §0: "nearly 100,000 party members"), scaled
to the organizations present at other scales, placed as the party-organization step asks
(`demo_organizations.party_staffing()`):
- every organization whose party organization was formed alone gets at least three full members
  on the roll of that party organization or of its child branches, sized by its kind (a branch
  3–45, a general branch some 50–90, a committee 100 and more, spread over its branches);
- the other covered organizations get at most two full members each (or the rules would flag
  them as able to form their own), and each party organization covering them at least three in
  all (topped up with members employed elsewhere, e.g. retired);
- a realistic minority of the organizations without a party organization have three or more
  full members (blank spots), a few more one or two; their members have no branch (a finding).
Stages: most are full members; the others at every stage, with dates that satisfy the rules of
rules.py (age, a year as activist, training, a year of probation, extensions), a few overdue on
purpose (findings). Valid ID numbers (GB 11643: Guangdong county address codes, birth dates that
agree, sequence parity by gender, check character), phones, sponsors, mobile and lost-contact
members, transfers in flight (some with expired letters) and decided, and the to-dos the daily
task and the services would have raised.

Deterministic (the step's own seeded random), written in bulk. Encryption of ID numbers and phones
(Fernet per value, twice with the History rows) is the slow part: the phone is left out for one
member in ten, and the Fernet instance is reused (shezhi.core.crypto caches it).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from shezhi.core import registry, workdays
from shezhi.core.demo import SeedContext, apportion
from shezhi.core.models import Division, StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.social_orgs.models import SocialOrganization

from . import rules
from .bulk import insert_with_history
from .coverage import coverage_refresh
from .models import (
    Education,
    Gender,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
    Transfer,
    TransferStatus,
)
from .services.members import PROBATION_TODO, TALK_TODO
from .services.transfers import DECISION_TODO, EXPIRED_TODO

PROVINCE_MEMBERS = 100_000  # DOMAIN.md §0: nearly 100,000 members at the end of 2016
PROVINCE_SOCIAL_ORGS = 59_455
# Shares [U]: no published breakdown. Most are full members.
STAGE_WEIGHTS = (
    (Stage.FULL, 86),
    (Stage.PROBATIONARY, 5),
    (Stage.CANDIDATE, 3),
    (Stage.ACTIVIST, 4),
    (Stage.APPLICANT, 2),
)
BLANK_SPOT_SHARE = 0.02  # of the organizations without a party organization: 3+ full members
LOOSE_SHARE = 0.08  # ...: one or two members, no branch either
MOBILE_SHARE = 0.03
LOST_CONTACT_SHARE = 0.005
PHONE_SHARE = 0.9
IN_FLIGHT_SHARE = 0.003  # of the members in a branch: a transfer letter waiting
DECIDED_SHARE = 0.006  # ...: a transfer decided in the past
SPONSORED_SHARE = 0.3  # of the full members (the recently developed): their two sponsors kept
EDUCATION_WEIGHTS = (
    (Education.POSTGRADUATE, 8),
    (Education.UNDERGRADUATE, 38),
    (Education.COLLEGE, 27),
    (Education.SECONDARY, 9),
    (Education.HIGH_SCHOOL, 10),
    (Education.JUNIOR, 8),
)
ETHNICITIES = (("汉族", 975), ("壮族", 8), ("瑶族", 6), ("畲族", 3), ("回族", 4), ("满族", 4))
# The sequence digits (positions 15–17) this step uses: 000–899. The import benchmark draws its
# people from 900–999, so the two never collide.
SEQUENCE_LIMIT = 900


@dataclass
class Slot:
    """Members to make in one place: employer, branch, how many full, how many at other stages."""

    employer_id: int | None
    branch_id: int | None
    full: int
    others: int = 0


@dataclass
class Places:
    """What the step reads once: organizations and party organizations, by id."""

    orgs: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (division id, path)
    # id → (kind, division id, path), active party organizations only
    parties: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    counties: list[str] = field(default_factory=list)
    counties_of: dict[str, list[str]] = field(default_factory=dict)  # city code → counties
    paths: dict[str, str] = field(default_factory=dict)  # division code → path


def _places(org_ids: Iterable[int]) -> Places:
    places = Places()
    ids = sorted(set(org_ids))
    for start in range(0, len(ids), 5000):
        for pk, division, path in SocialOrganization.objects.filter(
            pk__in=ids[start : start + 5000]
        ).values_list("pk", "registration_authority_id", "authority_path"):
            places.orgs[pk] = (division, path)
    for pk, kind, division, path in PartyOrganization.objects.filter(
        status=PartyOrgStatus.ACTIVE
    ).values_list("pk", "kind", "division_id", "division_path"):
        places.parties[pk] = (kind, division, path)
    counties = Division.objects.filter(level=Division.Level.COUNTY, is_current=True).values_list(
        "code", "parent_id"
    )
    for code, city in counties:
        places.counties.append(code)
        places.counties_of.setdefault(city, []).append(code)
    for city in Division.objects.filter(level=Division.Level.CITY, is_current=True).values_list(
        "code", flat=True
    ):
        # Dongguan and Zhongshan have no county level: IDs there carry the city's own code.
        places.counties_of.setdefault(city, [city])
        if places.counties_of[city] == [city]:
            places.counties.append(city)
    places.counties.sort()
    places.paths = dict(
        Division.objects.filter(level__in=("province", "city", "county")).values_list(
            "code", "path"
        )
    )
    return places


def _target(places_count: int) -> int:
    """About 100,000 members for the province's 59,455 organizations, in proportion below."""
    if places_count >= PROVINCE_SOCIAL_ORGS * 0.9:
        return PROVINCE_MEMBERS
    return max(50, round(PROVINCE_MEMBERS * places_count / PROVINCE_SOCIAL_ORGS))


def _weighted(rng: random.Random, weights: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weights], [w for _v, w in weights])[0]


# --------------------------------------------------------------------------------------------
# Where the members go


def _plan(rng: random.Random, staffing: Any, total: int, live_orgs: int) -> list[Slot]:
    slots: list[Slot] = []
    # Organizations without a party organization: a minority with three or more full members
    # (blank spots), a few with one or two; no branch for any of them.
    uncovered = list(staffing.uncovered)
    rng.shuffle(uncovered)
    blank = round(len(uncovered) * BLANK_SPOT_SHARE)
    loose = round(len(uncovered) * LOOSE_SHARE)
    for org_id in uncovered[:blank]:
        slots.append(Slot(org_id, None, rng.randint(3, 6), rng.randint(0, 2)))
    for org_id in uncovered[blank : blank + loose]:
        slots.append(Slot(org_id, None, rng.choice((0, 1, 1, 2)), rng.choice((0, 1, 1))))
    # Covered otherwise (joint, area, industry, attached, delegated): at most two full each,
    # and every such party organization at least three full members in all.
    full_of: dict[int, int] = defaultdict(int)
    for org_id, party_id in sorted(staffing.covered.items()):
        full = _weighted(rng, ((0, 35), (1, 40), (2, 25)))
        others = 1 if rng.random() < 0.2 else 0
        if full or others:
            slots.append(Slot(org_id, party_id, full, others))
        full_of[party_id] += full
    for party_id in sorted(full_of):
        if full_of[party_id] < rules.SPONSORS + 1:  # three, as a branch needs
            slots.append(Slot(None, party_id, 3 - full_of[party_id], 0))
    # Alone: the rest, at least three full members each, sized by the party organization's kind
    # and spread over the branches below it (the committee keeps its own committee members).
    used = sum(s.full + s.others for s in slots)
    alone = sorted(staffing.alone.items())
    if not alone:
        return slots
    kinds = _alone_kinds(staffing)
    weights, minimum = [], []
    for _org_id, party_id in alone:
        kind = kinds.get(party_id, PartyOrgKind.BRANCH)
        if kind == PartyOrgKind.COMMITTEE:
            weights.append(rng.uniform(100, 180))
            minimum.append(100)
        elif kind == PartyOrgKind.GENERAL_BRANCH:
            weights.append(rng.uniform(50, 90))
            minimum.append(51)
        else:
            # Mostly small branches; one in a hundred grown past fifty (a rule's finding).
            big = rng.random() < 0.01
            weights.append(rng.uniform(52, 60) if big else rng.lognormvariate(2.2, 0.6))
            minimum.append(4)
    remaining = max(total - used, sum(minimum))
    sizes = apportion(remaining, weights, minimum)
    for (org_id, party_id), size in zip(alone, sizes, strict=True):
        children = staffing.children.get(party_id, [])
        full = max(3, round(size * 0.86))
        others = size - full
        if not children:
            slots.append(Slot(org_id, party_id, full, others))
            continue
        # The party organization itself holds its committee members; the branches the rest.
        own = max(5, round(full * 0.08))
        slots.append(Slot(org_id, party_id, own, 0))
        full_parts = apportion(full - own, [1.0] * len(children), [3] * len(children))
        other_parts = apportion(others, [1.0] * len(children), [0] * len(children))
        for child, f, o in zip(children, full_parts, other_parts, strict=True):
            slots.append(Slot(org_id, child, f, o))
    return slots


def _alone_kinds(staffing: Any) -> dict[int, str]:
    return dict(
        PartyOrganization.objects.filter(pk__in=set(staffing.alone.values())).values_list(
            "pk", "kind"
        )
    )


# --------------------------------------------------------------------------------------------
# A person


class People:
    """Names, ID numbers and phones: varied, valid, unique and reproducible."""

    def __init__(self, ctx: SeedContext, places: Places) -> None:
        self.rng = ctx.random
        fake = ctx.faker
        self.surnames = [fake.last_name() for _i in range(400)]
        self.given = [fake.first_name() for _i in range(1500)]
        self.places = places
        self.taken: set[tuple[str, date, int]] = set()

    def name(self) -> str:
        return self.rng.choice(self.surnames) + self.rng.choice(self.given)

    def address(self, division_id: str, born: date) -> str:
        """An address code of the member's county (or of its city, or of the province) that was
        in use in the birth year, from python-stdnum's own table, so that the address check
        passes too (an ID keeps the code of the year it was issued, DOMAIN.md §2-3)."""
        year = born.year
        if _known(division_id, year) and division_id[4:] != "00":
            return division_id
        city = division_id[:4] if division_id != "440000" else self.rng.choice(_cities())
        # A city formed after the birth year (Zhuhai 1984, Dongguan 1988…): any code of the
        # province in use then.
        pool = _codes(city, year) or _codes("44", year)
        return self.rng.choice(pool) if pool else division_id

    def id_number(self, address: str, born: date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(SEQUENCE_LIMIT // 2) * 2 + (1 if male else 0)
            key = (address, born, sequence)
            if key not in self.taken:
                self.taken.add(key)
                break
        body = f"{address}{born:%Y%m%d}{sequence:03d}"
        return body + ric.calc_check_digit(body + "0")

    def phone(self) -> str | None:
        if self.rng.random() >= PHONE_SHARE:
            return None
        prefix = self.rng.choice(("135", "136", "137", "138", "139", "150", "188", "189", "133"))
        return f"{prefix}{self.rng.randrange(10**8):08d}"


@cache
def _table() -> dict[str, list[tuple[int | None, int | None]] | None]:
    """Guangdong's address codes in python-stdnum's table (the one its address check reads),
    each with the years it was in use (None: always)."""
    from importlib.resources import files

    text = (files("stdnum") / "cn" / "loc.dat").read_text(encoding="utf-8")
    codes: dict[str, list[tuple[int | None, int | None]] | None] = {}
    province = ""
    for line in text.splitlines():
        if not line.startswith(" "):
            province = line.split(" ", 1)[0]
            continue
        if province != "44":
            continue
        suffix, _sep, rest = line.strip().partition(" ")
        value = rest.partition('county="')[2].rstrip('"')
        spans: list[tuple[int | None, int | None]] = []
        for entry in value.split(","):
            if not entry.startswith("["):
                spans = []
                break
            start, _dash, end = entry[1:].split("]")[0].partition("-")
            spans.append((int(start) if start else None, int(end) if end else None))
        codes[f"44{suffix}"] = spans or None
    return codes


@cache
def _codes(city: str, year: int) -> tuple[str, ...]:
    """The county-level codes of a city (4 digits) in use in `year`, city-wide ones left out."""
    return tuple(
        c for c in _table() if c.startswith(city) and c[4:] not in ("00", "01") and _known(c, year)
    )


@cache
def _cities() -> list[str]:
    return sorted({code[:4] for code in _table() if code[2:4] != "00"})


@cache
def _known(address: str, year: int) -> bool:
    """Whether stdnum's address check accepts `address` for someone born in `year`."""
    if address not in _table():
        return False
    spans = _table()[address]
    return spans is None or any(
        (start is None or start <= year) and (end is None or year <= end) for start, end in spans
    )


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _life(rng: random.Random, stage: str, today: date) -> dict[str, Any]:
    """Stage dates that satisfy the rules (age 18, a year as activist, a year of probation),
    going back from the stage reached; a few overdue on purpose."""
    dates: dict[str, Any] = {"training_hours": 0, "probation_extended_until": None}
    if stage == Stage.FULL:
        full_on = today - _days(rng, 30, 40 * 365)
        extended = rng.random() < 0.03
        extension = rng.randint(6, 12) if extended else 0
        probationary_on = rules.add_months(
            rules.add_years(full_on - _days(rng, 0, 60), -1), -extension
        )
        if extended:
            dates["probation_extended_until"] = rules.add_months(
                rules.add_years(probationary_on, 1), extension
            )
        dates.update(full_on=full_on, probationary_on=probationary_on)
    elif stage == Stage.PROBATIONARY:
        roll = rng.random()
        if roll < 0.02:  # overdue: the branch has not decided (a finding)
            probationary_on = today - _days(rng, 430, 520)
        elif roll < 0.07:  # extended, ending later
            probationary_on = today - _days(rng, 370, 500)
            until = rules.add_months(rules.add_years(probationary_on, 1), rng.randint(6, 12))
            if until <= today:
                until = rules.add_months(rules.add_years(probationary_on, 1), 12)
            dates["probation_extended_until"] = until
        else:
            probationary_on = today - _days(rng, 1, 364)
        dates["probationary_on"] = probationary_on
    if stage in (Stage.FULL, Stage.PROBATIONARY):
        dates["candidate_on"] = dates["probationary_on"] - _days(rng, 60, 300)
        dates["training_hours"] = rng.choice((24, 24, 24, 32, 40))
    elif stage == Stage.CANDIDATE:
        dates["candidate_on"] = today - _days(rng, 1, 300)
        dates["training_hours"] = rng.choice((0, 0, 24, 32))
    if "candidate_on" in dates:
        dates["activist_on"] = rules.add_years(dates["candidate_on"], -1) - _days(rng, 0, 400)
    elif stage == Stage.ACTIVIST:
        old = rng.random() < 0.05  # kept for years without progress (a finding)
        dates["activist_on"] = today - (
            _days(rng, 3 * 365 + 10, 5 * 365) if old else _days(rng, 1, 700)
        )
    if "activist_on" in dates:
        dates["applied_on"] = dates["activist_on"] - _days(rng, 30, 400)
    else:
        dates["applied_on"] = today - _days(rng, 1, 300)
    return dates


def _birth(rng: random.Random, applied_on: date, today: date) -> date:
    """18 to 45 at the application, and not over 92 today."""
    latest = rules.add_years(applied_on, -rules.MIN_AGE) - timedelta(days=1)
    earliest = max(rules.add_years(applied_on, -45), rules.add_years(today, -92))
    if earliest > latest:
        earliest = latest - timedelta(days=365)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


# --------------------------------------------------------------------------------------------
# The step


def seed_party_members(ctx: SeedContext) -> None:
    from .demo_organizations import party_staffing

    rng = ctx.random
    today = timezone.localdate()
    staffing = party_staffing()
    org_ids = [*staffing.alone, *staffing.covered, *staffing.uncovered]
    if not org_ids:
        return
    places = _places(org_ids)
    total = _target(len(org_ids))
    slots = _plan(rng, staffing, total, len(org_ids))
    people = People(ctx, places)
    members: list[PartyMember] = []
    for slot in slots:
        branch = places.parties.get(slot.branch_id) if slot.branch_id else None
        if branch is not None:
            division_id, path = branch[1], branch[2]
        elif slot.employer_id is not None:
            division_id, path = places.orgs[slot.employer_id]
        else:  # pragma: no cover - a slot always has one of the two
            continue
        stages = [Stage.FULL] * slot.full + [
            _weighted(rng, STAGE_WEIGHTS[1:]) for _i in range(slot.others)
        ]
        for stage in stages:
            members.append(_member(rng, people, stage, slot, division_id, path, today=today))
    # The History rows are copied in SQL rather than rebuilt through the ORM (see bulk.py):
    # rebuilding them encrypted every ID number and phone a second time.
    insert_with_history(
        PartyMember, members, reason=_("演示数据"), progress=lambda n: ctx.progress.add(2 * n)
    )
    _sponsors(ctx, members)
    transfers = _transfers(ctx, members, places, today)
    _todos(ctx, members, transfers, places, today)
    coverage_refresh(m.employer_id for m in members)


def _member(
    rng: random.Random,
    people: People,
    stage: str,
    slot: Slot,
    division_id: str,
    path: str,
    *,
    today: date,
) -> PartyMember:
    dates = _life(rng, stage, today)
    male = rng.random() < 0.62
    born = _birth(rng, dates["applied_on"], today)
    settled = stage in (Stage.FULL, Stage.PROBATIONARY)
    member = PartyMember(
        name=people.name(),
        gender=Gender.MALE if male else Gender.FEMALE,
        ethnicity=_weighted(rng, ETHNICITIES),
        birth_date=born,
        id_number=people.id_number(people.address(division_id, born), born, male),
        phone=people.phone(),
        education=_weighted(rng, EDUCATION_WEIGHTS),
        employer_id=slot.employer_id,
        branch_id=slot.branch_id,
        division_id=division_id,
        stage=stage,
        applied_on=dates.get("applied_on"),
        activist_on=dates.get("activist_on"),
        candidate_on=dates.get("candidate_on"),
        probationary_on=dates.get("probationary_on"),
        full_on=dates.get("full_on"),
        training_hours=dates["training_hours"],
        probation_extended=dates["probation_extended_until"] is not None,
        probation_extended_until=dates["probation_extended_until"],
        is_mobile=settled and rng.random() < MOBILE_SHARE,
        is_lost_contact=settled and rng.random() < LOST_CONTACT_SHARE,
        status=MemberStatus.ACTIVE,
    )
    # bulk_create skips save(), which keeps the division's path with the row.
    member.division_path = path
    return member


def _sponsors(ctx: SeedContext, members: list[PartyMember]) -> None:
    """Two full members of the same branch, admitted before, for the members developed lately:
    candidates, probationary members and a share of the full ones."""
    rng = ctx.random
    full_by_branch: dict[int, list[PartyMember]] = defaultdict(list)
    for member in members:
        if member.branch_id and member.stage == Stage.FULL:
            full_by_branch[member.branch_id].append(member)
    through = PartyMember.sponsors.through
    rows = []
    for member in members:
        if member.branch_id is None or member.stage not in (
            Stage.CANDIDATE,
            Stage.PROBATIONARY,
            Stage.FULL,
        ):
            continue
        if member.stage == Stage.FULL and rng.random() >= SPONSORED_SHARE:
            continue
        admitted = member.probationary_on or member.candidate_on
        if admitted is None:
            continue
        pool = [
            s
            for s in full_by_branch[member.branch_id]
            if s.pk != member.pk and s.full_on is not None and s.full_on < admitted
        ]
        if len(pool) < rules.SPONSORS:
            continue
        for sponsor in (
            rng.sample(pool[:30], rules.SPONSORS)
            if len(pool) >= 30
            else rng.sample(pool, rules.SPONSORS)
        ):
            rows.append(through(from_partymember_id=member.pk, to_partymember_id=sponsor.pk))
    ctx.bulk_create(through, rows)


def _transfers(
    ctx: SeedContext, members: list[PartyMember], places: Places, today: date
) -> list[Transfer]:
    """Letters waiting (a few past their validity) and transfers decided in the past. A decided
    transfer's member is in the receiving branch already; the sending one is another branch."""
    rng = ctx.random
    branches = sorted(
        pk
        for pk, (kind, _d, _p) in places.parties.items()
        if kind != PartyOrgKind.LEADING_COMMITTEE
    )
    if len(branches) < 2:
        return []
    movable = [
        m
        for m in members
        if m.branch_id is not None and m.stage in (Stage.FULL, Stage.PROBATIONARY)
    ]
    rng.shuffle(movable)
    # A few of each even in a small demo, so the pages have something to show.
    floor = 2 if len(movable) >= 20 else 0
    waiting = movable[: max(round(len(movable) * IN_FLIGHT_SHARE), floor)]
    decided_count = max(round(len(movable) * DECIDED_SHARE), floor + 1 if floor else 0)
    decided = movable[len(waiting) : len(waiting) + decided_count]
    transfers: list[Transfer] = []

    def other(branch_id: int | None) -> int:
        while True:
            candidate = rng.choice(branches)
            if candidate != branch_id:
                return candidate

    for member in waiting:
        expired = rng.random() < 0.15
        sent_on = today - (_days(rng, 100, 150) if expired else _days(rng, 0, 80))
        transfers.append(
            Transfer(
                member=member,
                from_branch_id=cast(int, member.branch_id),
                to_branch_id=other(member.branch_id),
                status=TransferStatus.SENT,
                sent_on=sent_on,
                valid_until=rules.transfer_valid_until(sent_on),
                reason=rng.choice((_("工作调动"), _("居住地变更"), _("外出务工经商"))),
            )
        )
    for member in decided:
        status = _weighted(
            rng,
            (
                (TransferStatus.RECEIVED, 80),
                (TransferStatus.REJECTED, 12),
                (TransferStatus.CANCELLED, 8),
            ),
        )
        sent_on = today - _days(rng, 120, 1500)
        decided_on = sent_on + _days(rng, 1, 40)
        source = other(member.branch_id) if status == TransferStatus.RECEIVED else member.branch_id
        target = member.branch_id if status == TransferStatus.RECEIVED else other(member.branch_id)
        transfers.append(
            Transfer(
                member=member,
                from_branch_id=cast(int, source),
                to_branch_id=cast(int, target),
                status=status,
                sent_on=sent_on,
                valid_until=rules.transfer_valid_until(sent_on),
                decided_on=decided_on,
                reason=_("工作调动"),
                decision_note={
                    TransferStatus.RECEIVED: _("同意接收"),
                    TransferStatus.REJECTED: _("介绍信信息与档案不符，请核实后重新开具"),
                    TransferStatus.CANCELLED: _("本人不再调动"),
                }[status],
            )
        )
    ctx.bulk_create(Transfer, transfers)
    transfer_type = ContentType.objects.get_for_model(Transfer)
    ctx.bulk_create(
        StatusChange,
        (
            StatusChange(
                subject_type=transfer_type,
                subject_id=str(t.pk),
                from_status=TransferStatus.SENT,
                to_status=t.status,
                reason=t.decision_note,
            )
            for t in transfers
            if t.status != TransferStatus.SENT
        ),
    )
    return transfers


def _todos(
    ctx: SeedContext,
    members: list[PartyMember],
    transfers: list[Transfer],
    places: Places,
    today: date,
) -> None:
    """The to-dos the services and the daily task would have raised by today: a talk with each
    applicant of the last month, a promotion for probations ending within the notice, a decision
    for each waiting letter and a follow-up for each expired one."""
    due = cache(workdays.add_working_days)
    member_type = ContentType.objects.get_for_model(PartyMember)
    transfer_type = ContentType.objects.get_for_model(Transfer)
    member_url = reverse("party:member_detail", args=[0]).replace("/0/", "/{}/")
    transfer_url = reverse("party:transfer_detail", args=[0]).replace("/0/", "/{}/")
    levels = {"province", "city", "county"}
    level_of = dict(Division.objects.filter(level__in=levels).values_list("code", "level"))
    notice = rules.probation_notice_days()
    todos: list[Todo] = []

    def add(kind: str, title: str, division_id: str, subject: Any, url: str, end: date) -> None:
        if level_of.get(division_id) not in levels:
            return
        working = workdays.working_days_between(today, end) if end > today else 0
        todos.append(
            Todo(
                kind=kind,
                title=title[:200],
                role=Role.PARTY_COMMITTEE_OFFICER,
                division_id=division_id,
                subject_type=member_type if isinstance(subject, PartyMember) else transfer_type,
                subject_id=str(subject.pk),
                url=url.format(subject.pk),
                starts_on=today,
                working_days=working,
                due_on=due(today, working),
            )
        )

    for member in members:
        if member.stage == Stage.APPLICANT and member.applied_on is not None:
            talk_by = rules.talk_due_on(member.applied_on)
            if talk_by >= today:
                add(
                    TALK_TODO,
                    _("与入党申请人%(name)s谈话（%(due)s前）")
                    % {"name": member.name, "due": talk_by},
                    member.division_id,
                    member,
                    member_url,
                    talk_by,
                )
        elif member.stage == Stage.PROBATIONARY:
            end = rules.probation_latest_end(member)
            if end is not None and today <= end <= today + timedelta(days=notice):
                add(
                    PROBATION_TODO,
                    _("预备党员%(name)s的预备期将于%(end)s期满，请讨论转正")
                    % {"name": member.name, "end": end},
                    member.division_id,
                    member,
                    member_url,
                    end,
                )
    for transfer in transfers:
        if transfer.status != TransferStatus.SENT:
            continue
        to_division = places.parties[transfer.to_branch_id][1]
        from_division = places.parties[transfer.from_branch_id][1]
        name = transfer.member.name
        add(
            DECISION_TODO,
            _("接收或退回%(name)s的组织关系") % {"name": name},
            to_division,
            transfer,
            transfer_url,
            workdays.add_working_days(transfer.sent_on, rules.transfer_decide_working_days()),
        )
        if transfer.valid_until < today:
            add(
                EXPIRED_TODO,
                _("%(name)s的介绍信已于%(until)s过期，请撤销后重新开具")
                % {"name": name, "until": transfer.valid_until},
                from_division,
                transfer,
                transfer_url,
                today,
            )
    ctx.bulk_create(Todo, todos)


def member_counts() -> dict[str, int]:
    """Members by stage (for the demo's own summary and tests)."""
    return dict(
        PartyMember.objects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )


SEED_STEP = registry.SeedStep(
    "party_members",
    gettext_lazy("党员、发展程序与组织关系转接"),
    seed_party_members,
    order=60,
)
