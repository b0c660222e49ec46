"""Demo data: the seeding framework every module plugs into, and the kernel's own steps.

`shezhi seed --scale small|province` runs every `registry.SeedStep` in order inside one
transaction, so a failed seed leaves nothing half-made for `--if-empty` to mistake for a demo.
Each step gets its own `random.Random` and Faker, seeded from SEED and the step's key: the same
seed gives the same rows, and a module adding a step never changes what earlier steps make.

The kernel seeds (1) Guangdong's official divisions down to county level, (2) towns/streets and
villages/communities with Faker zh_CN names under the real counties, coded by the statistical
rules of shared/DOMAIN.md §3, and (3) the demo accounts, all sharing DEMO_PASSWORD.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from enum import StrEnum
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TextIO

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry
from .models import Division
from .roles import ROLE_ACCOUNT_PREFIX, Role

if TYPE_CHECKING:
    from faker import Faker

# Every demo account signs in with this one password; `shezhi demo_accounts` prints it.
DEMO_PASSWORD = "shezhi-demo-2016"  # noqa: S105 (published on purpose: demo data only)
SEED = 20161231  # the end of 2016, the year of the figures the demo reproduces (DOMAIN.md §0)
# DOMAIN.md §0: 25,521 villages/communities with a service centre are 98.4% → 25,936 in all.
PROVINCE_VILLAGES = 25_936
# About as many towns, townships and streets as Guangdong had in 2016.
PROVINCE_TOWNS = 1_600
BATCH_SIZE = 2_000

# Where the role accounts below county level live; Zengcheng first, so the README can name
# stable examples (town-440118100, village-440118100200) that match core/testing.py.
EXAMPLE_COUNTIES = ("440118", "440112", "441900")
# The counties that get towns at small scale: the examples, the innovation zones Yuexiu, Luohu
# and Nanhai (DOMAIN.md §0), an autonomous county (for townships) and Zhongshan.
SMALL_COUNTIES = ("440104", "440112", "440118", "440232", "440303", "440605", "441900", "442000")


class Scale(StrEnum):
    SMALL = "small"
    PROVINCE = "province"


# --------------------------------------------------------------------------------------------
# The framework


class Progress:
    """Step name, rows and rate on stderr; redrawn in place on a terminal, one line per step
    otherwise (CI logs)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.live = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.label = ""
        self.prefix = ""
        self.rows = 0
        self.started = 0.0
        self.drawn = 0.0

    def begin(self, index: int, total: int, label: Any) -> None:
        self.prefix = f"[{index}/{total}]"
        self.label = str(label)
        self.rows = 0
        self.started = self.drawn = time.monotonic()

    def add(self, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if self.live and now - self.drawn >= 0.2:
            self.drawn = now
            self._write("\r" + self._line(now) + "\033[K")

    def end(self) -> float:
        now = time.monotonic()
        self._write(
            ("\r" if self.live else "") + self._line(now) + ("\033[K" if self.live else "") + "\n"
        )
        return now - self.started

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        return _("%(prefix)s %(label)s：%(rows)s 行，%(seconds).1f 秒，%(rate)s 行/秒") % {
            "prefix": self.prefix,
            "label": self.label,
            "rows": f"{self.rows:,}",
            "seconds": elapsed,
            "rate": f"{self.rows / elapsed:,.0f}",
        }

    def _write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text)
            self.stream.flush()


@cache
def demo_password_hash(password: str = DEMO_PASSWORD) -> str:
    # argon2 is slow by design: hash once per process and give every demo account the same hash.
    return make_password(password)


def _faker() -> Faker:
    from faker import Faker  # imported here: the web process never needs it

    return Faker("zh_CN")


