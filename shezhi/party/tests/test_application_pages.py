"""Business handling on the pages: drafting each kind, submitting, deciding, withdrawing, the
list and "awaiting my decision", each for the people allowed to."""

from __future__ import annotations

import pytest
from django.test import Client

from shezhi.party.models import (
    ApplicationKind,
    ApplicationStatus,
    Formation,
    PartyOrgApplication,
    PartyOrgKind,
)
from shezhi.party.services.organizations import application_create, application_submit

pytestmark = pytest.mark.django_db


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_organization_account_drafts_its_own_establishment(party_world) -> None:
    org = party_world.other_organization
    party_world.members(org, 3)
    account = page(party_world.people.other_organization_account)
    form = account.get("/party/applications/new/establish/")
    assert form.status_code == 200
    assert form.context["form"].initial["covered_codes"] == org.credit_code
    response = account.post(
        "/party/applications/new/establish/",
        {
            "name": "黄埔区邻区协会党支部",
            "kind": "branch",
            "formation": "alone",
            "covered_codes": org.credit_code,
            "term_years": "3",
        },
    )
    application = PartyOrgApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/party/applications/{application.pk}/"
    assert application.social_org == org
    assert application.superior == party_world.city_committee
    assert application.created_by == party_world.people.other_organization_account
    # It follows its application; the other organization's account does not see it.
    assert account.get(f"/party/applications/{application.pk}/").status_code == 200
    assert (
        page(party_world.people.organization_account)
        .get(f"/party/applications/{application.pk}/")
        .status_code
        == 404
    )
    # And submits it.
    assert account.post(f"/party/applications/{application.pk}/submit/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_organization_account_cannot_name_other_organizations(party_world) -> None:
    stranger = party_world.org()
    response = page(party_world.people.other_organization_account).post(
        "/party/applications/new/establish/",
        {
            "name": "越权党支部",
            "kind": "branch",
            "formation": "alone",
            "covered_codes": stranger.credit_code,
            "term_years": "3",
        },
    )
    assert response.status_code == 422
    assert "不在您的管辖范围内" in response.content.decode()
    assert not PartyOrgApplication.objects.exists()


def test_the_form_shows_the_rule_broken(party_world) -> None:
    org = party_world.org(full_members=1)
    response = page(party_world.county_party).post(
        "/party/applications/new/establish/",
        {
            "name": "人数不足党支部",
            "kind": "branch",
            "formation": "alone",
            "covered_codes": org.credit_code,
            "term_years": "3",
        },
    )
    assert response.status_code == 422
    assert "《中国共产党章程》第三十条" in response.content.decode()


def test_a_secretary_applies_for_their_own_organization_only(party_world) -> None:
    secretary = page(party_world.people.branch_secretary)
    url = f"/party/applications/new/dissolve/?organization={party_world.branch.pk}"
    assert secretary.get(url).status_code == 200
    assert secretary.post(url, {"reason": "单位注销"}).status_code == 302
    application = PartyOrgApplication.objects.get()
    assert application.kind == ApplicationKind.DISSOLVE
    assert application.party_organization == party_world.branch
    assert secretary.get("/party/applications/new/establish/").status_code == 403
    # Civil-affairs officers read party business but do not file it.
    assert page(party_world.people.county_officer).get(url).status_code == 403


def test_a_change_proposes_only_what_differs(party_world) -> None:
    officer = page(party_world.county_party)
    url = f"/party/applications/new/change/?organization={party_world.branch.pk}"
    initial = officer.get(url).context["form"].initial
    assert initial["name"] == party_world.branch.name
    response = officer.post(
        url,
        {
            "name": "增城区测试协会党支部（更名）",
            "kind": initial["kind"],
            "formation": initial["formation"],
            "covered_codes": initial["covered_codes"],
            "term_years": str(initial["term_years"]),
            "parent": str(initial["parent"]),
        },
    )
    assert response.status_code == 302
    assert PartyOrgApplication.objects.get().proposal == {"name": "增城区测试协会党支部（更名）"}


def test_a_reelection_form_offers_the_full_members(party_world) -> None:
    a, b = party_world.members(party_world.organization, 2, branch=party_world.branch)
    officer = page(party_world.county_party)
    url = f"/party/applications/new/reelect/?organization={party_world.branch.pk}"
    form = officer.get(url).context["form"]
    assert set(form.fields["secretary"].queryset) == {a, b}
    response = officer.post(url, {"secretary": a.pk, "deputy_secretary": b.pk, "term_years": "3"})
    assert response.status_code == 302
    assert PartyOrgApplication.objects.get().proposal["posts"] == [
        {"post": "secretary", "member": a.pk},
        {"post": "deputy_secretary", "member": b.pk},
    ]


def submitted(world):
    org = world.org(full_members=3)
    application = application_create(
        actor=world.county_party,
        kind=ApplicationKind.ESTABLISH,
        proposal={
            "name": f"{org.name}党支部",
            "kind": PartyOrgKind.BRANCH,
            "formation": Formation.ALONE,
            "covered_organizations": [org.pk],
        },
    )
    application_submit(actor=world.county_party, application=application)
    return application


def test_the_superiors_officer_decides_on_the_page(party_world) -> None:
    application = submitted(party_world)
    url = f"/party/applications/{application.pk}/"
    # The county's own officer filed it: the Guangzhou committee decides, not Zengcheng.
    assert page(party_world.county_party).get(url).context["can_decide"] is False
    assert (
        page(party_world.county_party).post(url + "decide/", {"decision": "approve"}).status_code
        == 403
    )
    decider = page(party_world.city_party)
    assert decider.get(url).context["can_decide"] is True
    response = decider.post(url + "decide/", {"decision": "approve", "reason": "同意"}, follow=True)
    assert "已批准" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    # Deciding again tells the officer why, without changing anything.
    again = decider.post(url + "decide/", {"decision": "refuse", "reason": "否"}, follow=True)
    assert again.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


def test_refusing_on_the_page_needs_a_reason(party_world) -> None:
    application = submitted(party_world)
    url = f"/party/applications/{application.pk}/decide/"
    response = page(party_world.city_party).post(url, {"decision": "refuse"}, follow=True)
    assert "不予批准须说明理由" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_withdrawing_on_the_page(party_world) -> None:
    application = submitted(party_world)
    url = f"/party/applications/{application.pk}/withdraw/"
    assert page(party_world.people.county_officer).post(url).status_code == 403
    assert page(party_world.county_party).post(url, {"reason": "重报"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_awaiting_my_decision_lists_what_is_submitted_to_me(party_world) -> None:
    application = submitted(party_world)
    ids = lambda response: {a.pk for a in response.context["rows"]}  # noqa: E731
    assert ids(page(party_world.city_party).get("/party/applications/?awaiting=1")) == {
        application.pk
    }
    # Zengcheng's party officer sees it in the list but it does not wait for them.
    county = page(party_world.county_party)
    assert application.pk in ids(county.get("/party/applications/"))
    assert ids(county.get("/party/applications/?awaiting=1")) == set()
    assert ids(page(party_world.neighbour_party).get("/party/applications/")) == set()


def test_the_application_list_costs_the_same_queries_for_few_or_many(
    party_world, django_assert_max_num_queries
) -> None:
    officer = page(party_world.city_party)
    submitted(party_world)
    officer.get("/party/applications/")
    with django_assert_max_num_queries(20) as few:
        officer.get("/party/applications/")
    for _i in range(8):
        submitted(party_world)
    with django_assert_max_num_queries(20) as many:
        response = officer.get("/party/applications/")
    assert len(response.context["rows"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_detail_page_shows_the_proposal_in_words(party_world) -> None:
    application = submitted(party_world)
    html = page(party_world.city_party).get(f"/party/applications/{application.pk}/").content
    text = html.decode()
    assert application.proposal["name"] in text
    assert "单独组建" in text and "党支部" in text
    assert "已提交" in text


def test_the_list_searches_party_organizations_and_proposed_names(party_world) -> None:
    application = submitted(party_world)
    officer = page(party_world.city_party)
    name = application.proposal["name"]
    found = {a.pk for a in officer.get("/party/applications/", {"q": name}).context["rows"]}
    assert found == {application.pk}
    assert {
        a.pk for a in officer.get("/party/applications/", {"q": "不存在的名称"}).context["rows"]
    } == set()
