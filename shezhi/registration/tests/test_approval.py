"""Approval (准予登记): the gate, and everything written in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from shezhi.core import workdays
from shezhi.core.models import Todo
from shezhi.core.roles import Role
from shezhi.core.workflows import TransitionNotAllowed
from shezhi.party.models import (
    Coverage,
    Formation,
    Instructor,
    InstructorAssignment,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    Stage,
)
from shezhi.registration import services
from shezhi.registration.models import CoveragePlan, FoundingApplication, Status
from shezhi.social_orgs.credit_code import check_credit_code
from shezhi.social_orgs.models import SocialOrganization

from .conftest import RegWorld

pytestmark = pytest.mark.django_db


def approve(world: RegWorld, application: FoundingApplication) -> services.Approval:
    return services.application_approve(actor=world.people.county_officer, application=application)


def test_approval_registers_the_organization_its_members_and_its_party_organization(
    reg_world,
) -> None:
    application = reg_world.accepted(full=3, others=1)
    result = approve(reg_world, application)

    org = result.organization
    assert org.registration_authority_id == "440118"
    assert org.charter_has_party_clause
    # The credit code is issued in the authority's series and passes every check.
    assert org.credit_code.startswith("51440118MJ")
    assert check_credit_code(org.credit_code).is_valid
    # Its members, employed there, with their stages; the coverage facts are refreshed.
    members = PartyMember.objects.filter(employer=org)
    assert sorted(m.stage for m in members) == [Stage.FULL] * 3 + [Stage.PROBATIONARY]
    org.refresh_from_db()
    assert org.full_member_count == 3 and org.organization_covered
    party = result.party_organization
    assert party is not None and party.formation == Formation.ALONE
    assert party.kind == PartyOrgKind.BRANCH and party.parent == reg_world.city_committee
    assert Coverage.objects.get(social_org=org).party_organization == party
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.organization == org
    # The Guangzhou party committee (the nearest one) takes it over within 5 working days.
    todo = Todo.objects.get(kind=services.TAKEOVER_TODO, subject_id=str(application.pk))
    assert todo.role == Role.PARTY_COMMITTEE_OFFICER and todo.division_id == "440100"
    assert todo.due_on == workdays.add_working_days(todo.starts_on, 5)
    assert party.name in todo.title
    assert (
        not Todo.objects.open()
        .filter(kind=services.DECISION_TODO, subject_id=str(application.pk))
        .exists()
    )


def test_issued_codes_follow_each_other_and_all_validate(reg_world) -> None:
    codes = []
    for _n in range(3):
        application = reg_world.accepted(full=0, plan=CoveragePlan.INSTRUCTOR)
        codes.append(approve(reg_world, application).organization.credit_code)
    # After the highest number of the series (the personas' organization holds 900001).
    numbers = [int(code[10:16]) for code in codes]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2] and numbers[0] == 900002
    assert all(check_credit_code(code).is_valid for code in codes)


def test_the_gate_refuses_three_full_members_without_an_establishment(reg_world) -> None:
    application = reg_world.accepted(full=3, plan="")
    with pytest.raises(ValidationError) as caught:
        approve(reg_world, application)
    assert "① 党组织同步建立" in str(caught.value) and "成立党组织的申请" in str(caught.value)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert not SocialOrganization.objects.filter(name=application.name).exists()


@pytest.mark.parametrize(
    ("facts", "item"),
    [
        ({"charter": "本会遵守宪法和法律。"}, "③ 章程写入党建工作条款"),
        ({"letter": False}, "④ 签订党建工作承诺书"),
        ({"full": 1, "plan": ""}, "① 党组织同步建立"),
    ],
)
def test_the_gate_names_each_missing_synchronization(reg_world, facts, item) -> None:
    application = reg_world.accepted(**facts)
    with pytest.raises(ValidationError) as caught:
        approve(reg_world, application)
    assert item in str(caught.value)


def test_an_exemption_with_its_reason_lets_the_approval_through(reg_world) -> None:
    application = reg_world.accepted(charter="本会遵守宪法和法律。")
    services.exemption_record(
        actor=reg_world.people.city_officer,
        application=application,
        reason="历史遗留，限期修改章程",
    )
    application.refresh_from_db()
    assert application.exemption_by == reg_world.people.city_officer
    org = approve(reg_world, application).organization
    assert not org.charter_has_party_clause


def test_a_refusal_on_the_party_side_writes_nothing(reg_world) -> None:
    """A party organization of the same name exists: the whole approval is rolled back."""
    application = reg_world.accepted()
    PartyOrganization.objects.create(
        name=application.party_org_name,
        kind=PartyOrgKind.BRANCH,
        formation=Formation.ALONE,
        parent=reg_world.city_committee,
        division=reg_world.county,
        founded_on="2016-01-01",
    )
    with pytest.raises(ValidationError):
        approve(reg_world, application)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert not SocialOrganization.objects.filter(name=application.name).exists()
    assert not PartyMember.objects.filter(employer__name=application.name).exists()


def test_fewer_members_get_the_requested_instructor(reg_world) -> None:
    instructor = Instructor.objects.create(name="王指导", division=reg_world.county)
    application = reg_world.accepted(full=1, plan=CoveragePlan.INSTRUCTOR, instructor=instructor)
    org = approve(reg_world, application).organization
    assert InstructorAssignment.objects.filter(instructor=instructor, social_org=org).exists()
    org.refresh_from_db()
    assert org.has_instructor and not org.organization_covered
    todo = Todo.objects.get(kind=services.TAKEOVER_TODO, subject_id=str(application.pk))
    assert "落实" in todo.title


def test_fewer_members_join_the_named_joint_branch(reg_world) -> None:
    first = approve(reg_world, reg_world.accepted(full=0, plan=CoveragePlan.INSTRUCTOR))
    second = approve(reg_world, reg_world.accepted(full=0, plan=CoveragePlan.INSTRUCTOR))
    joint = PartyOrganization.objects.create(
        name="增城区测试联合党支部",
        kind=PartyOrgKind.JOINT_BRANCH,
        formation=Formation.JOINT,
        parent=reg_world.city_committee,
        division=reg_world.county,
        founded_on="2016-01-01",
    )
    for org in (first.organization, second.organization):
        Coverage.objects.create(party_organization=joint, social_org=org, since="2016-01-01")
    application = reg_world.accepted(full=2, plan=CoveragePlan.JOINT_BRANCH, joint_branch=joint)
    org = approve(reg_world, application).organization
    assert Coverage.objects.get(social_org=org).party_organization == joint
    org.refresh_from_db()
    assert org.organization_covered


def test_only_an_accepted_application_is_approved(reg_world) -> None:
    application = reg_world.application()
    with pytest.raises(TransitionNotAllowed):
        approve(reg_world, application)
