"""Kinds of personal data: how each is normalized, validated and masked.

ID numbers follow GB 11643-1999 (shared/DOMAIN.md §2): python-stdnum's checksum and birth-date
checks refuse; its address-code check only warns, since it refuses some real, older IDs.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


class PersonalKind(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号码")
    PHONE = "phone", _("电话号码")


# An ID number typed plainly needs no cleaning; stdnum's compact() walks it character by character,
# which shows in a 100,000-row import.
_PLAIN_ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def normalize(kind: str, value: str) -> str:
    if kind == PersonalKind.ID_NUMBER:
        if _PLAIN_ID_NUMBER.fullmatch(value):
            return value.upper()
        return ric.compact(value).upper()
    if kind == PersonalKind.PHONE:
        return re.sub(r"[\s\-()+]", "", value)
    return value.strip()


def validate_id_number(value: str) -> list[str]:
    """Refuse a malformed ID number; return warnings for what is doubtful but possible."""
    number = normalize(PersonalKind.ID_NUMBER, value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位，当前为%(n)d位。"), params={"n": len(number)}, code="length"
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("身份证号码前17位应为数字，第18位为数字或X。"), code="format")
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date") from None
    expected = ric.calc_check_digit(number)
    if number[-1] != expected:
        raise ValidationError(
            _("身份证号码第18位校验码应为 %(expected)s。"),
            params={"expected": expected},
            code="checksum",
        )
    warnings: list[str] = []
    if not _birth_place_known(number[:6], int(number[6:10])):
        warnings.append(str(_("身份证号码的地址码不在行政区划表中，请核对。")))
    return warnings


@lru_cache(maxsize=8192)
def _birth_place_known(address_code: str, birth_year: int) -> bool:
    """stdnum's address check (the code existed in the birth year), once per code and year."""
    try:
        ric.get_birth_place(f"{address_code}{birth_year:04d}0101000")
    # stdnum raises KeyError for a code known only down to the city (e.g. 449999).
    except (InvalidComponent, InvalidChecksum, InvalidFormat, InvalidLength, KeyError):
        return False
    return True


def validate_phone(value: str) -> None:
    number = normalize(PersonalKind.PHONE, value)
    # Mobile (11 digits from 1) or landline with area code (0 + 9–11 digits, extension allowed).
    if not re.fullmatch(r"(?:86)?1[3-9]\d{9}|0\d{9,11}(?:\d{1,6})?", number):
        raise ValidationError(_("电话号码格式不正确。"), code="phone")


VALIDATORS = {PersonalKind.ID_NUMBER: validate_id_number, PersonalKind.PHONE: validate_phone}


def mask(kind: str, value: str | None) -> str:
    """The form shown everywhere by default, e.g. 440105********123X and 138****5678."""
    if not value:
        return ""
    if kind == PersonalKind.ID_NUMBER and len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if kind == PersonalKind.PHONE and len(value) > 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)