@dataclass
class SeedContext:
    """What a seeding step gets: the scale, seeded randomness, progress and the demo password."""

    scale: Scale
    progress: Progress = field(default_factory=lambda: Progress(None))
    random: random.Random = field(default_factory=lambda: random.Random(SEED))
    faker: Faker = field(default_factory=_faker)
    password: str = DEMO_PASSWORD

    def __post_init__(self) -> None:
        self.faker.seed_instance(SEED)

    @property
    def password_hash(self) -> str:
        return demo_password_hash(self.password)

    def reseed(self, key: str) -> None:
        # str seeds are hashed with SHA-512 by `random`, so they do not depend on PYTHONHASHSEED.
        self.random.seed(f"{SEED}:{key}")
        self.faker.seed_instance(f"{SEED}:{key}")

    def bulk_create(self, model: type[models.Model], objs: Iterable[models.Model]) -> int:
        """Insert in batches, with history rows for audited models, counting progress.

        Seeded records get their "created" history entry like any other, so the History tab of
        a demo record starts where a real one would.
        """
        from simple_history.exceptions import NotHistoricalModelError
        from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

        try:
            get_history_manager_for_model(model)
            audited = True
        except NotHistoricalModelError:
            audited = False
        reason = _("演示数据")
        batch: list[models.Model] = []
        total = 0

        def flush() -> None:
            nonlocal total
            if audited:
                bulk_create_with_history(
                    batch, model, batch_size=BATCH_SIZE, default_change_reason=reason
                )
            else:
                model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
            total += len(batch)
            self.progress.add(len(batch))
            batch.clear()

        for obj in objs:
            batch.append(obj)
            if len(batch) >= BATCH_SIZE:
                flush()
        if batch:
            flush()
        return total


@dataclass(frozen=True)
class SeedReport:
    scale: Scale
    seconds: dict[str, float]


def has_demo_data() -> bool:
    """Demo data (or an import) is present once any town or village exists."""
    return Division.objects.filter(level__in=[Division.Level.TOWN, Division.Level.VILLAGE]).exists()


def seed(*, scale: str | Scale, stream: TextIO | None = None) -> SeedReport:
    """Run every registered seeding step in order, in one transaction."""
    ctx = SeedContext(scale=Scale(scale), progress=Progress(stream))
    steps = list(registry.ordered(registry.SEED_STEPS))
    seconds: dict[str, float] = {}
    with transaction.atomic():
        for index, step in enumerate(steps, start=1):
            ctx.reseed(step.key)
            ctx.progress.begin(index, len(steps), step.label)
            step.run(ctx)
            seconds[step.key] = ctx.progress.end()
    refresh_planner_statistics()
    return SeedReport(scale=ctx.scale, seconds=seconds)


def refresh_planner_statistics() -> None:
    """ANALYZE, after a bulk load. Without statistics SQLite takes every table for the same
    size: for a province officer's user list it walks 28,000 divisions to reach 200 users
    rather than the other way round (7 ms of SQL instead of 0.2 ms, `shezhi bench` showed).
    PostgreSQL would otherwise wait for autovacuum to learn the new row counts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --------------------------------------------------------------------------------------------
# Step 1: the official divisions


def seed_official_divisions(ctx: SeedContext) -> None:
    from .services import divisions_load_official

    divisions_load_official()
    ctx.progress.add(Division.objects.filter(level__in=OFFICIAL_LEVELS).count())


OFFICIAL_LEVELS = (Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY)


# --------------------------------------------------------------------------------------------
# Step 2: towns and villages


@dataclass(frozen=True)
class Kind:
    """A kind of town or village: its first statistical code, the cap of its range, its suffix."""

    first: int
    last: int
    suffix: str


# DOMAIN.md §3: town digits 001–099 street, 100–199 town, 200–399 township; village digits
# 001–199 residents' committee (community), 200–399 village committee.
STREET = Kind(1, 99, "街道")
TOWN = Kind(100, 199, "镇")
TOWNSHIP = Kind(200, 399, "乡")
COMMUNITY = Kind(1, 199, "社区")
VILLAGE = Kind(200, 399, "村")

# Place-name morphemes common in Guangdong (围 walled village, 涌 creek, 滘 river fork …).
_GEO = "围涌坑塘岭洞坪屋岗湾洲沙滘田头边"
_DIRECTIONS = "东西南北上下新大小中"
_NUMERALS = "一二三四五六七八九十"


@dataclass
class TownPlan:
    code: str
    kind: Kind
    parent: Division
    communities: int = 0
    villages: int = 0


def town_parents() -> list[Division]:
    """The current counties, and the cities without a county level (Dongguan, Zhongshan),
    whose towns sit directly under the city (DOMAIN.md §3)."""
    counties = Division.objects.filter(level=Division.Level.COUNTY, is_current=True)
    flat_cities = Division.objects.filter(level=Division.Level.CITY, is_current=True).exclude(
        children__is_current=True
    )
    return sorted([*counties, *flat_cities], key=lambda d: d.code)


def apportion(total: int, weights: Sequence[float], minimum: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`, each share at least its minimum, summing
    exactly to `total` (largest remainder; ties go to the earlier item)."""
    spare = total - sum(minimum)
    if spare < 0:
        raise ValueError("the minimums exceed the total")
    exact = [w * spare / sum(weights) for w in weights]
    counts = [m + int(e) for m, e in zip(minimum, exact, strict=True)]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _towns_of(parent: Division, streets: int, towns: int, townships: int) -> list[TownPlan]:
    plans = []
    for kind, n in ((STREET, streets), (TOWN, towns), (TOWNSHIP, townships)):
        if n > kind.last - kind.first + 1:
            raise ValueError(f"{parent.code}: {n} × {kind.suffix} exceed the code range")
        plans += [TownPlan(f"{parent.code}{kind.first + i:03d}", kind, parent) for i in range(n)]
    return plans


