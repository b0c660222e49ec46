"""The registry's demo step: issued credit codes, addresses inside the authority's area, the
province's 59,455 organizations planned over the three levels, deterministic, valid by the
registry's own checks."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType

from shezhi.accounts.models import User
from shezhi.core import demo as core_demo
from shezhi.core.backup import flush_database
from shezhi.core.models import Division
from shezhi.core.roles import Role
from shezhi.social_orgs import demo
from shezhi.social_orgs.credit_code import check_credit_code
from shezhi.social_orgs.models import CREDIT_CODE_TYPE, OrgType, SocialOrganization
from shezhi.social_orgs.validators import FACT_FIELDS, OrganizationChecker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_content_types() -> Iterator[None]:
    yield
    ContentType.objects.clear_cache()


def seed_small() -> None:
    core_demo.seed(scale=core_demo.Scale.SMALL)


def test_the_small_seed_registers_a_few_dozen_where_towns_exist() -> None:
    seed_small()
    by_authority = Counter(
        SocialOrganization.objects.values_list("registration_authority_id", flat=True)
    )
    assert by_authority["440118"] == 10 and by_authority["440112"] == 6
    assert by_authority["440000"] == 6 and by_authority["440100"] == 4
    assert 40 <= sum(by_authority.values()) <= 80
    assert set(SocialOrganization.objects.values_list("org_type", flat=True)) == set(OrgType.values)


def test_every_seeded_code_is_issued_for_its_authority_in_sequence() -> None:
    seed_small()
    sequences: dict[str, list[int]] = defaultdict(list)
    for organization in SocialOrganization.objects.select_related(
        "registration_authority", "address_division"
    ).order_by("founded_on", "name"):
        result = check_credit_code(organization.credit_code)
        assert result.is_valid and not result.warnings, organization.credit_code
        assert result.division_code == organization.registration_authority_id
        assert result.organization_type == CREDIT_CODE_TYPE[organization.org_type]
        assert organization.address_division.path.startswith(organization.authority_path)
        assert organization.authority_path == organization.registration_authority.path
        sequences[organization.registration_authority_id].append(
            int(organization.credit_code[10:16])
        )
    for numbers in sequences.values():
        assert numbers == list(range(1, len(numbers) + 1))


def test_the_seeded_organizations_pass_the_registrys_own_checks() -> None:
    seed_small()
    checker = OrganizationChecker(actor=User.objects.get(username="admin"))
    for organization in SocialOrganization.objects.select_related(
        "registration_authority", "address_division"
    ):
        facts = {name: getattr(organization, name) for name in FACT_FIELDS}
        verdict = checker.check(facts)
        assert verdict.ok, (organization.name, verdict.errors)
        assert organization.history.get().history_change_reason == "演示数据"


def test_a_few_organizations_get_an_account() -> None:
    seed_small()
    accounts = User.objects.filter(role=Role.ORGANIZATION_ACCOUNT).select_related("organization")
    # This step gives the first organization of each example authority an account; the annual
    # filings' step gives the organizations that file theirs, named the same way.
    for account in accounts:
        assert account.username == f"org-{account.organization.credit_code}"
        assert account.division_id is None
    assert check_password(core_demo.DEMO_PASSWORD, accounts[0].password)
    for authority in demo.ACCOUNT_AUTHORITIES:
        sequences = {
            account.organization.credit_code[10:16]
            for account in accounts.filter(organization__registration_authority_id=authority)
        }
        assert "000001" in sequences, authority


def test_it_seeds_the_same_organizations_from_the_same_seed() -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return list(
            SocialOrganization.objects.order_by("credit_code").values_list(
                "credit_code", "name", "address_division_id", "legal_representative", "status"
            )
        )

    seed_small()
    first = snapshot()
    flush_database()
    seed_small()
    assert snapshot() == first


def test_the_province_plan_makes_exactly_59455_over_three_levels() -> None:
    authorities = [
        demo.Authority(division, division.name, addresses=[division])
        for division in Division.objects.filter(
            level__in=["province", "city", "county"], is_current=True
        ).order_by("code")
    ]
    import random

    demo._plan_counts(core_demo.Scale.PROVINCE, authorities, random.Random(1))
    counts = {a.division.code: a.count for a in authorities}
    assert sum(counts.values()) == demo.PROVINCE_TOTAL == 59_455
    assert counts["440000"] == round(59_455 * 0.06)
    levels: Counter[str] = Counter()
    for authority in authorities:
        levels[authority.division.level] += authority.count
    # Dongguan and Zhongshan register their county share themselves.
    assert levels["city"] > round(59_455 * 0.30)
    assert levels["county"] + levels["city"] == 59_455 - counts["440000"]
    cities = [a for a in authorities if a.division.level == "city"]
    assert len(cities) == 21 and all(a.count > 0 for a in cities)
    assert all(a.count > 0 for a in authorities if a.division.level == "county")
    assert counts["440300"] > counts["440100"] > counts["445300"]  # 深圳 > 广州 > 云浮


def test_counties_are_never_planned_foundations() -> None:
    assert OrgType.FOUNDATION not in demo.TYPE_SHARES[Division.Level.COUNTY]
