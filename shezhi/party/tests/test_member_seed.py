"""The demo's party members: placed as the party-organization step asks (≥3 full members for
every organization with its own party organization, <3 where covered otherwise, a minority of
blank spots and members without a branch), valid ID numbers, dates the rules accept, History,
transfers in flight, to-dos, deterministic."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone
from stdnum.cn import ric

from shezhi.core.demo import Scale, SeedContext
from shezhi.core.models import Todo
from shezhi.core.personal_data import validate_id_number
from shezhi.party import demo_members, rules
from shezhi.party import demo_organizations as organizations_demo
from shezhi.party.models import MemberStatus, PartyMember, Stage, Transfer, TransferStatus
from shezhi.social_orgs.models import SocialOrganization

from .test_organization_seed import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(party_world, monkeypatch):
    registry(party_world)
    monkeypatch.setattr(organizations_demo, "_targets", lambda ctx, live, province: (60, 12))
    organizations_demo.seed_party_organizations(SeedContext(scale=Scale.SMALL))
    ctx = SeedContext(scale=Scale.SMALL)
    ctx.reseed("party_members")
    demo_members.seed_party_members(ctx)
    return party_world


def seeded_members():
    # The persona world's own members (if any) were made before the step.
    return PartyMember.history.filter(history_change_reason="演示数据")


def test_it_places_members_as_the_party_organizations_require(seeded) -> None:
    staffing = organizations_demo.party_staffing()
    full = Counter(
        PartyMember.objects.filter(stage=Stage.FULL, status=MemberStatus.ACTIVE).values_list(
            "employer_id", flat=True
        )
    )
    assert staffing.alone and all(full[org] >= 3 for org in staffing.alone)
    assert all(full[org] < 3 for org in staffing.covered)
    blank = [org for org in staffing.uncovered if full[org] >= 3]
    assert 0 < len(blank) < len(staffing.uncovered) / 10
    loose = PartyMember.objects.filter(branch__isnull=True).count()
    assert 0 < loose < PartyMember.objects.count() / 5
    # Every party organization covering others has three full members at least.
    for party_id in set(staffing.covered.values()):
        assert PartyMember.objects.filter(branch_id=party_id, stage=Stage.FULL).count() >= 3
    # The kept facts agree with the members.
    for org in SocialOrganization.objects.filter(pk__in=list(full)):
        assert org.full_member_count == full[org.pk]


def test_every_member_is_valid_by_the_rules(seeded) -> None:
    today = timezone.localdate()
    members = list(PartyMember.objects.all())
    assert len(members) > 100
    stages = Counter(m.stage for m in members)
    assert set(stages) == set(Stage.values) and stages[Stage.FULL] > len(members) / 2
    for member in members:
        assert validate_id_number(member.id_number) == [], member.id_number
        assert ric.get_birth_date(member.id_number) == member.birth_date
        assert (int(member.id_number[16]) % 2 == 1) == (member.gender == "male")
        assert rules.stage_dates(member, today=today) == [], member
        assert member.division_path == member.division.path
    assert len({m.id_number for m in members}) == len(members)


def test_the_records_have_history_sponsors_transfers_and_to_dos(seeded) -> None:
    assert seeded_members().count() == PartyMember.objects.count()
    assert PartyMember.sponsors.through.objects.exists()
    waiting = Transfer.objects.filter(status=TransferStatus.SENT)
    assert waiting.exists() and Transfer.objects.exclude(status=TransferStatus.SENT).exists()
    for transfer in waiting:
        assert transfer.member.branch_id == transfer.from_branch_id
    assert Todo.objects.filter(kind="party.transfer_decision").count() == waiting.count()


def test_it_is_deterministic(party_world, monkeypatch) -> None:
    registry(party_world)
    monkeypatch.setattr(organizations_demo, "_targets", lambda ctx, live, province: (60, 12))
    organizations_demo.seed_party_organizations(SeedContext(scale=Scale.SMALL))
    runs = []
    for _attempt in range(2):
        from django.db import transaction

        with transaction.atomic():
            ctx = SeedContext(scale=Scale.SMALL)
            ctx.reseed("party_members")
            demo_members.seed_party_members(ctx)
            runs.append(sorted(PartyMember.objects.values_list("name", "birth_date", "stage")))
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and runs[0]