def _province_plan(rng: random.Random, parents: list[Division]) -> list[TownPlan]:
    # Urban districts are mostly streets; counties and county-level cities mostly towns;
    # autonomous counties keep a township or two. Every unit has at least one town, and every
    # district (and Dongguan, Zhongshan) at least one street, so the example codes always exist.
    profiles = []
    for parent in parents:
        townships = 0
        if parent.level == Division.Level.CITY:
            weight, street_share, min_streets = 26.0, 0.2, 1
        elif parent.name.endswith("自治县"):
            weight, street_share, min_streets, townships = 10.0, 0.0, 0, rng.randint(1, 2)
        elif parent.name.endswith("县"):
            weight, street_share, min_streets = 13.0, 0.06, 0
        elif parent.name.endswith("市"):
            weight, street_share, min_streets = 15.0, 0.15, 0
        else:
            weight, street_share, min_streets = 11.0, rng.uniform(0.3, 0.9), 1
        profiles.append((weight * rng.uniform(0.75, 1.25), street_share, min_streets, townships))
    counts = apportion(
        PROVINCE_TOWNS, [p[0] for p in profiles], [p[2] + 1 + p[3] for p in profiles]
    )
    plans: list[TownPlan] = []
    for parent, n, (_w, share, min_streets, townships) in zip(
        parents, counts, profiles, strict=True
    ):
        streets = min(max(min_streets, round((n - townships) * share)), n - townships - 1)
        plans += _towns_of(parent, streets, n - townships - streets, townships)

    weights = []
    for plan in plans:
        low, high = {STREET.suffix: (5, 11), TOWN.suffix: (13, 25)}.get(plan.kind.suffix, (7, 13))
        weights.append(rng.uniform(low, high))
    # At least two each: a street keeps a community, a town keeps a village committee.
    for plan, n in zip(plans, apportion(PROVINCE_VILLAGES, weights, [2] * len(plans)), strict=True):
        if plan.kind is STREET:
            plan.villages = int(n * rng.uniform(0, 0.15))
        elif plan.kind is TOWN:
            plan.villages = n - int(n * rng.uniform(0, 0.3))
        else:
            plan.villages = n
        plan.communities = n - plan.villages
    return plans


def _small_plan(parents: list[Division]) -> list[TownPlan]:
    plans: list[TownPlan] = []
    for parent in parents:
        if parent.code not in SMALL_COUNTIES:
            continue
        townships = 1 if parent.name.endswith("自治县") else 0
        plans += _towns_of(parent, 1, 2, townships)
    for plan in plans:
        plan.communities, plan.villages = {
            STREET.suffix: (2, 0),
            TOWN.suffix: (1, 2),
            TOWNSHIP.suffix: (0, 2),
        }[plan.kind.suffix]
    return plans


