"""Business handling: an application moves draft → submitted → approved/refused/withdrawn only
through core.workflows.transition, and the party organization's record changes only when the
superior approves, in the same transaction as the decision."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from shezhi.core import workdays
from shezhi.core.models import StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.core.workflows import TransitionNotAllowed
from shezhi.party.models import (
    ApplicationKind,
    ApplicationStatus,
    CommitteePost,
    Coverage,
    Formation,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
)
from shezhi.party.services.organizations import (
    DECISION_TODO,
    REELECTION_TODO,
    ApplicationNotEditable,
    application_create,
    application_decide,
    application_submit,
    application_update,
    application_withdraw,
    decision_working_days,
    reelection_reminders_raise,
)

pytestmark = pytest.mark.django_db


def changes_of(obj):
    return StatusChange.objects.filter(
        subject_type=ContentType.objects.get_for_model(type(obj)), subject_id=str(obj.pk)
    ).order_by("pk")


def establish(world, *orgs, formation=Formation.ALONE, kind=PartyOrgKind.BRANCH, actor=None):
    return application_create(
        actor=actor or world.county_party,
        kind=ApplicationKind.ESTABLISH,
        proposal={
            "name": f"{orgs[0].name}党支部",
            "kind": kind,
            "formation": formation,
            "covered_organizations": [o.pk for o in orgs],
        },
    )


def test_it_drafts_an_establishment_for_the_committee_answering_there(party_world) -> None:
    org = party_world.org(full_members=3)
    application = establish(party_world, org)
    assert application.status == ApplicationStatus.DRAFT
    # No superior named: the Guangzhou social-organization party committee decides.
    assert application.superior == party_world.city_committee
    assert application.division_id == "440118"
    assert application.social_org == org
    assert application.party_organization is None
    assert not Coverage.objects.filter(social_org=org).exists()


def test_submitting_raises_a_to_do_for_the_superiors_officers_with_a_working_day_deadline(
    party_world,
) -> None:
    application = establish(party_world, party_world.org(full_members=3))
    application_submit(actor=party_world.county_party, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at is not None
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(application.pk))
    assert todo.role == Role.PARTY_COMMITTEE_OFFICER
    assert todo.division_id == "440100"  # where the Guangzhou committee answers
    assert todo.working_days == decision_working_days() == 20
    assert todo.due_on == workdays.add_working_days(timezone.localdate(), 20)
    assert todo.url == f"/party/applications/{application.pk}/"


def test_approving_an_establishment_creates_the_organization_and_its_coverage_at_once(
    party_world,
) -> None:
    org = party_world.org(full_members=3)
    assert not org.organization_covered
    application = establish(party_world, org)
    application_submit(actor=party_world.county_party, application=application)
    application_decide(actor=party_world.city_party, application=application, approve=True)

    application.refresh_from_db()
    created = application.party_organization
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_by == party_world.city_party
    assert created.kind == PartyOrgKind.BRANCH
    assert created.formation == Formation.ALONE
    assert created.parent == party_world.city_committee
    assert created.division_id == "440118"
    assert created.term_started_on == timezone.localdate()
    assert list(created.coverages.values_list("social_org_id", flat=True)) == [org.pk]
    org.refresh_from_db()
    assert org.organization_covered  # coverage_refresh ran inside the decision
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(application.pk))
    assert todo.status == Todo.Status.DONE
    assert list(changes_of(application).values_list("to_status", flat=True)) == [
        "submitted",
        "approved",
    ]


def test_nothing_changes_before_the_decision_nor_on_refusal(party_world) -> None:
    org = party_world.org(full_members=3)
    application = establish(party_world, org)
    application_submit(actor=party_world.county_party, application=application)
    assert not PartyOrganization.objects.filter(name=f"{org.name}党支部").exists()
    application_decide(
        actor=party_world.city_party, application=application, approve=False, reason="材料不全"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert application.decision_reason == "材料不全"
    assert not PartyOrganization.objects.filter(name=f"{org.name}党支部").exists()
    org.refresh_from_db()
    assert not org.organization_covered
    assert Todo.objects.get(subject_id=str(application.pk), kind=DECISION_TODO).status == "done"


def test_refusing_needs_a_reason(party_world) -> None:
    application = establish(party_world, party_world.org(full_members=3))
    application_submit(actor=party_world.county_party, application=application)
    with pytest.raises(ValidationError) as caught:
        application_decide(actor=party_world.city_party, application=application, approve=False)
    assert "reason" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_withdrawing_a_submitted_application_cancels_its_to_do(party_world) -> None:
    application = establish(party_world, party_world.org(full_members=3))
    application_submit(actor=party_world.county_party, application=application)
    application_withdraw(actor=party_world.county_party, application=application, reason="重报")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(application.pk))
    assert todo.status == Todo.Status.CANCELLED
    change = changes_of(application).last()
    assert (change.from_status, change.to_status, change.reason) == (
        "submitted",
        "withdrawn",
        "重报",
    )


def test_a_draft_may_be_withdrawn(party_world) -> None:
    application = establish(party_world, party_world.org(full_members=3))
    application_withdraw(actor=party_world.county_party, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("state", "action"),
    [
        # Every move the table refuses, from every state.
        (ApplicationStatus.DRAFT, "approve"),
        (ApplicationStatus.DRAFT, "refuse"),
        (ApplicationStatus.SUBMITTED, "submit"),
        (ApplicationStatus.APPROVED, "submit"),
        (ApplicationStatus.APPROVED, "approve"),
        (ApplicationStatus.APPROVED, "refuse"),
        (ApplicationStatus.APPROVED, "withdraw"),
        (ApplicationStatus.REFUSED, "submit"),
        (ApplicationStatus.REFUSED, "approve"),
        (ApplicationStatus.REFUSED, "withdraw"),
        (ApplicationStatus.WITHDRAWN, "submit"),
        (ApplicationStatus.WITHDRAWN, "approve"),
        (ApplicationStatus.WITHDRAWN, "withdraw"),
    ],
)
def test_it_refuses_every_move_the_workflow_does_not_allow(party_world, state, action) -> None:
    application = establish(party_world, party_world.org(full_members=3))
    officer, decider = party_world.county_party, party_world.city_party
    if state != ApplicationStatus.DRAFT and state != ApplicationStatus.WITHDRAWN:
        application_submit(actor=officer, application=application)
    if state == ApplicationStatus.APPROVED:
        application_decide(actor=decider, application=application, approve=True)
    elif state == ApplicationStatus.REFUSED:
        application_decide(actor=decider, application=application, approve=False, reason="否")
    elif state == ApplicationStatus.WITHDRAWN:
        application_withdraw(actor=officer, application=application)
    application.refresh_from_db()
    assert application.status == state
    before = set(PartyOrganization.objects.values_list("pk", flat=True))
    with pytest.raises(TransitionNotAllowed):
        if action == "submit":
            application_submit(actor=officer, application=application)
        elif action == "approve":
            application_decide(actor=decider, application=application, approve=True)
        elif action == "refuse":
            application_decide(actor=decider, application=application, approve=False, reason="否")
        else:
            application_withdraw(actor=officer, application=application)
    application.refresh_from_db()
    assert application.status == state
    assert set(PartyOrganization.objects.values_list("pk", flat=True)) == before


def test_only_a_draft_can_be_rewritten(party_world) -> None:
    org = party_world.org(full_members=3)
    application = establish(party_world, org)
    application_update(
        actor=party_world.county_party,
        application=application,
        proposal={**application.proposal, "name": "改名后的党支部"},
    )
    application.refresh_from_db()
    assert application.proposal["name"] == "改名后的党支部"
    application_submit(actor=party_world.county_party, application=application)
    with pytest.raises(ApplicationNotEditable):
        application_update(
            actor=party_world.county_party, application=application, proposal=application.proposal
        )


def test_of_two_officers_deciding_at_once_one_wins(party_world) -> None:
    """Both loaded the submitted application; transition() re-reads it under a row lock, so the
    second one sees it already decided and nothing is applied twice."""
    org = party_world.org(full_members=3)
    application = establish(party_world, org)
    application_submit(actor=party_world.county_party, application=application)
    first = PartyOrgApplication.objects.get(pk=application.pk)
    second = PartyOrgApplication.objects.get(pk=application.pk)
    assert first.status == second.status == ApplicationStatus.SUBMITTED
    application_decide(actor=party_world.city_party, application=first, approve=True)
    with pytest.raises(TransitionNotAllowed):
        application_decide(
            actor=party_world.people.party_officer, application=second, approve=False, reason="否"
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert PartyOrganization.objects.filter(coverages__social_org=org).count() == 1


def test_an_approval_the_facts_no_longer_allow_writes_nothing(party_world) -> None:
    """Between submission and decision the organization got covered by someone else: the
    approval is refused with the reason, and the application stays submitted."""
    org = party_world.org(full_members=3)
    application = establish(party_world, org)
    application_submit(actor=party_world.county_party, application=application)
    rival = establish(party_world, org, actor=party_world.people.party_officer)
    rival.proposal["name"] = "另一个党支部"
    rival.save()
    application_submit(actor=party_world.county_party, application=rival)
    application_decide(actor=party_world.city_party, application=rival, approve=True)
    with pytest.raises(ValidationError) as caught:
        application_decide(actor=party_world.city_party, application=application, approve=True)
    assert "covered_organizations" in caught.value.message_dict
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not changes_of(application).filter(to_status="approved").exists()


def test_an_approved_change_applies_the_new_facts_and_coverage(party_world) -> None:
    a, b, c = (party_world.org() for _i in range(3))
    joint = establish(party_world, a, b, formation=Formation.JOINT, kind=PartyOrgKind.JOINT_BRANCH)
    application_submit(actor=party_world.county_party, application=joint)
    application_decide(actor=party_world.city_party, application=joint, approve=True)
    joint.refresh_from_db()
    branch = joint.party_organization

    change = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.CHANGE,
        party_organization=branch,
        proposal={"name": "增城区联合党支部", "covered_organizations": [b.pk, c.pk]},
    )
    assert change.superior == party_world.city_committee  # the organization's own parent
    application_submit(actor=party_world.county_party, application=change)
    for org in (a, b, c):
        org.refresh_from_db()
    assert (a.organization_covered, b.organization_covered, c.organization_covered) == (
        True,
        True,
        False,
    )
    application_decide(actor=party_world.city_party, application=change, approve=True)
    branch.refresh_from_db()
    assert branch.name == "增城区联合党支部"
    assert set(branch.coverages.values_list("social_org_id", flat=True)) == {b.pk, c.pk}
    for org in (a, b, c):
        org.refresh_from_db()
    # Every affected organization's facts changed in the decision's transaction.
    assert (a.organization_covered, b.organization_covered, c.organization_covered) == (
        False,
        True,
        True,
    )


def test_an_approved_reelection_starts_a_new_term_with_the_new_committee(party_world) -> None:
    branch = party_world.branch
    org = party_world.organization
    old_secretary, new_secretary, deputy = party_world.members(org, 3, branch=branch)
    CommitteePost.objects.create(
        party_organization=branch,
        member=old_secretary,
        post=Post.SECRETARY,
        since=branch.term_started_on,
    )
    branch.term_started_on = timezone.localdate().replace(year=timezone.localdate().year - 3)
    branch.save()
    reelection_reminders_raise()
    assert Todo.objects.filter(
        kind=REELECTION_TODO, subject_id=str(branch.pk), status="open"
    ).exists()
    application = application_create(
        actor=party_world.people.branch_secretary,
        kind=ApplicationKind.REELECT,
        party_organization=branch,
        proposal={
            "posts": [
                {"post": Post.SECRETARY, "member": new_secretary.pk},
                {"post": Post.DEPUTY_SECRETARY, "member": deputy.pk},
            ],
            "term_years": 3,
        },
    )
    application_submit(actor=party_world.people.branch_secretary, application=application)
    application_decide(actor=party_world.city_party, application=application, approve=True)
    branch.refresh_from_db()
    today = timezone.localdate()
    assert branch.term_started_on == today
    sitting = dict(
        CommitteePost.objects.filter(party_organization=branch, until__isnull=True).values_list(
            "post", "member_id"
        )
    )
    assert sitting == {Post.SECRETARY: new_secretary.pk, Post.DEPUTY_SECRETARY: deputy.pk}
    assert CommitteePost.objects.get(member=old_secretary).until == today
    # The re-election reminder is done.
    assert Todo.objects.get(kind=REELECTION_TODO, subject_id=str(branch.pk)).status == "done"


def test_an_approved_dissolution_ends_the_organization_and_its_coverage(party_world) -> None:
    a, b = party_world.org(), party_world.org()
    joint = establish(party_world, a, b, formation=Formation.JOINT, kind=PartyOrgKind.JOINT_BRANCH)
    application_submit(actor=party_world.county_party, application=joint)
    application_decide(actor=party_world.city_party, application=joint, approve=True)
    joint.refresh_from_db()
    branch = joint.party_organization
    dissolve = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.DISSOLVE,
        party_organization=branch,
        proposal={"reason": "两家单位均已注销"},
    )
    application_submit(actor=party_world.county_party, application=dissolve)
    application_decide(actor=party_world.city_party, application=dissolve, approve=True)
    branch.refresh_from_db()
    assert branch.status == PartyOrgStatus.DISSOLVED
    assert branch.dissolved_on == timezone.localdate()
    assert not Coverage.objects.filter(party_organization=branch).exists()
    for org in (a, b):
        org.refresh_from_db()
        assert not org.organization_covered
    assert changes_of(branch).filter(from_status="active", to_status="dissolved").exists()
