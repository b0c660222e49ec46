"""What each kind of application must propose, checked by the service (pages and API alike):
each rule refuses with a message naming the field, and the rule's source where it has one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shezhi.core.testing import NEIGHBOUR_COUNTY
from shezhi.party.models import (
    ApplicationKind,
    CommitteePost,
    Coverage,
    Formation,
    PartyOrganization,
    PartyOrgKind,
    Post,
    Stage,
)
from shezhi.party.services.organizations import application_create
from shezhi.social_orgs.models import OrgStatus

pytestmark = pytest.mark.django_db


def errors(
    world,
    what=ApplicationKind.ESTABLISH,
    /,
    *,
    actor=None,
    organization=None,
    superior=None,
    **proposal,
) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        application_create(
            actor=actor or world.county_party,
            kind=what,
            proposal=proposal,
            party_organization=organization,
            superior=superior,
        )
    return caught.value.message_dict


def establishing(world, orgs, **changes):
    proposal = {
        "name": "新党支部",
        "kind": PartyOrgKind.BRANCH,
        "formation": Formation.ALONE,
        "covered_organizations": [o.pk for o in orgs],
    }
    return {**proposal, **changes}


def test_an_establishment_needs_a_name_kind_and_formation(party_world) -> None:
    org = party_world.org(full_members=3)
    found = errors(party_world, **establishing(party_world, [org], name=" ", kind="", formation=""))
    assert set(found) >= {"name", "kind", "formation"}


def test_a_leading_committee_is_not_established_by_application(party_world) -> None:
    org = party_world.org(full_members=3)
    found = errors(
        party_world, **establishing(party_world, [org], kind=PartyOrgKind.LEADING_COMMITTEE)
    )
    assert "kind" in found


def test_names_are_unique_among_active_organizations(party_world) -> None:
    org = party_world.org(full_members=3)
    found = errors(party_world, **establishing(party_world, [org], name=party_world.branch.name))
    assert "已有同名" in found["name"][0]


def test_terms_are_three_or_five_years(party_world) -> None:
    org = party_world.org(full_members=3)
    found = errors(party_world, **establishing(party_world, [org], term_years=4))
    assert "3年或5年" in found["term_years"][0]


def test_forming_alone_needs_three_full_members_citing_the_constitution(party_world) -> None:
    org = party_world.org(full_members=2)
    party_world.members(org, 4, stage=Stage.PROBATIONARY)  # probationary members do not count
    found = errors(party_world, **establishing(party_world, [org]))
    assert "2 名正式党员" in found["formation"][0]
    assert "《中国共产党章程》第三十条" in found["formation"][0]
    party_world.members(org, 1)
    application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.ESTABLISH,
        proposal=establishing(party_world, [org]),
    )


def test_forming_alone_covers_one_organization(party_world) -> None:
    a, b = party_world.org(full_members=3), party_world.org(full_members=3)
    found = errors(party_world, **establishing(party_world, [a, b]))
    assert "covered_organizations" in found


@pytest.mark.parametrize(("units", "accepted"), [(1, False), (2, True), (5, True), (6, False)])
def test_a_joint_branch_covers_two_to_five_units(party_world, units, accepted) -> None:
    orgs = [party_world.org() for _i in range(units)]
    proposal = establishing(
        party_world, orgs, kind=PartyOrgKind.JOINT_BRANCH, formation=Formation.JOINT
    )
    if accepted:
        application = application_create(
            actor=party_world.county_party, kind=ApplicationKind.ESTABLISH, proposal=proposal
        )
        assert application.proposal["covered_organizations"] == [o.pk for o in orgs]
    else:
        assert "2 至 5 个单位" in errors(party_world, **proposal)["covered_organizations"][0]


def test_a_joint_branch_is_formed_jointly(party_world) -> None:
    orgs = [party_world.org(), party_world.org()]
    found = errors(
        party_world,
        **establishing(party_world, orgs, kind=PartyOrgKind.JOINT_BRANCH, formation="area"),
    )
    assert "formation" in found


def test_organizations_outside_the_jurisdiction_are_not_found(party_world) -> None:
    huangpu = party_world.org(NEIGHBOUR_COUNTY, full_members=3)
    found = errors(party_world, **establishing(party_world, [huangpu]))
    assert "不在您的管辖范围内" in found["covered_organizations"][0]


def test_a_deregistered_organization_cannot_be_covered(party_world) -> None:
    org = party_world.org(full_members=3, status=OrgStatus.DEREGISTERED)
    found = errors(party_world, **establishing(party_world, [org]))
    assert "已注销" in found["covered_organizations"][0]


def test_an_organization_belongs_to_one_party_organization(party_world) -> None:
    found = errors(party_world, **establishing(party_world, [party_world.organization]))
    assert party_world.branch.name in found["covered_organizations"][0]


def test_the_founding_date_is_not_in_the_future(party_world) -> None:
    org = party_world.org(full_members=3)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "founded_on" in errors(
        party_world, **establishing(party_world, [org], founded_on=tomorrow)
    )


def test_the_superior_leads_at_or_above_the_organizations(party_world) -> None:
    org = party_world.org(full_members=3)
    shenzhen = PartyOrganization.objects.get(
        kind=PartyOrgKind.LEADING_COMMITTEE, division_id="440300"
    )
    found = errors(party_world, superior=shenzhen, **establishing(party_world, [org]))
    assert "不能作为上级党组织" in found["superior"][0]
    # A branch cannot lead others.
    found = errors(party_world, superior=party_world.branch, **establishing(party_world, [org]))
    assert "superior" in found


def test_a_branch_inside_a_committee_covers_nothing_itself(party_world) -> None:
    big = party_world.org(full_members=3)
    committee = PartyOrganization.objects.create(
        name="中共大协会委员会",
        kind=PartyOrgKind.COMMITTEE,
        formation=Formation.ALONE,
        parent=party_world.city_committee,
        division=big.registration_authority,
        founded_on=timezone.localdate(),
    )
    Coverage.objects.create(
        party_organization=committee, social_org=big, since=timezone.localdate()
    )
    application = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.ESTABLISH,
        superior=committee,
        proposal=establishing(party_world, [], name="大协会第一党支部"),
    )
    assert application.division_id == "440118"
    # Under a leading committee a party organization must cover an organization.
    found = errors(party_world, **establishing(party_world, [], name="空党支部"))
    assert "covered_organizations" in found or "superior" in found


def test_a_change_proposes_something_and_only_what_may_change(party_world) -> None:
    branch = party_world.branch
    found = errors(party_world, ApplicationKind.CHANGE, organization=branch, name=branch.name)
    assert "没有提出任何变更" in found["proposal"][0]
    found = errors(party_world, ApplicationKind.CHANGE, organization=branch, status="dissolved")
    assert "status" in found["proposal"][0]


def test_a_change_keeps_the_rules_of_the_result(party_world) -> None:
    branch = party_world.branch
    other = party_world.org(full_members=3)
    found = errors(
        party_world,
        ApplicationKind.CHANGE,
        organization=branch,
        covered_organizations=[party_world.organization.pk, other.pk],
    )
    assert "单独组建" in found["covered_organizations"][0]


def test_a_change_cannot_put_an_organization_under_itself(party_world) -> None:
    org = party_world.org(full_members=3)
    committee = PartyOrganization.objects.create(
        name="中共测试委员会",
        kind=PartyOrgKind.COMMITTEE,
        formation=Formation.ALONE,
        parent=party_world.city_committee,
        division=org.registration_authority,
        founded_on=timezone.localdate(),
    )
    Coverage.objects.create(
        party_organization=committee, social_org=org, since=timezone.localdate()
    )
    child = PartyOrganization.objects.create(
        name="中共测试委员会下属总支",
        kind=PartyOrgKind.GENERAL_BRANCH,
        formation=Formation.ALONE,
        parent=committee,
        division=org.registration_authority,
        founded_on=timezone.localdate(),
    )
    found = errors(party_world, ApplicationKind.CHANGE, organization=committee, parent=child.pk)
    assert "不能把党组织自身或其下级党组织设为上级" in found["parent"][0]
    found = errors(party_world, ApplicationKind.CHANGE, organization=committee, kind="branch")
    assert "kind" in found


def reelect(world, organization, posts, /, **extra):
    return errors(
        world,
        ApplicationKind.REELECT,
        organization=organization,
        posts=[{"post": p, "member": m.pk} for p, m in posts],
        **extra,
    )


def test_a_reelection_needs_exactly_one_secretary(party_world) -> None:
    a, b = party_world.members(party_world.organization, 2, branch=party_world.branch)
    assert (
        "书记" in reelect(party_world, party_world.branch, [(Post.DEPUTY_SECRETARY, a)])["posts"][0]
    )
    found = reelect(party_world, party_world.branch, [(Post.SECRETARY, a), (Post.SECRETARY, b)])
    assert any("只有一名书记" in m for m in found["posts"])


def test_only_full_members_of_the_organization_are_elected(party_world) -> None:
    outsider = party_world.members(party_world.org(), 1)[0]
    probationary = party_world.members(
        party_world.organization, 1, branch=party_world.branch, stage=Stage.PROBATIONARY
    )[0]
    for member in (outsider, probationary):
        found = reelect(party_world, party_world.branch, [(Post.SECRETARY, member)])
        assert "不是本党组织在册的正式党员" in found["posts"][0]


def test_one_person_holds_one_post(party_world) -> None:
    a = party_world.members(party_world.organization, 1, branch=party_world.branch)[0]
    found = reelect(
        party_world, party_world.branch, [(Post.SECRETARY, a), (Post.DEPUTY_SECRETARY, a)]
    )
    assert any("只能担任一个职务" in m for m in found["posts"])


def test_a_small_branch_has_a_secretary_not_a_committee(party_world) -> None:
    a, b, c = party_world.members(party_world.organization, 3, branch=party_world.branch)
    found = reelect(
        party_world,
        party_world.branch,
        [(Post.SECRETARY, a), (Post.ORGANIZATION, b), (Post.PUBLICITY, c)],
    )
    assert "《中国共产党支部工作条例（试行）》第十条" in found["posts"][0]


def test_a_branch_of_seven_full_members_elects_a_committee_of_three_to_seven(party_world) -> None:
    people = party_world.members(party_world.organization, 8, branch=party_world.branch)
    found = reelect(party_world, party_world.branch, [(Post.SECRETARY, people[0])])
    assert "委员 3 至 7 人" in found["posts"][0]
    too_many = [(Post.SECRETARY, people[0])] + [(Post.MEMBER, m) for m in people[1:8]]
    assert any("至 7 人" in m for m in reelect(party_world, party_world.branch, too_many)["posts"])
    application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.REELECT,
        party_organization=party_world.branch,
        proposal={
            "posts": [
                {"post": Post.SECRETARY, "member": people[0].pk},
                {"post": Post.ORGANIZATION, "member": people[1].pk},
                {"post": Post.PUBLICITY, "member": people[2].pk},
            ]
        },
    )


def test_the_new_term_starts_after_the_current_one(party_world) -> None:
    a = party_world.members(party_world.organization, 1, branch=party_world.branch)[0]
    found = reelect(
        party_world,
        party_world.branch,
        [(Post.SECRETARY, a)],
        term_started_on=party_world.branch.term_started_on.isoformat(),
    )
    assert "term_started_on" in found


def test_a_dissolution_needs_a_reason_and_an_empty_organization(party_world) -> None:
    branch = party_world.branch
    assert "reason" in errors(party_world, ApplicationKind.DISSOLVE, organization=branch, reason="")
    party_world.members(party_world.organization, 2, branch=branch)
    found = errors(party_world, ApplicationKind.DISSOLVE, organization=branch, reason="单位注销")
    assert "2 名在册党员" in found["party_organization"][0]


def test_an_organization_with_branches_under_it_is_not_dissolved(party_world) -> None:
    org = party_world.org(full_members=3)
    committee = PartyOrganization.objects.create(
        name="中共撤销测试委员会",
        kind=PartyOrgKind.COMMITTEE,
        formation=Formation.ALONE,
        parent=party_world.city_committee,
        division=org.registration_authority,
        founded_on=timezone.localdate(),
    )
    PartyOrganization.objects.create(
        name="撤销测试第一支部",
        kind=PartyOrgKind.BRANCH,
        formation=Formation.ALONE,
        parent=committee,
        division=org.registration_authority,
        founded_on=timezone.localdate(),
    )
    found = errors(party_world, ApplicationKind.DISSOLVE, organization=committee, reason="注销")
    assert "1 个党组织" in found["party_organization"][0]
    assert not CommitteePost.objects.exists()


def test_a_rename_does_not_wait_for_a_branch_to_be_re_formed(party_world) -> None:
    """The three full members are checked when an organization forms alone, or changes its
    formation or coverage; a branch whose members left can still be renamed."""
    branch = party_world.branch
    assert party_world.organization.full_member_count < 3
    application = application_create(
        actor=party_world.county_party,
        kind=ApplicationKind.CHANGE,
        party_organization=branch,
        proposal={"name": "增城区测试协会党支部（新）"},
    )
    assert application.proposal == {"name": "增城区测试协会党支部（新）"}
    found = errors(
        party_world,
        ApplicationKind.CHANGE,
        organization=branch,
        formation=Formation.ALONE,
        covered_organizations=[party_world.org().pk],
    )
    assert "第三十条" in found["formation"][0]