class _Names:
    """Faker zh_CN place names, unique within their parent."""

    def __init__(self, fake: Faker, rng: random.Random) -> None:
        self.fake = fake
        self.rng = rng

    def _geo(self) -> str:
        return self.fake.last_name() + self.rng.choice(_GEO)

    def _direction(self) -> str:
        return self.rng.choice(_DIRECTIONS) + self.rng.choice(_GEO)

    def _street(self) -> str:
        name: str = self.fake.street_name()
        return name if len(name) >= 3 else self._geo()

    def town_base(self) -> str:
        return self.rng.choice([self.fake.district, self._direction, self._geo])()

    def village_base(self, kind: Kind) -> str:
        if kind is COMMUNITY:
            return self.rng.choice([self.fake.district, self._street, self._direction])()
        return self.rng.choice([self._geo, self._geo, self._direction])()

    def unique(self, make: Callable[[], str], suffix: str, taken: set[str]) -> str:
        for _attempt in range(20):
            name = make() + suffix
            if name not in taken:
                break
        else:
            # Crowded parent: number the name, as villages split in two often are (新围二村).
            base = make()
            name = next(
                f"{base}{numeral}{suffix}"
                for numeral in _NUMERALS
                if f"{base}{numeral}{suffix}" not in taken
            )
        taken.add(name)
        return name


def town_plan(scale: Scale, rng: random.Random, parents: list[Division]) -> list[TownPlan]:
    """Which towns each county gets, and how many communities and villages each town has."""
    return _province_plan(rng, parents) if scale == Scale.PROVINCE else _small_plan(parents)


def seed_towns_and_villages(ctx: SeedContext) -> None:
    plans = town_plan(ctx.scale, ctx.random, town_parents())
    names = _Names(ctx.faker, ctx.random)
    town_names: dict[str, set[str]] = {}
    towns: list[Division] = []
    for plan in plans:
        towns.append(
            Division(
                code=plan.code,
                name=names.unique(
                    names.town_base,
                    plan.kind.suffix,
                    town_names.setdefault(plan.parent.code, set()),
                ),
                level=Division.Level.TOWN,
                parent_id=plan.parent.code,
                # bulk_create skips Division.save(), which computes the path.
                path=f"{plan.parent.path}{plan.code}/",
            )
        )
    ctx.bulk_create(Division, towns)

    def villages() -> Iterable[Division]:
        for plan, town in zip(plans, towns, strict=True):
            taken: set[str] = set()
            for kind, n in ((COMMUNITY, plan.communities), (VILLAGE, plan.villages)):
                if n > kind.last - kind.first + 1:
                    raise ValueError(f"{plan.code}: {n} × {kind.suffix} exceed the code range")
                for i in range(n):
                    code = f"{plan.code}{kind.first + i:03d}"
                    yield Division(
                        code=code,
                        name=names.unique(partial(names.village_base, kind), kind.suffix, taken),
                        level=Division.Level.VILLAGE,
                        parent_id=plan.code,
                        path=f"{town.path}{code}/",
                    )

    ctx.bulk_create(Division, villages())


# --------------------------------------------------------------------------------------------
# Step 3: demo accounts


def example_grassroots_codes() -> tuple[list[str], list[str]]:
    """The towns and villages that get role accounts: in each example county the first street
    and the first town, and in them the first community and the first village committee."""
    towns, villages = [], []
    for county in EXAMPLE_COUNTIES:
        towns += [f"{county}{STREET.first:03d}", f"{county}{TOWN.first:03d}"]
        villages += [
            f"{county}{STREET.first:03d}{COMMUNITY.first:03d}",
            f"{county}{TOWN.first:03d}{VILLAGE.first:03d}",
        ]
    return towns, villages


def account_name(role: str, division_code: str) -> str:
    return f"{ROLE_ACCOUNT_PREFIX[role]}-{division_code}"


