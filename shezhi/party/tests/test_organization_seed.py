"""The demo's party organizations: the figures of DOMAIN.md §0 at province scale, the formations'
rules kept, coverage facts refreshed, deterministic, and the contract with the members' step."""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Count

from shezhi.core.demo import Scale, SeedContext
from shezhi.core.models import Division, Todo
from shezhi.party import demo_organizations as demo
from shezhi.party.models import (
    ApplicationStatus,
    CommitteePost,
    Coverage,
    Formation,
    InstructorAssignment,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    Stage,
)
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import Industry, OrgType, SocialOrganization

pytestmark = pytest.mark.django_db

AUTHORITIES = {"440000": 120, "440100": 90, "440118": 110, "440112": 80, "440300": 60}


def registry(world) -> None:
    """A few hundred organizations at province, city and county level."""
    rng = random.Random(7)
    village = world.organization.address_division
    industries = [Industry.BUSINESS, Industry.EDUCATION, Industry.SOCIAL_SERVICE, Industry.CULTURE]
    rows, n = [], 800_000
    for code, count in AUTHORITIES.items():
        authority = Division.objects.get(code=code)
        for _i in range(count):
            n += 1
            rows.append(
                SocialOrganization(
                    name=f"演示组织{n}",
                    credit_code=issue_credit_code(
                        organization_type="1", division_code=code, sequence=n
                    ),
                    org_type=OrgType.SOCIAL_GROUP,
                    registration_authority=authority,
                    authority_path=authority.path,
                    address_division=village,
                    legal_representative="赵六",
                    founded_on=date(2010, 1, 1),
                    industry=rng.choice(industries),
                    staff_count=rng.randint(1, 80),
                )
            )
    SocialOrganization.objects.bulk_create(rows)


@pytest.fixture
def seeded(party_world, monkeypatch):
    registry(party_world)
    # A province in miniature: 60 party organizations, 12 of them directly under the province.
    monkeypatch.setattr(demo, "_targets", lambda ctx, live, province: (60, 12))
    demo.seed_party_organizations(SeedContext(scale=Scale.SMALL))
    return party_world


def in_social_orgs():
    # The persona's own branch existed before the seed; the seed adds the rest.
    return PartyOrganization.objects.in_social_orgs()


def test_the_province_targets_are_the_figures_of_2016() -> None:
    ctx = SeedContext(scale=Scale.PROVINCE)
    assert demo._targets(ctx, 59_455, 3_500) == (8_099, 361)


def test_it_makes_the_targets_exactly(seeded) -> None:
    assert in_social_orgs().count() == 60 + 1  # + the persona's branch
    province = PartyOrganization.objects.get(
        kind=PartyOrgKind.LEADING_COMMITTEE, division_id="440000"
    )
    assert in_social_orgs().filter(parent=province).count() == 12
    # Leading committees: the province and each city, none counted among the 60.
    assert PartyOrganization.objects.filter(kind=PartyOrgKind.LEADING_COMMITTEE).count() == 22


def test_formations_keep_their_rules(seeded) -> None:
    sizes = dict(Coverage.objects.values_list("party_organization").annotate(n=Count("pk")))
    for organization in in_social_orgs().exclude(pk=seeded.branch.pk):
        n = sizes.get(organization.pk, 0)
        if organization.kind == PartyOrgKind.JOINT_BRANCH:
            assert organization.formation == Formation.JOINT and 2 <= n <= 5
        elif organization.formation == Formation.ALONE and organization.parent.kind in (
            PartyOrgKind.COMMITTEE,
            PartyOrgKind.GENERAL_BRANCH,
        ):
            assert n == 0  # a branch inside its organization's committee
        elif organization.formation == Formation.ALONE:
            assert n == 1
        else:
            assert n >= 1
        covered = Coverage.objects.filter(party_organization=organization).select_related(
            "social_org"
        )
        assert all(
            c.social_org.authority_path.startswith(organization.division_path) for c in covered
        )
    formations = set(in_social_orgs().values_list("formation", flat=True))
    assert {Formation.ALONE, Formation.JOINT} <= formations
    assert len(formations) >= 4


