"""Issue 4: an organization with three full members and no party organization, added through the
page or the API, raises the blank spots and lowers the organization coverage rate at once, on the
statistics page and in /api/v1/party/coverage alike.

Everything goes through the officers' own doors (the registry's form and API, the member form and
API, the instructor pages): no test calls coverage_refresh, so a write path that forgot to keep
the facts on SocialOrganization up to date would show here as a stale figure."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shezhi.accounts.models import ApiToken, User
from shezhi.core.testing import COUNTY, VILLAGE
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import SocialOrganization

from .conftest import PartyWorld
from .members_support import make_id_number

pytestmark = pytest.mark.django_db

API = "/api/v1/party/coverage"
# Credit-code sequences of the organizations registered here (clear of the other party tests').
_sequence = itertools.count(765_001)


def session(user: User) -> Client:
    """A browser's session: the pages."""
    client = Client()
    client.force_login(user)
    return client


def token(user: User) -> Client:
    """An API client with the user's personal token, as a program calls the API."""
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(user=user, name='tests')[1]}"
    return client


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


# --- reading the figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """Zengcheng's blank spots and organization coverage rate, as one source shows them."""

    blank_spots: int
    rate: float


def shown(html: str, figure: str) -> str:
    """The text of a `data-figure` element of the page's totals."""
    match = re.search(rf'data-figure="{figure}"[^>]*>([^<]+)<', html)
    assert match is not None, f"no {figure} figure on the page"
    return match.group(1).strip()


def readings(page_client: Client, api_client: Client) -> dict[str, Reading]:
    """The page's context, the page's HTML and the API's JSON, each read anew."""
    response = page_client.get(reverse("party:coverage"))
    assert response.status_code == 200
    total = response.context["total"]
    html = response.content.decode()
    answer = api_client.get(API)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["code"] == COUNTY
    return {
        "page context": Reading(total["blank_spots"], total["organization_coverage_rate"]),
        # The page shows one decimal place: "50.0%".
        "page HTML": Reading(
            int(shown(html, "blank_spots").replace(",", "")),
            round(float(shown(html, "organization_coverage_rate").rstrip("%")) / 100, 3),
        ),
        "API": Reading(body["blank_spots"], body["organization_coverage_rate"]),
    }


# --- writing through the page or the API ---------------------------------------------------------


def organization_facts() -> dict[str, Any]:
    """A new Zengcheng social group that every check accepts."""
    n = next(_sequence)
    return {
        "credit_code": issue_credit_code(organization_type="1", division_code=COUNTY, sequence=n),
        "name": f"增城区新登记协会{n}",
        "org_type": "social_group",
        "industry": "culture",
        "registration_authority": COUNTY,
        "business_supervisor": "",
        "address_division": VILLAGE,
        "address": "荔城街道府佑路1号",
        "legal_representative": "陈七",
        "legal_representative_phone": "13912345678",
        "founded_on": "2016-05-04",
        "staff_count": 5,
        "charter_has_party_clause": True,
    }