def _accounts() -> list[tuple[str, Division]]:
    official = list(
        Division.objects.filter(level__in=OFFICIAL_LEVELS, is_current=True).order_by("code")
    )
    wanted: list[tuple[str, Division]] = [(Role.CIVIL_AFFAIRS_OFFICER, d) for d in official]
    wanted += [
        (Role.PARTY_COMMITTEE_OFFICER, d)
        for d in official
        if d.level in (Division.Level.PROVINCE, Division.Level.CITY)
    ]
    # A county service window (县级政务服务中心) in each example county that has a county level.
    wanted += [
        (Role.WINDOW_CLERK, d)
        for d in official
        if d.code in EXAMPLE_COUNTIES and d.level == Division.Level.COUNTY
    ]
    town_codes, village_codes = example_grassroots_codes()
    grassroots = Division.objects.in_bulk([*town_codes, *village_codes])
    for code in town_codes:
        if code in grassroots:
            wanted += [(Role.TOWN_OFFICER, grassroots[code]), (Role.WINDOW_CLERK, grassroots[code])]
    for code in village_codes:
        if code in grassroots:
            wanted += [
                (Role.VILLAGE_COMMITTEE, grassroots[code]),
                (Role.SUPERVISION_MEMBER, grassroots[code]),
            ]
    return wanted


def seed_demo_users(ctx: SeedContext) -> None:
    from shezhi.accounts.models import User

    existing = set(User.objects.values_list("username", flat=True))

    def users() -> Iterable[User]:
        for role, division in _accounts():
            username = account_name(role, division.code)
            if username in existing:
                continue
            yield User(
                username=username,
                password=ctx.password_hash,
                role=role,
                division=division,
                last_name=ctx.faker.last_name(),
                first_name=ctx.faker.first_name(),
                phone=ctx.faker.phone_number(),
            )
        if "admin" not in existing:
            yield User(
                username="admin",
                password=ctx.password_hash,
                is_superuser=True,
                is_staff=True,
                last_name=ctx.faker.last_name(),
                first_name=ctx.faker.first_name(),
            )

    ctx.bulk_create(User, users())


# --------------------------------------------------------------------------------------------
# Step 4: to-dos

REVIEW_KIND = "core.review_divisions"  # registered in core/registrations.py
# A quarter of the villages are under review (about 6,500 to-dos at province scale: enough rows
# for every list to page through, few enough to keep `make demo` quick). A quarter of those are
# done; the rest run late as often as their dates make them.
REVIEW_SHARE = 0.25
DONE_SHARE = 0.25


