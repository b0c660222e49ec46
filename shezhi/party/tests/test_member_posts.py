"""Committee posts between elections: only full members of the organization on the roll, one
sitting secretary at a time, the committee's limits; ending a post; the page and its gate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shezhi.party.models import CommitteePost, Post, Stage
from shezhi.party.services.posts import post_assign, post_end

from .conftest import PartyWorld
from .members_support import make_member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def full(world: PartyWorld, n: int = 1, **extra: Any) -> list[Any]:
    return [
        make_member(employer=world.organization, branch=world.branch, refresh=False, **extra)
        for _i in range(n)
    ]


def test_it_seats_a_full_member_as_secretary_and_only_one(party_world: PartyWorld) -> None:
    first, second = full(party_world, 2)
    seat = post_assign(
        actor=party_world.county_party,
        organization=party_world.branch,
        member=first,
        post=Post.SECRETARY,
        since=TODAY,
    )
    assert seat.until is None
    with pytest.raises(ValidationError) as caught:
        post_assign(
            actor=party_world.county_party,
            organization=party_world.branch,
            member=second,
            post=Post.SECRETARY,
            since=TODAY,
        )
    assert "已有人在任" in str(caught.value)
    post_end(actor=party_world.county_party, post=seat, until=TODAY)
    post_assign(
        actor=party_world.county_party,
        organization=party_world.branch,
        member=second,
        post=Post.SECRETARY,
        since=TODAY,
    )
    assert CommitteePost.objects.filter(post=Post.SECRETARY, until__isnull=True).count() == 1


@pytest.mark.parametrize("who", ["probationary", "other_branch", "off_roll"])
def test_it_refuses_anyone_but_a_full_member_of_the_organization(
    party_world: PartyWorld, who: str
) -> None:
    if who == "probationary":
        member = make_member(
            stage=Stage.PROBATIONARY, employer=party_world.organization, branch=party_world.branch
        )
    elif who == "other_branch":
        member = make_member(employer=party_world.organization, branch=None)
    else:
        member = full(party_world, status="left")[0]
    with pytest.raises(ValidationError) as caught:
        post_assign(
            actor=party_world.county_party,
            organization=party_world.branch,
            member=member,
            post=Post.DEPUTY_SECRETARY,
            since=TODAY,
        )
    assert "正式党员" in str(caught.value)


def test_a_small_branch_has_no_committee_posts_beyond_secretary_and_deputy(
    party_world: PartyWorld,
) -> None:
    members = full(party_world, 3)
    with pytest.raises(ValidationError, match="不设支部委员会"):
        post_assign(
            actor=party_world.county_party,
            organization=party_world.branch,
            member=members[0],
            post=Post.ORGANIZATION,
            since=TODAY,
        )
    members += full(party_world, 4)  # seven full members: a committee may be elected
    post_assign(
        actor=party_world.county_party,
        organization=party_world.branch,
        member=members[0],
        post=Post.ORGANIZATION,
        since=TODAY,
    )


def test_ending_a_post_checks_its_dates(party_world: PartyWorld) -> None:
    (member,) = full(party_world)
    seat = post_assign(
        actor=party_world.county_party,
        organization=party_world.branch,
        member=member,
        post=Post.SECRETARY,
        since=TODAY - timedelta(days=10),
    )
    with pytest.raises(ValidationError, match="不能早于任职日期"):
        post_end(actor=party_world.county_party, post=seat, until=TODAY - timedelta(days=20))
    post_end(actor=party_world.county_party, post=seat, until=TODAY)
    with pytest.raises(ValidationError, match="已于"):
        post_end(actor=party_world.county_party, post=seat, until=TODAY)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_posts_page_lets_the_secretary_and_officers_act_and_others_read(
    party_world: PartyWorld,
) -> None:
    (member,) = full(party_world)
    url = f"/party/organizations/{party_world.branch.pk}/posts/"
    body = {"member": member.pk, "post": Post.SECRETARY, "since": date(2025, 1, 1).isoformat()}
    assert client_for(party_world.people.county_officer).post(url, body).status_code == 403
    assert client_for(party_world.people.county_officer).get(url).status_code == 200
    assert client_for(party_world.neighbour_party).get(url).status_code == 404
    response = client_for(party_world.people.branch_secretary).post(url, body)
    assert response.status_code == 302
    seat = CommitteePost.objects.get(member=member)
    response = client_for(party_world.county_party).post(
        f"/party/posts/{seat.pk}/end/", {"until": TODAY.isoformat()}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.until == TODAY
    assert (
        client_for(party_world.neighbour_party)
        .post(f"/party/posts/{seat.pk}/end/", {"until": TODAY.isoformat()})
        .status_code
        == 404
    )
