"""Fixtures of the registry's tests: organizations made quickly, valid facts, API clients."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from shezhi.accounts.models import ApiToken, User
from shezhi.core.models import Division
from shezhi.core.testing import COUNTY, VILLAGE, grassroots, organizations
from shezhi.social_orgs.credit_code import issue_credit_code
from shezhi.social_orgs.models import (
    CREDIT_CODE_TYPE,
    Industry,
    OrgStatus,
    OrgType,
    SocialOrganization,
)

# Sequences of the credit codes the tests issue (the personas use 900001 and 900002).
_sequence = itertools.count(1)


def next_code(authority: str = COUNTY, org_type: str = OrgType.SOCIAL_GROUP) -> str:
    return issue_credit_code(
        organization_type=CREDIT_CODE_TYPE.get(org_type, "1"),
        division_code=authority,
        sequence=next(_sequence),
    )


def make_org(
    authority: str = COUNTY,
    *,
    address: str | None = None,
    name: str | None = None,
    org_type: str = OrgType.SOCIAL_GROUP,
    **extra: Any,
) -> SocialOrganization:
    """One organization written directly (not through the service: fixtures, not behaviour)."""
    places = grassroots()
    if address is None:
        address = (
            VILLAGE
            if authority in (COUNTY, "440100", "440000")
            else places["neighbour_village"].code
        )
    code = next_code(authority, org_type)
    return SocialOrganization.objects.create(
        name=name or f"测试组织{code[-6:]}",
        credit_code=code,
        org_type=org_type,
        registration_authority=Division.objects.get(code=authority),
        address_division=Division.objects.get(code=address),
        legal_representative=extra.pop("legal_representative", "王五"),
        founded_on=extra.pop("founded_on", date(2015, 3, 1)),
        industry=extra.pop("industry", Industry.SOCIAL_SERVICE),
        status=extra.pop("status", OrgStatus.ACTIVE),
        **extra,
    )


def many_orgs(
    count: int, authority: str = COUNTY, *, tag: str = "批量"
) -> list[SocialOrganization]:
    """`count` organizations in one query (paths set as save() would)."""
    places = grassroots()
    division = Division.objects.get(code=authority)
    village = places["village"] if authority == COUNTY else places["neighbour_village"]
    rows = []
    for n in range(count):
        code = next_code(authority)
        rows.append(
            SocialOrganization(
                name=f"{tag}组织{n:05d}",
                credit_code=code,
                org_type=OrgType.SOCIAL_GROUP,
                registration_authority=division,
                authority_path=division.path,
                address_division=village,
                legal_representative="赵六",
                legal_representative_phone="13800138000",
                founded_on=date(2010, 1, 1),
                industry=Industry.CULTURE,
                staff_count=n,
            )
        )
    return SocialOrganization.objects.bulk_create(rows)


def zengcheng_org() -> SocialOrganization:
    """The personas' organization (its account is people.organization_account)."""
    organization: SocialOrganization = organizations()["organization"]
    return organization


def valid_facts(authority: str = COUNTY, **overrides: Any) -> dict[str, Any]:
    """Facts of a new Zengcheng social group that every check accepts."""
    facts: dict[str, Any] = {
        "credit_code": next_code(authority, overrides.get("org_type", OrgType.SOCIAL_GROUP)),
        "name": "增城区新登记协会",
        "org_type": OrgType.SOCIAL_GROUP,
        "industry": Industry.CULTURE,
        "registration_authority": authority,
        "business_supervisor": "",
        "address_division": VILLAGE,
        "address": "荔城街道府佑路1号",
        "legal_representative": "陈七",
        "legal_representative_phone": "13912345678",
        "founded_on": date(2016, 5, 4),
        "staff_count": 5,
        "charter_has_party_clause": True,
    }
    facts.update(overrides)
    return facts


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def token_client() -> Callable[[User], Client]:
    """An API client carrying `user`'s personal token (no CSRF needed)."""

    def make(user: User) -> Client:
        raw = ApiToken.issue(user=user, name="tests")[1]
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
