"""Registering, correcting, deregistering and revoking: who may, what is written, what History
says."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shezhi.core.models import StatusChange
from shezhi.core.testing import NEIGHBOUR_VILLAGE, TOWN, Personas
from shezhi.core.workflows import TransitionNotAllowed
from shezhi.social_orgs.models import OrgStatus, SocialOrganization
from shezhi.social_orgs.services import (
    organization_create,
    organization_deregister,
    organization_revoke,
    organization_update,
)

from .conftest import make_org, valid_facts, zengcheng_org

pytestmark = pytest.mark.django_db


def test_registering_writes_history_with_the_officer(people: Personas) -> None:
    organization = organization_create(actor=people.county_officer, **valid_facts())
    entry = organization.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == people.county_officer
    assert entry.history_change_reason == "登记"
    # The phone is encrypted at rest and hashed for lookup.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT legal_representative_phone FROM social_orgs_socialorganization WHERE id = %s",
            [organization.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored and "13912345678" not in stored
    assert organization.legal_representative_phone_hash


@pytest.mark.parametrize(
    "persona", ["town_officer", "party_officer", "organization_account", "branch_secretary"]
)
def test_only_civil_affairs_officers_register(people: Personas, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        organization_create(actor=getattr(people, persona), **valid_facts())
    assert not SocialOrganization.objects.filter(name="增城区新登记协会").exists()


def test_an_officer_corrects_any_fact(people: Personas) -> None:
    organization = make_org(name="旧名协会")
    organization_update(
        actor=people.county_officer,
        organization=organization,
        name="新名协会",
        address_division=TOWN,
        staff_count=40,
    )
    organization.refresh_from_db()
    assert (organization.name, organization.address_division_id, organization.staff_count) == (
        "新名协会",
        TOWN,
        40,
    )
    latest = organization.history.latest()
    assert latest.history_user == people.county_officer
    assert latest.history_change_reason == "更正登记信息"
    changed = {c.field for c in latest.diff_against(latest.prev_record).changes}
    assert changed == {"name", "address_division", "staff_count"}


def test_a_change_to_nothing_writes_no_history(people: Personas) -> None:
    organization = make_org(name="不变协会", staff_count=3)
    before = organization.history.count()
    organization_update(
        actor=people.county_officer, organization=organization, name="不变协会", staff_count=3
    )
    assert organization.history.count() == before


def test_a_correction_is_checked_like_a_registration(people: Personas) -> None:
    organization = make_org()
    with pytest.raises(ValidationError) as caught:
        organization_update(
            actor=people.county_officer,
            organization=organization,
            address_division=NEIGHBOUR_VILLAGE,
        )
    assert "address_division" in caught.value.message_dict
    organization.refresh_from_db()
    assert organization.address_division_id != NEIGHBOUR_VILLAGE


def test_an_old_flaw_does_not_block_an_unrelated_correction(people: Personas) -> None:
    # Registered long ago without a legal representative (written directly, as legacy data is).
    organization = make_org(legal_representative="")
    organization_update(actor=people.county_officer, organization=organization, staff_count=9)
    organization.refresh_from_db()
    assert organization.staff_count == 9


def test_the_neighbouring_officer_may_not_correct(people: Personas) -> None:
    organization = make_org()
    with pytest.raises(PermissionDenied):
        organization_update(actor=people.neighbour_officer, organization=organization, name="X")


def test_the_organization_keeps_its_contact_facts_up_to_date(people: Personas) -> None:
    organization = zengcheng_org()
    organization_update(
        actor=people.organization_account,
        organization=organization,
        address="荔城街道新地址2号",
        staff_count=30,
        legal_representative_phone="13700001111",
    )
    organization.refresh_from_db()
    assert organization.address == "荔城街道新地址2号"
    assert organization.legal_representative_phone == "13700001111"
    latest = organization.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        people.organization_account,
        "本组织更新",
    )


def test_the_organization_may_not_change_registered_facts(people: Personas) -> None:
    organization = zengcheng_org()
    with pytest.raises(PermissionDenied, match="不能修改：名称"):
        organization_update(
            actor=people.organization_account, organization=organization, name="改名协会"
        )
    with pytest.raises(PermissionDenied):
        organization_update(
            actor=people.other_organization_account, organization=organization, staff_count=1
        )


def test_deregistering_goes_through_the_workflow(people: Personas) -> None:
    organization = make_org()
    change = organization_deregister(
        actor=people.county_officer, organization=organization, reason="增民注〔2024〕1号"
    )
    organization.refresh_from_db()
    assert organization.status == OrgStatus.DEREGISTERED
    assert (change.from_status, change.to_status, change.actor) == (
        "active",
        "deregistered",
        people.county_officer,
    )
    assert (
        StatusChange.objects.filter(
            subject_type=ContentType.objects.get_for_model(SocialOrganization),
            subject_id=str(organization.pk),
        ).count()
        == 1
    )
    latest = organization.history.latest()
    assert (latest.status, latest.history_change_reason) == ("deregistered", "增民注〔2024〕1号")
    # Final: nothing follows a deregistration.
    with pytest.raises(TransitionNotAllowed):
        organization_revoke(actor=people.county_officer, organization=organization, reason="x")


def test_revoking_from_the_abnormal_list(people: Personas) -> None:
    organization = make_org(status=OrgStatus.ABNORMAL)
    organization_revoke(actor=people.city_officer, organization=organization, reason="行政处罚")
    organization.refresh_from_db()
    assert organization.status == OrgStatus.REVOKED


def test_a_serious_violation_cannot_be_deregistered(people: Personas) -> None:
    organization = make_org(status=OrgStatus.SERIOUS_VIOLATION)
    with pytest.raises(TransitionNotAllowed):
        organization_deregister(actor=people.county_officer, organization=organization, reason="x")
    organization.refresh_from_db()
    assert organization.status == OrgStatus.SERIOUS_VIOLATION


def test_a_status_change_needs_a_reason_and_the_right(people: Personas) -> None:
    organization = make_org()
    with pytest.raises(ValidationError):
        organization_deregister(actor=people.county_officer, organization=organization, reason=" ")
    with pytest.raises(PermissionDenied):
        organization_deregister(
            actor=people.organization_account, organization=organization, reason="自行注销"
        )
    organization.refresh_from_db()
    assert organization.status == OrgStatus.ACTIVE
