"""Organization-relationship transfers: send, receive (branch and jurisdiction change, posts in
the old organization end, coverage refreshed), reject with a reason, cancel; one letter at a
time; an expired letter cannot be received and is flagged daily; both sides see it; the pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shezhi.core.models import StatusChange, Todo
from shezhi.core.roles import Role
from shezhi.party import rules
from shezhi.party.models import (
    CommitteePost,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    Post,
    Stage,
    Transfer,
    TransferStatus,
)
from shezhi.party.rules import RuleRefused
from shezhi.party.services.transfers import (
    DECISION_TODO,
    EXPIRED_TODO,
    TransferConflict,
    transfer_cancel,
    transfer_receive,
    transfer_reject,
    transfer_send,
    transfers_flag_expired,
)

from .conftest import PartyWorld
from .members_support import make_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def setting(party_world: PartyWorld) -> dict[str, Any]:
    w = party_world
    huangpu_branch = PartyOrganization.objects.create(
        name="黄埔区邻区协会党支部",
        kind=PartyOrgKind.BRANCH,
        division=w.other_organization.registration_authority,
        founded_on=date(2018, 1, 1),
    )
    member = make_member(employer=w.organization, branch=w.branch, name="转接党员")
    return {"w": w, "to": huangpu_branch, "member": member}


def send(setting: dict[str, Any], **extra: Any) -> Transfer:
    return transfer_send(
        actor=setting["w"].county_party,
        member=setting["member"],
        to_branch=setting["to"],
        reason="工作调动",
        **extra,
    )


def test_it_sends_a_letter_valid_three_months_and_asks_the_receiving_side(
    setting: dict[str, Any],
) -> None:
    transfer = send(setting, sent_on=date(2026, 1, 31))
    assert transfer.status == TransferStatus.SENT
    assert transfer.valid_until == date(2026, 4, 29)  # three months, the last day included
    assert transfer.from_branch == setting["w"].branch
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(transfer.pk))
    assert todo.role == Role.PARTY_COMMITTEE_OFFICER and todo.division_id == "440112"
    assert todo.working_days == rules.transfer_decide_working_days()
    # Until received, the member stays with the sending organization.
    member = PartyMember.objects.get(pk=setting["member"].pk)
    assert member.branch == setting["w"].branch and member.division_id == "440118"


def test_it_allows_one_letter_in_flight(setting: dict[str, Any]) -> None:
    send(setting)
    with pytest.raises(TransferConflict, match="待接收"):
        send(setting)


def test_it_refuses_a_transfer_to_the_same_branch_or_for_an_unbranched_member(
    setting: dict[str, Any],
) -> None:
    w = setting["w"]
    with pytest.raises(RuleRefused):
        transfer_send(actor=w.county_party, member=setting["member"], to_branch=w.branch)
    loose = make_member(employer=w.organization, branch=None)
    with pytest.raises(ValidationError, match="尚未编入"):
        transfer_send(actor=w.county_party, member=loose, to_branch=setting["to"])


def test_receiving_moves_the_member_and_ends_their_posts_there(setting: dict[str, Any]) -> None:
    w = setting["w"]
    member = setting["member"]
    post = CommitteePost.objects.create(
        party_organization=w.branch, member=member, post=Post.SECRETARY, since=date(2024, 7, 1)
    )
    organization = w.organization
    organization.refresh_from_db()
    count = organization.full_member_count
    transfer = send(setting)
    transfer_receive(actor=w.neighbour_party, transfer=transfer, note="同意接收")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED and transfer.decided_on == TODAY
    member.refresh_from_db()
    assert member.branch == setting["to"] and member.division_id == "440112"
    assert member.division_path.startswith("440000/440100/440112/")
    post.refresh_from_db()
    assert post.until == TODAY
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(transfer.pk))
    assert todo.status == Todo.Status.DONE
    assert StatusChange.objects.filter(subject_id=str(transfer.pk), to_status="received").exists()
    organization.refresh_from_db()
    assert organization.full_member_count == count  # the employer did not change


def test_receiving_with_a_new_employer_refreshes_both(setting: dict[str, Any]) -> None:
    w = setting["w"]
    old = w.organization
    old.refresh_from_db()
    before = old.full_member_count
    transfer = send(setting)
    transfer_receive(actor=w.neighbour_party, transfer=transfer, employer=w.other_organization)
    old.refresh_from_db()
    new = w.other_organization
    new.refresh_from_db()
    assert old.full_member_count == before - 1 and new.full_member_count == 1


def test_an_expired_letter_cannot_be_received_and_is_flagged_once(setting: dict[str, Any]) -> None:
    w = setting["w"]
    transfer = send(setting, sent_on=TODAY - timedelta(days=120))
    assert transfer.valid_until < TODAY
    with pytest.raises(RuleRefused) as caught:
        transfer_receive(actor=w.neighbour_party, transfer=transfer)
    assert caught.value.finding.rule == "transfer.letter_expired"
    assert transfers_flag_expired(today=TODAY) == 1
    assert transfers_flag_expired(today=TODAY) == 0
    todo = Todo.objects.get(kind=EXPIRED_TODO)
    assert todo.division_id == "440118"  # the sending side follows it up
    transfer_cancel(actor=w.county_party, transfer=transfer, reason="重新开具")
    todo.refresh_from_db()
    assert todo.status == Todo.Status.CANCELLED


def test_rejecting_needs_a_reason_and_keeps_the_member(setting: dict[str, Any]) -> None:
    w = setting["w"]
    transfer = send(setting)
    with pytest.raises(ValidationError):
        transfer_reject(actor=w.neighbour_party, transfer=transfer, reason="")
    transfer_reject(actor=w.neighbour_party, transfer=transfer, reason="介绍信信息有误")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED
    assert transfer.decision_note == "介绍信信息有误"
    member = PartyMember.objects.get(pk=setting["member"].pk)
    assert member.branch == w.branch
    # Decided letters cannot be decided again; a new letter may be sent.
    from shezhi.core.workflows import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        transfer_receive(actor=w.neighbour_party, transfer=transfer)
    assert send(setting).status == TransferStatus.SENT


def test_cancelling_withdraws_the_letter_and_its_to_do(setting: dict[str, Any]) -> None:
    w = setting["w"]
    transfer = send(setting)
    transfer_cancel(actor=w.county_party, transfer=transfer, reason="本人不再调动")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    todo = Todo.objects.get(kind=DECISION_TODO, subject_id=str(transfer.pk))
    assert todo.status == Todo.Status.CANCELLED


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_both_sides_see_the_transfer_and_only_they(setting: dict[str, Any]) -> None:
    w = setting["w"]
    transfer = send(setting)
    url = f"/party/transfers/{transfer.pk}/"
    for user in (w.county_party, w.neighbour_party, w.people.city_officer, w.people.county_officer):
        assert client_for(user).get(url).status_code == 200, user
    assert client_for(w.people.branch_secretary).get(url).status_code == 200
    outsider = PartyOrganization.objects.create(
        name="别处支部", kind=PartyOrgKind.BRANCH, division_id="440303", founded_on=date(2018, 1, 1)
    )
    from shezhi.core.testing import make_user

    stranger = make_user("party-440303", Role.PARTY_COMMITTEE_OFFICER, "440303")
    assert client_for(stranger).get(url).status_code == 404
    assert outsider.pk  # the stranger's own branch exists, and still nothing of ours shows
    listing = client_for(w.neighbour_party).get("/party/transfers/", {"direction": "in"})
    assert [t.pk for t in listing.context["rows"]] == [transfer.pk]
    listing = client_for(w.neighbour_party).get("/party/transfers/", {"direction": "out"})
    assert list(listing.context["rows"]) == []


def test_the_receiving_side_receives_on_the_page(setting: dict[str, Any]) -> None:
    w = setting["w"]
    transfer = send(setting)
    url = f"/party/transfers/{transfer.pk}/"
    page = client_for(w.neighbour_party).get(url).content.decode()
    assert "接收组织关系" in page and setting["member"].id_number not in page
    # The sending side cannot receive; the receiving side cannot cancel.
    assert client_for(w.county_party).post(url + "receive/", {"on": TODAY}).status_code == 403
    assert client_for(w.neighbour_party).post(url + "cancel/", {"reason": "x"}).status_code == 403
    response = client_for(w.neighbour_party).post(url + "receive/", {"on": TODAY.isoformat()})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED


def test_the_sending_side_sends_from_the_member_page(setting: dict[str, Any]) -> None:
    w = setting["w"]
    member = setting["member"]
    client = client_for(w.people.branch_secretary)
    assert "转出组织关系" in client.get(f"/party/members/{member.pk}/").content.decode()
    response = client.post(
        f"/party/members/{member.pk}/transfer/",
        {"to_branch": setting["to"].name, "sent_on": TODAY.isoformat(), "reason": "调动"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(member=member)
    assert transfer.to_branch == setting["to"]
    history = client.get(f"/party/members/{member.pk}/", {"tab": "development"}).content.decode()
    assert "黄埔区邻区协会党支部" in history


def test_a_member_of_another_stage_transfers_too(setting: dict[str, Any]) -> None:
    w = setting["w"]
    activist = make_member(stage=Stage.ACTIVIST, employer=w.organization, branch=w.branch)
    transfer = transfer_send(actor=w.county_party, member=activist, to_branch=setting["to"])
    transfer_receive(actor=w.neighbour_party, transfer=transfer)
    activist.refresh_from_db()
    assert activist.branch == setting["to"] and activist.stage == Stage.ACTIVIST
