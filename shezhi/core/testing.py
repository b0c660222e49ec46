"""Named people for tests: each test reads as a specification of what one of them may do.

The personas sit in Guangzhou (440100): a county officer of Zengcheng (440118), the city officer
above, and a neighbouring county's officer in Huangpu (440112) who must see nothing of Zengcheng.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.contrib.auth.hashers import make_password
from openpyxl import load_workbook

from shezhi.accounts.models import User
from shezhi.core.models import Division
from shezhi.core.roles import Role

PASSWORD = "shezhi-test-pass"
# Hashing once keeps argon2's deliberate slowness out of every test.
_HASH = make_password(PASSWORD)

PROVINCE, CITY, COUNTY, NEIGHBOUR_COUNTY = "440000", "440100", "440118", "440112"
TOWN, VILLAGE = "440118100", "440118100200"
NEIGHBOUR_TOWN, NEIGHBOUR_VILLAGE = "440112100", "440112100200"


def downloaded(response: Any) -> bytes:
    """The body of a file response (exports and attachments stream)."""
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    """The rows of an xlsx export's first sheet, header first."""
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(downloaded(response))).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


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
        "neighbour_town": ensure_division(
            NEIGHBOUR_TOWN, "邻区街道", Division.Level.TOWN, NEIGHBOUR_COUNTY
        ),
        "neighbour_village": ensure_division(
            NEIGHBOUR_VILLAGE, "邻区社区", Division.Level.VILLAGE, NEIGHBOUR_TOWN
        ),
    }


def make_user(
    username: str, role: str = "", division_code: str | None = None, **extra: object
) -> User:
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
    other_organization_account: User
    branch_secretary: User
    superuser: User


def organizations() -> dict[str, Any]:
    """A social organization registered in Zengcheng with its party branch, and one in Huangpu.

    Test support only: the kernel's runtime code never imports domain apps.
    """
    from datetime import date

    from shezhi.party.coverage import coverage_refresh
    from shezhi.party.models import Coverage, Formation, PartyOrganization, PartyOrgKind
    from shezhi.social_orgs.credit_code import issue_credit_code
    from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

    places = grassroots()

    def org(name: str, authority: str, village: Division, sequence: int) -> SocialOrganization:
        existing = SocialOrganization.objects.filter(name=name).first()
        if existing is not None:
            return existing
        return SocialOrganization.objects.create(
            name=name,
            credit_code=issue_credit_code(
                organization_type="1", division_code=authority, sequence=sequence
            ),
            org_type=OrgType.SOCIAL_GROUP,
            registration_authority=Division.objects.get(code=authority),
            address_division=village,
            legal_representative="张三",
            founded_on=date(2015, 6, 1),
            industry=Industry.SOCIAL_SERVICE,
            staff_count=12,
        )

    organization = org("增城区测试协会", COUNTY, places["village"], 900001)
    other = org("黄埔区邻区协会", NEIGHBOUR_COUNTY, places["neighbour_village"], 900002)
    branch = PartyOrganization.objects.filter(name="增城区测试协会党支部").first()
    if branch is None:
        branch = PartyOrganization.objects.create(
            name="增城区测试协会党支部",
            kind=PartyOrgKind.BRANCH,
            formation=Formation.ALONE,
            division=organization.registration_authority,
            founded_on=date(2016, 7, 1),
            term_started_on=date(2024, 7, 1),
        )
        Coverage.objects.create(
            party_organization=branch, social_org=organization, since=date(2016, 7, 1)
        )
        coverage_refresh([organization.pk])
        organization.refresh_from_db()
    return {"organization": organization, "other_organization": other, "branch": branch}


def personas() -> Personas:
    orgs = organizations()
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
        organization_account=make_user(
            "org-zengcheng", Role.ORGANIZATION_ACCOUNT, organization=orgs["organization"]
        ),
        other_organization_account=make_user(
            "org-huangpu", Role.ORGANIZATION_ACCOUNT, organization=orgs["other_organization"]
        ),
        branch_secretary=make_user(
            "secretary-zengcheng", Role.BRANCH_SECRETARY, party_organization=orgs["branch"]
        ),
        superuser=make_user("root", is_superuser=True, is_staff=True),
    )
