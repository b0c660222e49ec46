"""The unified social credit code (统一社会信用代码), GB 32100-2015: checking and issuing.

shared/DOMAIN.md §1. 18 characters: registration authority (1), organization type (1), division
code of the registering authority (6), organization code (9, GB 11714, with its own check
character at position 17), check character (18). python-stdnum's `cn.uscc` checks length, format
and the final check character, but refuses valid codes that start with a letter and checks neither
the authority/type pair, the division, nor position 17; those checks live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import stdnum
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

# GB 32100-2015 §4.1: digits and capital letters without I, O, Z, S, V (31 values).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 §5: weight of position i is 3^(i-1) mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714-1997: weights of the eight body characters of the organization code.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

CIVIL_AFFAIRS_AUTHORITY = "5"


class OrganizationType(models.TextChoices):
    """Organization-type characters under civil affairs (authority 5), GB 32100-2015 Annex A."""

    SOCIAL_GROUP = "1", gettext_lazy("社会团体")
    SOCIAL_SERVICE = "2", gettext_lazy("社会服务机构（民办非企业单位）")
    FOUNDATION = "3", gettext_lazy("基金会")
    OTHER = "9", gettext_lazy("其他")


@dataclass(frozen=True)
class Finding:
    position: int | None  # 1-based character position, None for the whole code
    code: str
    message: str


@dataclass
class CreditCodeCheck:
    code: str
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def organization_type(self) -> str | None:
        return self.code[1] if self.is_valid else None

    @property
    def division_code(self) -> str | None:
        return self.code[2:8] if self.is_valid else None


def check_character(first17: str) -> str:
    """Position 18 (GB 32100-2015 §5): (31 − Σ value×weight mod 31) mod 31."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organization_code_check(body: str) -> str:
    """Position 17, the GB 11714 check of the 8-character organization code body:
    11 − (Σ value×weight mod 11), with 10 → X and 11 → 0; letters count A=10 … Z=35."""
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@cache
def known_division_codes() -> frozenset[str]:
    """Every 6-digit code in GB/T 2260 as python-stdnum ships it, abolished ones included:
    organizations keep the code of the division that registered them."""
    codes: set[str] = set()
    province = ""
    for line in (
        (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines()
    ):
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split(" ", 1)[0]
            codes.add(province + "0000")
        else:
            codes.add(province + line.strip().split(" ", 1)[0])
    return frozenset(codes)


def check_credit_code(raw: str) -> CreditCodeCheck:
    """Check a credit code for registration by civil affairs; every error names its position."""
    code = uscc.compact(raw or "")
    result = CreditCodeCheck(code=code)
    errors = result.errors
    if len(code) != 18:
        errors.append(
            Finding(
                None, "length", _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}
            )
        )
        return result
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            errors.append(
                Finding(
                    position,
                    "character",
                    _("第%(pos)d位“%(char)s”不是有效字符（不使用 I、O、Z、S、V）。")
                    % {"pos": position, "char": char},
                )
            )
    if errors:
        return result
    if code[0] != CIVIL_AFFAIRS_AUTHORITY:
        errors.append(
            Finding(
                1,
                "authority",
                _("第1位登记管理部门代码为“%(c)s”，不是民政部门（5）登记的社会组织。")
                % {"c": code[0]},
            )
        )
        return result
    if code[1] not in OrganizationType.values:
        errors.append(
            Finding(
                2,
                "type",
                _("第2位机构类别“%(c)s”无效：民政部门登记的应为1、2、3或9。") % {"c": code[1]},
            )
        )
    division = code[2:8]
    if not division.isdigit() or division not in known_division_codes():
        errors.append(
            Finding(
                3, "division", _("第3至8位登记管理机关行政区划码“%(d)s”不存在。") % {"d": division}
            )
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        errors.append(Finding(18, "checksum", _("第18位校验码应为 %(c)s。") % {"c": expected}))
    # Position 17 is only a warning: codes converted from old organization codes do not always
    # carry a correct GB 11714 check, and the registration stands regardless.
    body = code[8:16]
    org_check = organization_code_check(body)
    if code[16] != org_check:
        result.warnings.append(
            Finding(
                17,
                "organization_code",
                _("第17位组织机构代码校验码应为 %(c)s，请核对。") % {"c": org_check},
            )
        )
    return result


def issue_credit_code(*, organization_type: str, division_code: str, sequence: int) -> str:
    """A new code for an organization registered by the civil-affairs authority of `division_code`.

    The organization code body is "MJ" (the civil-affairs series) and a 6-digit sequence number
    the caller allocates per registering division.
    """
    if organization_type not in OrganizationType.values:
        raise ValueError(f"unknown organization type {organization_type!r}")
    if division_code not in known_division_codes():
        raise ValueError(f"unknown division code {division_code!r}")
    if not 0 <= sequence < 10**6:
        raise ValueError("sequence out of range")
    body = f"MJ{sequence:06d}"
    first17 = (
        CIVIL_AFFAIRS_AUTHORITY
        + organization_type
        + division_code
        + body
        + organization_code_check(body)
    )
    return first17 + check_character(first17)


def is_credit_code_shape(value: str) -> bool:
    return bool(re.fullmatch(rf"[{ALPHABET}]{{18}}", value))