def test_the_coverage_facts_are_refreshed(seeded) -> None:
    covered = set(Coverage.objects.values_list("social_org_id", flat=True))
    instructed = set(
        InstructorAssignment.objects.filter(
            ended_on__isnull=True, instructor__is_active=True
        ).values_list("social_org_id", flat=True)
    )
    for org in SocialOrganization.objects.all():
        assert org.organization_covered == (org.pk in covered)
        assert org.has_instructor == (org.pk in instructed)
    total = SocialOrganization.objects.count()
    covered_share = len(covered) / total
    instructor_only = (
        SocialOrganization.objects.filter(organization_covered=False, has_instructor=True).count()
        / total
    )
    neither = (
        SocialOrganization.objects.filter(organization_covered=False, has_instructor=False).count()
        / total
    )
    # Instructors reach most organizations without a party organization: a minority is blank.
    assert instructor_only > neither
    assert 0 < neither < 0.5 and covered_share > 0.1


def test_the_members_contract(seeded) -> None:
    staffing = demo.party_staffing()
    assert staffing.min_full_members_alone == 3
    alone = Coverage.objects.filter(party_organization__formation=Formation.ALONE)
    assert staffing.alone == dict(alone.values_list("social_org_id", "party_organization_id"))
    assert set(staffing.covered).isdisjoint(staffing.alone)
    assert len(staffing.alone) + len(staffing.covered) == Coverage.objects.count()
    for parent, children in staffing.children.items():
        assert parent in staffing.alone.values()
        assert set(
            PartyOrganization.objects.filter(pk__in=children).values_list("parent_id", flat=True)
        ) == {parent}
    assert set(staffing.uncovered) == set(
        SocialOrganization.objects.filter(party_coverage__isnull=True).values_list("pk", flat=True)
    )


def codes(organization):
    return organization.coverages.values_list("social_org__credit_code", flat=True)


def snapshot():
    return sorted(
        (
            o.name,
            o.kind,
            o.formation,
            o.term_years,
            tuple(sorted(o.coverages.values_list("social_org__credit_code", flat=True))),
        )
        for o in in_social_orgs()
    )


def test_it_is_deterministic(party_world, monkeypatch) -> None:
    registry(party_world)
    monkeypatch.setattr(demo, "_targets", lambda ctx, live, province: (40, 8))
    runs = []
    for _i in range(2):
        sid = transaction.savepoint()
        ctx = SeedContext(scale=Scale.SMALL)
        ctx.reseed("party_organizations")
        demo.seed_party_organizations(ctx)
        runs.append(snapshot())
        transaction.savepoint_rollback(sid)
    assert runs[0] == runs[1]
    assert len(runs[0]) == 41


def test_the_committees_step_seats_members_and_files_applications(seeded) -> None:
    staffing = demo.party_staffing()
    # What the members' step promises: three or more full members in every 'alone' organization.
    orgs = SocialOrganization.objects.in_bulk(list(staffing.alone))
    for org_id, party_id in list(staffing.alone.items())[:15]:
        branch = PartyOrganization.objects.get(pk=party_id)
        seeded.members(orgs[org_id], 8 if org_id % 2 else 3, branch=branch)
    blank = SocialOrganization.objects.get(pk=staffing.uncovered[0])
    seeded.members(blank, 3)
    ctx = SeedContext(scale=Scale.SMALL)
    ctx.reseed("party_committees")
    demo.seed_party_committees(ctx)
    secretaries = CommitteePost.objects.filter(post="secretary", until__isnull=True)
    assert secretaries.count() >= 15
    for post in CommitteePost.objects.select_related("member"):
        assert post.member.branch_id == post.party_organization_id
        assert post.member.stage == Stage.FULL
    statuses = set(PartyOrgApplication.objects.values_list("status", flat=True))
    assert ApplicationStatus.APPROVED in statuses and len(statuses) >= 3
    submitted = PartyOrgApplication.objects.filter(status=ApplicationStatus.SUBMITTED)
    assert Todo.objects.filter(kind="party.application_decision").count() == submitted.count()
    # The 8,099 stay active: no dissolution is approved in the demo.
    assert not PartyOrgApplication.objects.filter(kind="dissolve", status="approved").exists()