def seed_todos(ctx: SeedContext) -> None:
    """Towns review their villages: one to-do for the town officer per village under review,
    started over the last six weeks with 5, 10 or 15 working days.

    Late ones stand as the daily refresh (`todos.todos_refresh`) would leave them: overdue,
    escalated as far up as their lateness carries them, each transition with its status-change
    row; so every level's "My to-dos" has rows, the province's too. Written in bulk rather than
    through `transition()` row by row, which would take a minute at province scale.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse
    from django.utils import timezone

    from . import workdays
    from .models import StatusChange, Todo
    from .todos import escalation_days, escalation_target

    today = timezone.localdate()
    now = timezone.now()
    per_level = escalation_days()
    due_on = cache(workdays.add_working_days)
    villages = (
        Division.objects.filter(level=Division.Level.VILLAGE, is_current=True)
        .select_related("parent")
        .order_by("code")
    )
    division_type = ContentType.objects.get_for_model(Division)
    url = reverse("core:division_detail", args=["CODE"])  # reverse() per row costs seconds
    todos: list[Todo] = []
    for village in villages:
        if ctx.random.random() >= REVIEW_SHARE:
            continue
        starts_on = today - timedelta(days=ctx.random.randint(0, 42))
        todo = Todo(
            kind=REVIEW_KIND,
            title=_("核对区划：%(name)s") % {"name": village.name},
            role=Role.TOWN_OFFICER,
            division=village.parent,
            subject_type=division_type,
            subject_id=village.code,
            url=url.replace("CODE", village.code),
            starts_on=starts_on,
            working_days=ctx.random.choice((5, 10, 15)),
        )
        todo.due_on = due_on(starts_on, todo.working_days)
        if ctx.random.random() < DONE_SHARE:
            todo.status = Todo.Status.DONE
            closed_on = min(today, starts_on + timedelta(days=ctx.random.randint(1, 14)))
            todo.closed_at = timezone.make_aware(datetime.combine(closed_on, dt_time(10)))
        elif todo.due_on < today:
            todo.status = Todo.Status.OVERDUE
            todo.escalated_to_id = escalation_target(todo, today=today, per_level=per_level)
            todo.escalated_at = now if todo.escalated_to_id else None
        todos.append(todo)
    ctx.bulk_create(Todo, todos)

    todo_type = ContentType.objects.get_for_model(Todo)

    def status_changes() -> Iterable[StatusChange]:
        for todo in todos:
            if todo.status == Todo.Status.OPEN:
                continue
            late = todo.status == Todo.Status.OVERDUE
            yield StatusChange(
                subject_type=todo_type,
                subject_id=str(todo.pk),  # bulk_create gave each to-do its id
                from_status=Todo.Status.OPEN,
                to_status=todo.status,
                # The refresh task's own wording (todos._refresh_one).
                reason=_("超过截止日 %(due)s 未办结") % {"due": todo.due_on.isoformat()}
                if late
                else "",
            )

    ctx.bulk_create(StatusChange, status_changes())


KERNEL_SEED_STEPS = (
    registry.SeedStep(
        "divisions", gettext_lazy("官方行政区划（省、市、县）"), seed_official_divisions, order=0
    ),
    registry.SeedStep(
        "towns", gettext_lazy("乡镇（街道）与村（社区）"), seed_towns_and_villages, order=10
    ),
    registry.SeedStep("users", gettext_lazy("演示账号"), seed_demo_users, order=20),
    registry.SeedStep("todos", gettext_lazy("待办事项"), seed_todos, order=30),
)


# --------------------------------------------------------------------------------------------
# What `shezhi demo_accounts` prints


@dataclass(frozen=True)
class AccountGroup:
    role: str
    label: str
    pattern: str
    count: int
    examples: list[tuple[str, str]]  # (username, division name)


_PATTERNS = {
    Role.CIVIL_AFFAIRS_OFFICER: gettext_lazy("每个省、市、县级区划各一个"),
    Role.PARTY_COMMITTEE_OFFICER: gettext_lazy("省和每个地级市各一个"),
    Role.TOWN_OFFICER: gettext_lazy("示例乡镇（街道）"),
    Role.WINDOW_CLERK: gettext_lazy("示例县、乡镇（街道）"),
    Role.VILLAGE_COMMITTEE: gettext_lazy("示例村（社区）"),
    Role.SUPERVISION_MEMBER: gettext_lazy("示例村（社区）"),
}
# Preferred examples: the province, a city and Zengcheng before anything else.
_PREFERRED = ("440000", "440100", "440118")


def demo_account_groups(examples: int = 3) -> list[AccountGroup]:
    from shezhi.accounts.models import User

    groups = []
    for role, pattern in _PATTERNS.items():
        users = list(
            User.objects.filter(role=role, username__startswith=ROLE_ACCOUNT_PREFIX[role] + "-")
            .select_related("division")
            .order_by("username")
        )
        if not users:
            continue

        def rank(user: Any) -> tuple[int, int, str]:
            code = user.division.code
            for i, preferred in enumerate(_PREFERRED):
                if code == preferred:
                    return (0, i, code)
            for i, county in enumerate(EXAMPLE_COUNTIES):
                if code.startswith(county):
                    return (1, i, code)
            return (2, 0, code)

        chosen = sorted(users, key=rank)[:examples]
        groups.append(
            AccountGroup(
                role=role,
                label=str(Role(role).label),
                pattern=f"{ROLE_ACCOUNT_PREFIX[role]}-<{_('区划代码')}>（{pattern}）",
                count=len(users),
                examples=[(u.username, u.division.name) for u in chosen],
            )
        )
    return groups


def print_demo_accounts(stream: TextIO = sys.stdout) -> None:
    from shezhi.accounts.models import User

    groups = demo_account_groups()
    if not groups:
        stream.write(_("尚无演示账号：请先运行 shezhi seed。") + "\n")
        return
    stream.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD} + "\n")
    for group in groups:
        stream.write(
            _("  %(label)s：%(pattern)s，共 %(count)d 个")
            % {"label": group.label, "pattern": group.pattern, "count": group.count}
            + "\n"
        )
        for username, division in group.examples:
            stream.write(f"      {username}  {division}\n")
    if User.objects.filter(username="admin", is_superuser=True).exists():
        stream.write(_("  超级管理员：admin（Django 管理后台 /admin/）") + "\n")
