"""Helpers of the member, development, transfer and import tests: valid ID numbers and members
at any stage, written directly (the services are what the tests exercise)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from shezhi.core.models import Division
from shezhi.party.coverage import coverage_refresh
from shezhi.party.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Education,
    Gender,
    PartyMember,
    PartyOrganization,
    Stage,
)
from shezhi.social_orgs.models import SocialOrganization

_serial = itertools.count(1)


def make_id_number(
    *, born: date = date(1985, 5, 20), address: str = "440118", male: bool = True
) -> str:
    """A valid 18-character ID number (GB 11643): a fresh sequence each call."""
    sequence = next(_serial) % 500 * 2 + (1 if male else 0)
    body = f"{address}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def dates_for(stage: str, *, today: date | None = None) -> dict[str, date]:
    """Stage dates that satisfy every interval of the rules, ending recently at `stage`."""
    today = today or timezone.localdate()
    steps: dict[str, date] = {
        Stage.APPLICANT: today - timedelta(days=1200),
        Stage.ACTIVIST: today - timedelta(days=1100),
        Stage.CANDIDATE: today - timedelta(days=700),
        Stage.PROBATIONARY: today - timedelta(days=500),
        Stage.FULL: today - timedelta(days=100),
    }
    reached = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    return {STAGE_DATE_FIELD[s]: steps[s] for s in reached}


def make_member(
    *,
    stage: str = Stage.FULL,
    employer: SocialOrganization | None = None,
    branch: PartyOrganization | None = None,
    born: date = date(1985, 5, 20),
    refresh: bool = True,
    **extra: Any,
) -> PartyMember:
    division: Division = (
        branch.division if branch is not None else employer.registration_authority  # type: ignore[union-attr]
    )
    values: dict[str, Any] = {
        "name": f"党员{next(_serial)}",
        "gender": Gender.MALE,
        "birth_date": born,
        "id_number": make_id_number(born=born),
        "education": Education.UNDERGRADUATE,
        "employer": employer,
        "branch": branch,
        "division": division,
        "stage": stage,
        "training_hours": 24 if stage in (Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL) else 0,
        **dates_for(stage),
    }
    values.update(extra)
    member = PartyMember.objects.create(**values)
    if refresh and employer is not None:
        coverage_refresh([employer.pk])
    return member
