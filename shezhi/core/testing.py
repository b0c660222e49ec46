"""Named people for tests: each test reads as a specification of what one of them may do.

The personas sit in Guangzhou (440100): a county officer of Zengcheng (440118), the city officer
above, and a neighbouring county's officer in Huangpu (440112) who must see nothing of Zengcheng.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from shezhi.accounts.models import User
from shezhi.core.models import Division
from shezhi.core.roles import Role

PASSWORD = "shezhi-test-pass"
# Hashing once keeps argon2's deliberate slowness out of every test.
_HASH = make_password(PASSWORD)

PROVINCE, CITY, COUNTY, NEIGHBOUR_COUNTY = "440000", "440100", "440118", "440112"
TOWN, VILLAGE = "440118100", "440118100200"
NEIGHBOUR_TOWN, NEIGHBOUR_VILLAGE = "440112100", "440112100200"


def ensure_division(code: str, name: str, level: str, parent_code: str) -> Division:
    division = Division.objects.filter(code=code).first()
    if division is None:
        division = Division(code=code, name=name, level=level, parent_id=parent_code)
        division.parent = Division.objects.get(code=parent_code)
        division.save()
    return division


def grassroots() -> dict[str, Division]:
    """A town and a village in Zengcheng, and the same in neighbouring Huangpu."""
    return {
        "town": ensure_division(TOWN, "测试镇", Division.Level.TOWN, COUNTY),
        "village": ensure_division(VILLAGE, "测试村", Division.Level.VILLAGE, TOWN),
        "neighbour_town": ensure_division(NEIGHBOUR_TOWN, "邻区街道", Division.Level.TOWN, NEIGHBOUR_COUNTY),
        "neighbour_village": ensure_division(
            NEIGHBOUR_VILLAGE, "邻区社区", Division.Level.VILLAGE, NEIGHBOUR_TOWN
        ),
    }


def make_user(username: str, role: str = "", division_code: str | None = None, **extra: object) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={"role": role, "division_id": division_code, "password": _HASH, **extra},
    )
    return user


@dataclass
class Personas:
    province_officer: User
    city_officer: User
    county_officer: User
    neighbour_officer: User
    party_officer: User
    town_officer: User
    village_committee: User
    supervision_member: User
    window_clerk: User
    organization_account: User
    branch_secretary: User
    superuser: User


def personas() -> Personas:
    grassroots()
    return Personas(
        province_officer=make_user("officer-440000", Role.CIVIL_AFFAIRS_OFFICER, PROVINCE),
        city_officer=make_user("officer-440100", Role.CIVIL_AFFAIRS_OFFICER, CITY),
        county_officer=make_user("officer-440118", Role.CIVIL_AFFAIRS_OFFICER, COUNTY),
        neighbour_officer=make_user("officer-440112", Role.CIVIL_AFFAIRS_OFFICER, NEIGHBOUR_COUNTY),
        party_officer=make_user("party-440000", Role.PARTY_COMMITTEE_OFFICER, PROVINCE),
        town_officer=make_user(f"town-{TOWN}", Role.TOWN_OFFICER, TOWN),
        village_committee=make_user(f"village-{VILLAGE}", Role.VILLAGE_COMMITTEE, VILLAGE),
        supervision_member=make_user(f"supervision-{VILLAGE}", Role.SUPERVISION_MEMBER, VILLAGE),
        window_clerk=make_user(f"window-{TOWN}", Role.WINDOW_CLERK, TOWN),
        organization_account=make_user("org-demo", Role.ORGANIZATION_ACCOUNT),
        branch_secretary=make_user("secretary-demo", Role.BRANCH_SECRETARY),
        superuser=make_user("root", is_superuser=True, is_staff=True),
    )