def register_by_page(client: Client) -> str:
    facts = organization_facts()
    form = {**facts, "charter_has_party_clause": "on", "staff_count": str(facts["staff_count"])}
    response = client.post(reverse("social_orgs:create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("social_orgs:detail", args=[facts["credit_code"]])
    return str(facts["credit_code"])


def register_by_api(client: Client) -> str:
    response = post_json(client, "/api/v1/social-orgs/", organization_facts())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization_covered"] is False and body["full_member_count"] == 0
    return str(body["credit_code"])


def full_member_by_page(client: Client, credit_code: str, n: int) -> None:
    form = {
        "name": f"页面正式党员{n}",
        "id_number": make_id_number(born=date(1975, 1, 1 + n)),
        "ethnicity": "汉族",
        "education": "college",
        "employer": credit_code,
        "stage": "full",
        "probationary_on": "2010-07-01",
        "full_on": "2011-07-01",
        "training_hours": "24",
    }
    response = client.post(reverse("party:member_create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]


def full_member_by_api(client: Client, credit_code: str, n: int) -> None:
    body = {
        "name": f"接口正式党员{n}",
        "id_number": make_id_number(born=date(1976, 1, 1 + n)),
        "education": "college",
        "employer_credit_code": credit_code,
        "stage": "full",
        "probationary_on": "2010-07-01",
        "full_on": "2011-07-01",
    }
    response = post_json(client, "/api/v1/party/members/", body)
    assert response.status_code == 201, response.content
    assert response.json()["employer"]["credit_code"] == credit_code


REGISTER = {"page": register_by_page, "API": register_by_api}
ADD_MEMBER = {"page": full_member_by_page, "API": full_member_by_api}


def writer(way: str, world: PartyWorld) -> Client:
    """The Zengcheng civil-affairs officer: registers organizations and keeps member records."""
    officer = world.people.county_officer
    return session(officer) if way == "page" else token(officer)


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("members_via", ["page", "API"])
@pytest.mark.parametrize("registered_via", ["page", "API"])
def test_an_organization_with_three_full_members_and_no_party_organization_shows_at_once(
    party_world: PartyWorld, registered_via: str, members_via: str
) -> None:
    officer = party_world.people.county_officer
    page, api = session(officer), token(officer)
    before = readings(page, api)
    # Zengcheng starts with 增城区测试协会, covered by its branch.
    assert before["API"] == Reading(blank_spots=0, rate=1.0)

    credit_code = REGISTER[registered_via](writer(registered_via, party_world))
    members = writer(members_via, party_world)
    for n in range(3):
        ADD_MEMBER[members_via](members, credit_code, n)

    after = readings(page, api)
    for source in before:
        assert after[source].blank_spots == before[source].blank_spots + 1, source
        assert after[source].rate < before[source].rate, source
    assert after["API"] == Reading(blank_spots=1, rate=0.5)
    assert after["page HTML"] == after["API"]
    # The organization itself says why: three full members and no party organization.
    organization = api.get(f"/api/v1/social-orgs/{credit_code}").json()
    assert organization["full_member_count"] == 3
    assert organization["is_blank_spot"] is True and organization["organization_covered"] is False
    # And the dashboard's link leads to it.
    listed = page.get(reverse("social_orgs:list"), {"division": COUNTY, "coverage": "blank_spot"})
    assert [org.credit_code for org in listed.context["rows"]] == [credit_code]


@pytest.mark.parametrize("members_via", ["page", "API"])
def test_the_third_full_member_turns_an_organization_with_an_instructor_into_a_blank_spot(
    party_world: PartyWorld, members_via: str
) -> None:
    """Work coverage (an instructor) is enough below three full members; the third makes it a
    blank spot (it must form its own organization) — the member's write alone moves the figure."""
    officer = party_world.people.county_officer
    page, api = session(officer), token(officer)
    before = readings(page, api)

    credit_code = register_by_page(session(officer))
    committee = token(party_world.county_party)  # the party committee assigns instructors
    response = post_json(
        committee, "/api/v1/party/instructors/", {"name": "覆盖指导员", "division": COUNTY}
    )
    assert response.status_code == 201, response.content
    response = session(party_world.county_party).post(
        reverse("party:instructor_assign", args=[response.json()["id"]]),
        {"credit_code": credit_code},
    )
    assert response.status_code == 302
    registered = readings(page, api)
    for source in before:  # a new organization, work-covered: no blank spot, a lower rate
        assert registered[source].blank_spots == before[source].blank_spots, source
        assert registered[source].rate < before[source].rate, source

    members = writer(members_via, party_world)
    for n in range(2):
        ADD_MEMBER[members_via](members, credit_code, n)
        assert readings(page, api) == registered, f"after full member {n + 1}"
    ADD_MEMBER[members_via](members, credit_code, 2)

    third = readings(page, api)
    for source in before:
        assert third[source].blank_spots == registered[source].blank_spots + 1, source
        assert third[source].rate == registered[source].rate, source  # still no organization
    assert SocialOrganization.objects.get(credit_code=credit_code).full_member_count == 3
