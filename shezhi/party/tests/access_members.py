"""Who may reach the members module's pages and API operations (party members, development,
transfers, committee posts, the member import), for the access matrix
(shezhi/core/access_testing.py, gathered by shezhi/party/tests/access.py).

The persona's Zengcheng branch holds a member and an applicant; Huangpu has its own branch and
member. Roles without party business (town, village, supervision, window) are refused with 403
before any row is looked up; readers who cannot see the record get 404 before the right to act
is asked, so a foreign and a missing record answer alike.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from shezhi.core.access_testing import AccessWorld, Expect, Route, only, row_tag
from shezhi.core.access_testing import Persona as P

# Who opens the member pages at all (can_view_members): officers of a jurisdiction, the
# organization-bound roles (narrowed to their own), superusers.
READERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.organization_account,
    P.other_organization_account,
    P.branch_secretary,
    P.superuser,
)
# Readers whose view holds a member of the Zengcheng branch employed by the Zengcheng
# organization; the neighbour and the other organization's account get 404.
SEE_MEMBER = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.organization_account,
    P.branch_secretary,
    P.superuser,
)
# Who records development steps and transfers for that branch: the party committee's officer
# (province) and the branch's secretary; civil-affairs officers and organization accounts read.
DEVELOPERS = (P.party_officer, P.branch_secretary, P.superuser)
# Who imports members: officers of a jurisdiction.
IMPORTERS = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.neighbour_officer,
    P.party_officer,
    P.superuser,
)
# Both ends of a Zengcheng transfer (the persona's branch → another Zengcheng branch) see it;
# organization accounts see no transfers.
SEE_TRANSFER = (
    P.province_officer,
    P.city_officer,
    P.county_officer,
    P.party_officer,
    P.branch_secretary,
    P.superuser,
)
# Readers whose view holds the persona's branch (for its committee posts).
SEE_BRANCH = SEE_MEMBER
NOT_FOUND = Expect(404)


def member_outcomes(status: int, allowed: tuple[P, ...] = SEE_MEMBER) -> Any:
    """For routes about the Zengcheng member: `allowed` get `status`, readers who cannot see the
    member 404 (asked before the right to act), readers who see it but may not act 403."""
    outcomes = only(status, *allowed)
    for persona in (P.neighbour_officer, P.other_organization_account):
        outcomes[persona] = NOT_FOUND
    return outcomes


def transfer_outcomes(status: int, allowed: tuple[P, ...]) -> Any:
    outcomes = only(status, *allowed)
    for persona in (P.neighbour_officer, P.organization_account, P.other_organization_account):
        outcomes[persona] = NOT_FOUND
    return outcomes


def _member(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_member.pk}


def _foreign_member(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_member.pk}


def _applicant(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_applicant.pk}


def _api_member(w: AccessWorld) -> dict[str, Any]:
    return {"member_id": w.zengcheng_member.pk}


def _api_foreign_member(w: AccessWorld) -> dict[str, Any]:
    return {"member_id": w.huangpu_member.pk}


def _api_applicant(w: AccessWorld) -> dict[str, Any]:
    return {"member_id": w.zengcheng_applicant.pk}


def _transfer(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.zengcheng_member_transfer.pk}


def _foreign_transfer(w: AccessWorld) -> dict[str, Any]:
    return {"pk": w.huangpu_member_transfer.pk}


def _api_transfer(w: AccessWorld) -> dict[str, Any]:
    return {"transfer_id": w.zengcheng_member_transfer.pk}


def _api_foreign_transfer(w: AccessWorld) -> dict[str, Any]:
    return {"transfer_id": w.huangpu_member_transfer.pk}


def _today() -> str:
    return timezone.localdate().isoformat()


OWN_IMPORT = only(200, P.county_officer, P.superuser).but(
    province_officer=404, city_officer=404, neighbour_officer=404, party_officer=404
)

ROUTES = [
    # --- pages --------------------------------------------------------------------------------
    Route("party:member_list", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "party:member_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=300,
        why="the export masks ID numbers and phones like the page",
    ),
    Route("party:member_create", only(200, *READERS)),
    Route(
        "party:member_create",
        only(422, *READERS),
        method="POST",
        body={},
        why="every reader may register members of their own (an empty form is refused)",
    ),
    Route("party:member_detail", member_outcomes(200), kwargs=_member, foreign=_foreign_member),
    Route("party:member_edit", member_outcomes(200), kwargs=_member, foreign=_foreign_member),
    Route(
        "party:member_edit",
        member_outcomes(422),
        method="POST",
        kwargs=_member,
        foreign=_foreign_member,
        body={},
    ),
    Route(
        "party:member_advance",
        member_outcomes(200, DEVELOPERS),
        kwargs=_applicant,
        foreign=_foreign_member,
        query={"to": "activist"},
        why="development steps are the branch's and the party committee's to record",
    ),
    Route(
        "party:member_advance",
        member_outcomes(422, DEVELOPERS),
        method="POST",
        kwargs=_applicant,
        foreign=_foreign_member,
        query={"to": "activist"},
        body={},
    ),
    Route(
        "party:member_extend_probation",
        member_outcomes(200, DEVELOPERS),
        kwargs=_applicant,
        foreign=_foreign_member,
    ),
    Route(
        "party:member_extend_probation",
        member_outcomes(422, DEVELOPERS),
        method="POST",
        kwargs=_applicant,
        foreign=_foreign_member,
        body={},
    ),
    Route(
        "party:member_cancel_probation",
        member_outcomes(200, DEVELOPERS),
        kwargs=_applicant,
        foreign=_foreign_member,
    ),
    Route(
        "party:member_cancel_probation",
        member_outcomes(422, DEVELOPERS),
        method="POST",
        kwargs=_applicant,
        foreign=_foreign_member,
        body={},
    ),
    Route(
        "party:transfer_send",
        member_outcomes(200, DEVELOPERS),
        kwargs=_member,
        foreign=_foreign_member,
        why="the sending side: who answers for the member's branch",
    ),
    Route(
        "party:transfer_send",
        member_outcomes(422, DEVELOPERS),
        method="POST",
        kwargs=_member,
        foreign=_foreign_member,
        body={},
    ),
    Route("party:transfer_list", only(200, *READERS), lists_rows=True, min_own_rows=5),
    Route(
        "party:transfer_list",
        only(200, *READERS),
        query={"format": "xlsx"},
        lists_rows=True,
        min_own_rows=5,
    ),
    Route(
        "party:transfer_detail",
        transfer_outcomes(200, SEE_TRANSFER),
        kwargs=_transfer,
        foreign=_foreign_transfer,
        why="both ends see a transfer: the sending organization answers until it is received",
    ),
    Route(
        "party:transfer_receive",
        transfer_outcomes(302, (P.party_officer, P.superuser)),
        method="POST",
        kwargs=_transfer,
        foreign=_foreign_transfer,
        body={},
        why="the receiving side decides; the sending branch's secretary may not (403)",
    ),
    Route(
        "party:transfer_reject",
        transfer_outcomes(302, (P.party_officer, P.superuser)),
        method="POST",
        kwargs=_transfer,
        foreign=_foreign_transfer,
        body={},
    ),
    Route(
        "party:transfer_cancel",
        transfer_outcomes(302, DEVELOPERS),
        method="POST",
        kwargs=_transfer,
        foreign=_foreign_transfer,
        body={},
        why="the sending side withdraws its letter",
    ),
    Route(
        "party:organization_posts",
        member_outcomes(200, SEE_BRANCH),
        kwargs=lambda w: {"pk": w.members_branch.pk},
        foreign=lambda w: {"pk": w.members_huangpu_branch.pk},
    ),
    Route(
        "party:organization_posts",
        member_outcomes(422, DEVELOPERS),
        method="POST",
        kwargs=lambda w: {"pk": w.members_branch.pk},
        foreign=lambda w: {"pk": w.members_huangpu_branch.pk},
        body={},
    ),
    Route(
        "party:post_end",
        member_outcomes(302, DEVELOPERS),
        method="POST",
        kwargs=lambda w: {"pk": w.zengcheng_member_post.pk},
        foreign=lambda w: {"pk": w.huangpu_member_post.pk},
        body={},
    ),
    Route("party:member_import", only(200, *IMPORTERS)),
    Route(
        "party:member_import",
        only(422, *IMPORTERS),
        method="POST",
        body={},
        why="no file: the page says so",
    ),
    Route("party:member_import_template", only(200, *IMPORTERS)),
    Route(
        "party:member_import_detail",
        OWN_IMPORT,
        kwargs=lambda w: {"pk": w.zengcheng_member_import.pk},
        foreign=lambda w: {"pk": w.huangpu_member_import.pk},
        why="an import file holds ID numbers: only its uploader (and a superuser) sees it",
    ),
    Route(
        "party:member_import_report",
        OWN_IMPORT,
        kwargs=lambda w: {"pk": w.zengcheng_member_import.pk},
        foreign=lambda w: {"pk": w.huangpu_member_import.pk},
    ),
    Route(
        "core:history",
        member_outcomes(200),
        kwargs=lambda w: {"label": "party.partymember", "pk": w.zengcheng_member.pk},
        foreign=lambda w: {"label": "party.partymember", "pk": w.huangpu_member.pk},
        why="a member's history follows the member pages",
    ),
    Route(
        "core:reveal_personal",
        only(200, P.county_officer, P.superuser).but(neighbour_officer=404),
        method="POST",
        kwargs=lambda w: {
            "label": "party.partymember",
            "pk": w.zengcheng_member.pk,
            "field": "id_number",
        },
        why="holders of the reveal permission (the world grants it to both county officers) "
        "whose view holds the member; the neighbour's 404",
    ),
    # --- API ----------------------------------------------------------------------------------
    Route("GET /api/v1/party/members/", only(200, *READERS), lists_rows=True, min_own_rows=300),
    Route(
        "POST /api/v1/party/members/",
        only(422, *READERS),
        body={"name": "不合格", "id_number": "1", "education": "college"},
        why="a payload of the right shape with a wrong ID number: refused by the service",
    ),
    Route(
        "GET /api/v1/party/members/{member_id}",
        member_outcomes(200),
        kwargs=_api_member,
        foreign=_api_foreign_member,
    ),
    Route(
        "PATCH /api/v1/party/members/{member_id}",
        member_outcomes(200),
        kwargs=_api_member,
        foreign=_api_foreign_member,
        body={},
    ),
    Route(
        "POST /api/v1/party/members/{member_id}/advance",
        member_outcomes(200, DEVELOPERS),
        kwargs=_api_applicant,
        foreign=_api_foreign_member,
        body=lambda w: {"to": "activist", "on": _today()},
    ),
    Route(
        "POST /api/v1/party/members/{member_id}/extend-probation",
        member_outcomes(409, DEVELOPERS),
        kwargs=_api_applicant,
        foreign=_api_foreign_member,
        body=lambda w: {"months": 6, "on": _today(), "reason": "支部大会决议"},
        why="an applicant has no probation to extend: the wrong state",
    ),
    Route(
        "POST /api/v1/party/members/{member_id}/cancel-probation",
        member_outcomes(409, DEVELOPERS),
        kwargs=_api_applicant,
        foreign=_api_foreign_member,
        body=lambda w: {"on": _today(), "reason": "支部大会决议"},
    ),
    Route(
        "GET /api/v1/party/members/{member_id}/transfers",
        member_outcomes(200),
        kwargs=_api_member,
        foreign=_api_foreign_member,
    ),
    Route(
        "POST /api/v1/party/members/{member_id}/transfers",
        member_outcomes(201, DEVELOPERS),
        kwargs=_api_member,
        foreign=_api_foreign_member,
        body=lambda w: {"to_branch_id": w.members_huangpu_branch.pk, "reason": "工作调动"},
    ),
    Route("GET /api/v1/party/transfers/", only(200, *READERS), lists_rows=True, min_own_rows=5),
    Route(
        "GET /api/v1/party/transfers/{transfer_id}",
        transfer_outcomes(200, SEE_TRANSFER),
        kwargs=_api_transfer,
        foreign=_api_foreign_transfer,
    ),
    Route(
        "POST /api/v1/party/transfers/{transfer_id}/receive",
        transfer_outcomes(200, (P.party_officer, P.superuser)),
        kwargs=_api_transfer,
        foreign=_api_foreign_transfer,
        body={},
    ),
    Route(
        "POST /api/v1/party/transfers/{transfer_id}/reject",
        transfer_outcomes(200, (P.party_officer, P.superuser)),
        kwargs=_api_transfer,
        foreign=_api_foreign_transfer,
        body={"reason": "介绍信有误"},
    ),
    Route(
        "POST /api/v1/party/transfers/{transfer_id}/cancel",
        transfer_outcomes(200, DEVELOPERS),
        kwargs=_api_transfer,
        foreign=_api_foreign_transfer,
        body={"reason": "本人不再调动"},
    ),
]


_serial = itertools.count(1)


def _id_number(born: date, address: str) -> str:
    from stdnum.cn import ric

    sequence = 901 + next(_serial) % 49 * 2  # odd (male), 901–999: apart from the demo's
    body = f"{address}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _member_row(name: str, *, employer: Any, branch: Any, stage: str = "full", **extra: Any) -> Any:
    from shezhi.party.models import Education, Gender, PartyMember

    today = timezone.localdate()
    born = date(1970, 1, 1) + timedelta(days=next(_serial) % 9000)
    values: dict[str, Any] = {
        "name": name,
        "gender": Gender.MALE,
        "birth_date": born,
        "id_number": _id_number(born, "440118"),
        "education": Education.COLLEGE,
        "employer": employer,
        "branch": branch,
        "division": branch.division if branch is not None else employer.registration_authority,
        "stage": stage,
    }
    if stage == "full":
        values.update(probationary_on=date(2005, 7, 1), full_on=date(2006, 7, 1))
    else:
        values.update(applied_on=today - timedelta(days=40))
    values.update(extra)
    member = PartyMember(**values)
    member.division_path = member.division.path
    return member


def build_world(world: AccessWorld) -> None:
    """A member and an applicant of the persona's Zengcheng branch, a Huangpu member, a transfer
    on each side, a committee post on each side, an import by each county's officer."""
    from django.core.files.base import ContentFile

    from shezhi.core.testing import organizations
    from shezhi.party.models import (
        CommitteePost,
        MemberImport,
        PartyOrganization,
        PartyOrgKind,
        Post,
        Transfer,
    )
    from shezhi.party.rules import transfer_valid_until
    from shezhi.social_orgs.models import ImportStatus

    orgs = organizations()
    branch = orgs["branch"]
    world.add("members_branch", branch)

    def party_org(name: str, division: Any) -> Any:
        return PartyOrganization.objects.create(
            name=name, kind=PartyOrgKind.BRANCH, division=division, founded_on=date(2019, 1, 1)
        )

    second = party_org("增城区访问矩阵第二支部", branch.division)
    huangpu = party_org("黄埔区访问矩阵支部", orgs["other_organization"].registration_authority)
    huangpu_second = party_org("黄埔区访问矩阵第二支部", huangpu.division)
    world.add("members_huangpu_branch", huangpu)
    made = {}
    for key, name, employer, where, stage in (
        ("zengcheng_member", "矩阵党员", orgs["organization"], branch, "full"),
        ("zengcheng_applicant", "矩阵申请人", orgs["organization"], branch, "applicant"),
        ("mover", "矩阵转接党员", orgs["organization"], branch, "full"),
        ("huangpu_member", "黄埔党员", orgs["other_organization"], huangpu, "full"),
        ("huangpu_mover", "黄埔转接党员", orgs["other_organization"], huangpu, "full"),
    ):
        member = _member_row(name, employer=employer, branch=where, stage=stage)
        member.save()
        made[key] = member
        if key in ("zengcheng_member", "zengcheng_applicant", "huangpu_member"):
            world.add(key, member)
    today = timezone.localdate()
    for key, member, source, target in (
        ("zengcheng_member_transfer", made["mover"], branch, second),
        ("huangpu_member_transfer", made["huangpu_mover"], huangpu, huangpu_second),
    ):
        transfer = Transfer.objects.create(
            member=member,
            from_branch=source,
            to_branch=target,
            sent_on=today,
            valid_until=transfer_valid_until(today),
        )
        world.add(key, transfer)
    world.add(
        "zengcheng_member_post",
        CommitteePost.objects.create(
            party_organization=branch,
            member=made["zengcheng_member"],
            post=Post.DEPUTY_SECRETARY,
            since=today,
        ),
    )
    world.add(
        "huangpu_member_post",
        CommitteePost.objects.create(
            party_organization=huangpu,
            member=made["huangpu_member"],
            post=Post.SECRETARY,
            since=today,
        ),
    )
    for key, persona in (
        ("zengcheng_member_import", P.county_officer),
        ("huangpu_member_import", P.neighbour_officer),
    ):
        job = MemberImport(
            created_by=world.user(persona),
            original_name="名册.xlsx",
            size=4,
            status=ImportStatus.INVALID,
            error_count=1,
            errors=[[2, "身份证号码", "身份证号码第18位校验码应为 X。"]],
        )
        job.file.save("upload.xlsx", ContentFile(b"PK\x03\x04"), save=False)
        job.save()
        world.add(key, job)


def build_many(world: AccessWorld) -> None:
    """Tagged members (and transfers) on each side of the county border, for the leak probes."""
    from simple_history.utils import bulk_create_with_history

    from shezhi.core.testing import organizations
    from shezhi.party.models import PartyMember, PartyOrganization, PartyOrgKind, Transfer
    from shezhi.party.rules import transfer_valid_until

    orgs = organizations()
    today = timezone.localdate()
    for code, employer, branch in (
        ("440118100200", orgs["organization"], orgs["branch"]),
        ("440112100200", orgs["other_organization"], world.members_huangpu_branch),
    ):
        rows = [
            _member_row(row_tag(code, n), employer=employer, branch=branch)
            for n in range(world.rows_per_side)
        ]
        bulk_create_with_history(rows, PartyMember, batch_size=500)
        target = PartyOrganization.objects.create(
            name=f"访问矩阵转入支部{code}",
            kind=PartyOrgKind.BRANCH,
            division=branch.division,
            founded_on=date(2019, 1, 1),
        )
        Transfer.objects.bulk_create(
            Transfer(
                member=member,
                from_branch=branch,
                to_branch=target,
                sent_on=today,
                valid_until=transfer_valid_until(today),
            )
            for member in rows[:5]
        )
