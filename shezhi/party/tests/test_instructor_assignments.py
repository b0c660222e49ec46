"""Party-building instructors (党建指导员): assigning one to an organization gives it work
coverage at once; ending the assignment or standing the instructor down takes it away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shezhi.accounts.models import ApiToken
from shezhi.core.models import Division
from shezhi.core.testing import NEIGHBOUR_COUNTY
from shezhi.party.models import Instructor, InstructorAssignment
from shezhi.party.services.organizations import (
    assignment_end,
    instructor_assign,
    instructor_create,
    instructor_update,
)
from shezhi.social_orgs.models import OrgStatus

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def instructor(party_world) -> Instructor:
    return instructor_create(
        actor=party_world.county_party,
        name="李指导",
        division=Division.objects.get(code="440118"),
        phone="13800138000",
        workplace="增城区社会组织党委委员",
    )


def facts(org):
    org.refresh_from_db()
    return org.organization_covered, org.has_instructor, org.work_covered


def test_an_assignment_gives_work_coverage_at_once(party_world, instructor) -> None:
    org = party_world.org()
    assert facts(org) == (False, False, False)
    assignment = instructor_assign(
        actor=party_world.county_party, instructor=instructor, social_org=org
    )
    assert facts(org) == (False, True, True)
    assignment_end(actor=party_world.county_party, assignment=assignment)
    assert facts(org) == (False, False, False)
    assert assignment.ended_on == timezone.localdate()


def test_standing_an_instructor_down_ends_their_work_coverage(party_world, instructor) -> None:
    a, b = party_world.org(), party_world.org()
    for org in (a, b):
        instructor_assign(actor=party_world.county_party, instructor=instructor, social_org=org)
    instructor_update(actor=party_world.county_party, instructor=instructor, is_active=False)
    assert facts(a)[1:] == (False, False) and facts(b)[1:] == (False, False)
    with pytest.raises(ValidationError):
        instructor_assign(
            actor=party_world.county_party, instructor=instructor, social_org=party_world.org()
        )
    instructor_update(actor=party_world.county_party, instructor=instructor, is_active=True)
    assert facts(a)[1] is True


def test_it_refuses_what_makes_no_sense(party_world, instructor) -> None:
    org = party_world.org()
    assignment = instructor_assign(
        actor=party_world.county_party, instructor=instructor, social_org=org
    )
    with pytest.raises(ValidationError, match="已选派"):
        instructor_assign(actor=party_world.county_party, instructor=instructor, social_org=org)
    with pytest.raises(ValidationError):
        instructor_assign(
            actor=party_world.county_party,
            instructor=instructor,
            social_org=party_world.org(status=OrgStatus.DEREGISTERED),
        )
    with pytest.raises(ValidationError):
        assignment_end(
            actor=party_world.county_party,
            assignment=assignment,
            ended_on=assignment.assigned_on - timedelta(days=1),
        )
    assignment_end(actor=party_world.county_party, assignment=assignment)
    with pytest.raises(ValidationError, match="已于"):
        assignment_end(actor=party_world.county_party, assignment=assignment)


def test_an_instructor_is_placed_inside_the_jurisdiction(party_world) -> None:
    with pytest.raises(ValidationError):
        instructor_create(
            actor=party_world.county_party,
            name="越界",
            division=Division.objects.get(code=NEIGHBOUR_COUNTY),
        )
    with pytest.raises(ValidationError):
        instructor_create(
            actor=party_world.county_party,
            name="太低",
            division=Division.objects.get(code="440118100"),
        )


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_assign_and_end(party_world, instructor) -> None:
    org = party_world.org()
    officer = page(party_world.county_party)
    url = f"/party/instructors/{instructor.pk}/"
    assert officer.get(url).status_code == 200
    response = officer.post(url + "assign/", {"credit_code": org.credit_code.lower()})
    assert response.status_code == 302
    assert facts(org)[1] is True
    assignment = InstructorAssignment.objects.get(social_org=org)
    officer.post(f"{url}assignments/{assignment.pk}/end/")
    assert facts(org)[1] is False
    # Civil-affairs officers read the roster but do not assign.
    reader = page(party_world.people.county_officer)
    assert reader.get(url).status_code == 200
    assert reader.post(url + "assign/", {"credit_code": org.credit_code}).status_code == 403
    assert page(party_world.people.neighbour_officer).get(url).status_code == 404
    assert page(party_world.people.organization_account).get(url).status_code == 403


def test_the_page_refuses_an_organization_outside_the_jurisdiction(party_world, instructor) -> None:
    huangpu = party_world.org(NEIGHBOUR_COUNTY)
    response = page(party_world.county_party).post(
        f"/party/instructors/{instructor.pk}/assign/",
        {"credit_code": huangpu.credit_code},
        follow=True,
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert facts(huangpu)[1] is False


def test_the_pages_create_and_edit(party_world) -> None:
    officer = page(party_world.county_party)
    response = officer.post(
        "/party/instructors/new/",
        {"name": "王指导", "division": "440118", "phone": "13900139000", "is_active": "on"},
    )
    assert response.status_code == 302
    created = Instructor.objects.get(name="王指导")
    assert created.phone == "13900139000"
    html = officer.get(f"/party/instructors/{created.pk}/").content.decode()
    assert "13900139000" not in html  # masked
    response = officer.post(
        f"/party/instructors/{created.pk}/edit/",
        {"name": "王指导员", "division": "440118", "phone": "13900139000"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.name == "王指导员" and created.is_active is False


def test_the_roster_is_scoped_and_costs_fixed_queries(
    party_world, instructor, django_assert_max_num_queries
) -> None:
    officer = page(party_world.people.city_officer)
    officer.get("/party/instructors/")
    with django_assert_max_num_queries(20) as few:
        officer.get("/party/instructors/")
    for n in range(8):
        made = instructor_create(
            actor=party_world.city_party,
            name=f"指导员{n}",
            division=Division.objects.get(code="440112"),
        )
        instructor_assign(
            actor=party_world.city_party,
            instructor=made,
            social_org=party_world.org(NEIGHBOUR_COUNTY),
        )
    with django_assert_max_num_queries(20) as many:
        response = officer.get("/party/instructors/")
    assert len(response.context["rows"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
    county = {
        i.name
        for i in page(party_world.people.county_officer).get("/party/instructors/").context["rows"]
    }
    assert county == {"李指导"}


def api(user) -> Client:
    raw = ApiToken.issue(user=user, name="test")[1]
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_api_lists_masks_assigns_and_ends(party_world, instructor) -> None:
    org = party_world.org()
    officer = api(party_world.county_party)
    listed = officer.get("/api/v1/party/instructors/").json()
    assert listed["count"] == 1
    assert listed["items"][0]["phone"] != "13800138000"  # masked without the reveal permission
    superuser = api(party_world.people.superuser).get("/api/v1/party/instructors/").json()
    assert superuser["items"][0]["phone"] == "13800138000"
    response = officer.post(
        f"/api/v1/party/instructors/{instructor.pk}/assignments",
        {"social_org": org.pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert facts(org)[1] is True
    assignment = response.json()["id"]
    response = officer.post(
        f"/api/v1/party/instructors/{instructor.pk}/assignments/{assignment}/end", content_type=JSON
    )
    assert response.status_code == 200 and response.json()["ended_on"]
    assert facts(org)[1] is False
    detail = officer.get(f"/api/v1/party/instructors/{instructor.pk}").json()
    assert detail["assignments"][0]["social_org"] == org.pk
    reader = api(party_world.people.county_officer)
    assert (
        reader.post(
            f"/api/v1/party/instructors/{instructor.pk}/assignments",
            {"social_org": org.pk},
            content_type=JSON,
        ).status_code
        == 403
    )
    created = officer.post(
        "/api/v1/party/instructors/", {"name": "新指导员", "division": "440118"}, content_type=JSON
    )
    assert created.status_code == 201
    outside = officer.post(
        "/api/v1/party/instructors/", {"name": "越界", "division": "440112"}, content_type=JSON
    )
    assert outside.status_code == 422
    patched = officer.patch(
        f"/api/v1/party/instructors/{instructor.pk}", {"is_active": False}, content_type=JSON
    )
    assert patched.status_code == 200 and patched.json()["is_active"] is False


def test_the_api_roster_costs_fixed_queries(
    party_world, instructor, django_assert_max_num_queries
) -> None:
    client = api(party_world.people.city_officer)
    client.get("/api/v1/party/instructors/")
    with django_assert_max_num_queries(15) as few:
        assert client.get("/api/v1/party/instructors/").json()["count"] == 1
    for n in range(6):
        made = instructor_create(
            actor=party_world.city_party,
            name=f"接口指导员{n}",
            division=Division.objects.get(code="440112"),
            phone="13700137000",
        )
        instructor_assign(
            actor=party_world.city_party,
            instructor=made,
            social_org=party_world.org(NEIGHBOUR_COUNTY),
        )
    with django_assert_max_num_queries(15) as many:
        body = client.get("/api/v1/party/instructors/").json()
    assert body["count"] == 7
    assert sorted(item["open_assignments"] for item in body["items"]) == [0] + [1] * 6
    assert len(many.captured_queries) == len(few.captured_queries)
