"""The party-organization pages: the list (filters, search, export) and an organization's page,
each scoped to who is looking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shezhi.core.testing import NEIGHBOUR_COUNTY, workbook_rows
from shezhi.party.models import (
    CommitteePost,
    Coverage,
    Formation,
    PartyOrganization,
    PartyOrgKind,
    Post,
)

pytestmark = pytest.mark.django_db


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_branch(world, authority="440118", **extra):
    org = world.org(authority)
    branch = PartyOrganization.objects.create(
        name=extra.pop("name", f"{org.name}党支部"),
        kind=extra.pop("kind", PartyOrgKind.BRANCH),
        formation=extra.pop("formation", Formation.ALONE),
        parent=extra.pop("parent", world.city_committee),
        division=org.registration_authority,
        founded_on=timezone.localdate() - timedelta(days=400),
        term_started_on=extra.pop("term_started_on", timezone.localdate() - timedelta(days=400)),
        **extra,
    )
    Coverage.objects.create(party_organization=branch, social_org=org, since=branch.founded_on)
    return branch


def names(response) -> set[str]:
    return {o.name for o in response.context["rows"]}


def test_a_county_officer_lists_only_the_county(party_world) -> None:
    huangpu = make_branch(party_world, NEIGHBOUR_COUNTY)
    response = page(party_world.people.county_officer).get("/party/organizations/")
    assert response.status_code == 200
    shown = names(response)
    assert party_world.branch.name in shown
    assert huangpu.name not in shown
    # The leading committees above the county are not in its list.
    assert party_world.city_committee.name not in shown
    neighbour = names(page(party_world.people.neighbour_officer).get("/party/organizations/"))
    assert huangpu.name in neighbour and party_world.branch.name not in neighbour
    city = names(page(party_world.people.city_officer).get("/party/organizations/"))
    assert {huangpu.name, party_world.branch.name, party_world.city_committee.name} <= city


def test_a_branch_secretary_and_an_organization_account_see_their_own_only(party_world) -> None:
    make_branch(party_world)
    for user in (party_world.people.branch_secretary, party_world.people.organization_account):
        assert names(page(user).get("/party/organizations/")) == {party_world.branch.name}
    assert (
        names(page(party_world.people.other_organization_account).get("/party/organizations/"))
        == set()
    )


def test_roles_without_party_business_are_refused(party_world) -> None:
    for user in (party_world.people.town_officer, party_world.people.village_committee):
        assert page(user).get("/party/organizations/").status_code == 403
        assert page(user).get(f"/party/organizations/{party_world.branch.pk}/").status_code == 403


def test_it_filters_by_division_kind_formation_status_parent_and_searches(party_world) -> None:
    joint = make_branch(
        party_world,
        kind=PartyOrgKind.JOINT_BRANCH,
        formation=Formation.JOINT,
        name="联合测试党支部",
    )
    make_branch(party_world, NEIGHBOUR_COUNTY, name="黄埔测试党支部")
    officer = page(party_world.people.city_officer)
    assert names(officer.get("/party/organizations/?kind=joint_branch")) == {joint.name}
    assert names(officer.get("/party/organizations/?formation=joint")) == {joint.name}
    assert "黄埔测试党支部" not in names(officer.get("/party/organizations/?division=440118"))
    assert names(officer.get("/party/organizations/?division=440112")) == {"黄埔测试党支部"}
    assert names(officer.get("/party/organizations/?q=联合测试")) == {joint.name}
    children = names(officer.get(f"/party/organizations/?parent={party_world.city_committee.pk}"))
    assert {joint.name, "黄埔测试党支部", party_world.branch.name} <= children
    assert names(officer.get("/party/organizations/?status=dissolved")) == set()


def test_it_filters_re_elections_due(party_world) -> None:
    today = timezone.localdate()
    due = make_branch(
        party_world, name="即将换届党支部", term_started_on=today - timedelta(days=3 * 365 - 30)
    )
    party_world.branch.term_started_on = today - timedelta(days=100)
    party_world.branch.save()
    officer = page(party_world.people.county_officer)
    shown = names(officer.get("/party/organizations/?reelection_due=1"))
    assert due.name in shown
    assert party_world.branch.name not in shown
    not_due = names(officer.get("/party/organizations/?reelection_due=0"))
    assert party_world.branch.name in not_due
    assert due.name not in not_due


def test_the_export_holds_the_filtered_rows(party_world) -> None:
    make_branch(party_world, name="导出测试党支部")
    response = page(party_world.people.county_officer).get(
        "/party/organizations/?q=导出测试&format=xlsx"
    )
    rows = workbook_rows(response)
    assert rows[0][0] == "名称"
    assert [r[0] for r in rows[1:]] == ["导出测试党支部"]
    assert rows[1][5] == 1  # covered organizations


def test_the_list_costs_the_same_queries_for_few_or_many_rows(
    party_world, django_assert_max_num_queries
) -> None:
    officer = page(party_world.people.city_officer)
    officer.get("/party/organizations/")  # warm the session and caches
    with django_assert_max_num_queries(20) as few:
        officer.get("/party/organizations/")
    for _i in range(12):
        make_branch(party_world)
    with django_assert_max_num_queries(20) as many:
        response = officer.get("/party/organizations/")
    assert len(response.context["rows"]) >= 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_page_shows_facts_coverage_committee_children_and_members(party_world) -> None:
    branch = party_world.branch
    members = party_world.members(party_world.organization, 3, branch=branch)
    CommitteePost.objects.create(
        party_organization=branch,
        member=members[0],
        post=Post.SECRETARY,
        since=branch.term_started_on,
    )
    response = page(party_world.people.county_officer).get(f"/party/organizations/{branch.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert branch.name in html
    assert party_world.organization.credit_code in html
    assert members[0].name in html and "书记" in html
    assert str(branch.term_ends_on) in html
    overview = response.context["overview"]
    assert overview.full_members == 3
    assert [c.social_org for c in overview.coverages] == [party_world.organization]
    # The Guangzhou committee is above the county: named, not linked.
    assert response.context["parent_visible"] is False
    committee = page(party_world.people.city_officer).get(
        f"/party/organizations/{party_world.city_committee.pk}/"
    )
    assert branch in committee.context["overview"].children


def test_the_history_and_applications_tabs(party_world) -> None:
    branch = party_world.branch
    branch.name = "改名党支部"
    branch.save()
    officer = page(party_world.people.county_officer)
    history = officer.get(f"/party/organizations/{branch.pk}/?tab=history")
    assert "改名党支部" in history.content.decode()
    assert officer.get(f"/party/organizations/{branch.pk}/?tab=applications").status_code == 200


def test_another_jurisdictions_organization_answers_404(party_world) -> None:
    huangpu = make_branch(party_world, NEIGHBOUR_COUNTY)
    assert (
        page(party_world.people.county_officer)
        .get(f"/party/organizations/{huangpu.pk}/")
        .status_code
        == 404
    )
    assert (
        page(party_world.people.branch_secretary)
        .get(f"/party/organizations/{huangpu.pk}/")
        .status_code
        == 404
    )
    assert (
        page(party_world.people.organization_account)
        .get(f"/party/organizations/{huangpu.pk}/")
        .status_code
        == 404
    )
    assert (
        page(party_world.people.branch_secretary)
        .get(f"/party/organizations/{party_world.branch.pk}/")
        .status_code
        == 200
    )


def test_the_secretary_sees_the_actions_of_their_organization(party_world) -> None:
    response = page(party_world.people.branch_secretary).get(
        f"/party/organizations/{party_world.branch.pk}/"
    )
    assert response.context["can_apply"] == {"change": True, "reelect": True, "dissolve": True}
    reader = page(party_world.people.county_officer).get(
        f"/party/organizations/{party_world.branch.pk}/"
    )
    assert not any(reader.context["can_apply"].values())
