"""Every check of an organization's facts, shared by the form, the API, the services and the
xlsx import, so that a record refused on one of them is refused on all.

`OrganizationChecker` is built once (it loads what it needs from the database, e.g. the abolished
division codes) and then checks any number of rows in memory: the import checks 100,000 rows
with the same code a single form submission runs. Facts arrive with their divisions already
resolved: a `Division`, or the code as text when no such division exists, or None when missing.
Messages are Chinese msgids naming the field, and for credit codes the character position.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from shezhi.core.models import Division
from shezhi.core.personal_data import validate_phone

from . import rules
from .credit_code import check_credit_code
from .models import CREDIT_CODE_TYPE, Industry, OrgType, SocialOrganization
from .permissions import can_register_organization

# The facts of an organization a person enters, in form and template order. Status and the
# party-building facts are not among them: status moves through workflows, and the party facts
# are kept by the party module.
FACT_FIELDS = (
    "credit_code",
    "name",
    "org_type",
    "industry",
    "registration_authority",
    "business_supervisor",
    "address_division",
    "address",
    "legal_representative",
    "legal_representative_phone",
    "founded_on",
    "staff_count",
    "charter_has_party_clause",
)
REQUIRED = frozenset(
    {
        "credit_code",
        "name",
        "org_type",
        "industry",
        "registration_authority",
        "address_division",
        "legal_representative",
        "founded_on",
    }
)
MAX_LENGTHS: dict[str, int] = {
    name: int(SocialOrganization._meta.get_field(name).max_length)  # type: ignore[union-attr, arg-type]
    for name in ("name", "business_supervisor", "address", "legal_representative")
}
MAX_STAFF = 1_000_000

# On an update, a field's errors are reported when it changed or when a field it is checked
# against changed: an old record's unrelated flaw never blocks a phone-number correction.
DEPENDS_ON: dict[str, frozenset[str]] = {
    "credit_code": frozenset({"org_type", "registration_authority"}),
    "registration_authority": frozenset({"org_type"}),
    "org_type": frozenset({"registration_authority"}),
    "address_division": frozenset({"registration_authority"}),
}


@dataclass
class Verdict:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def only(self, changed: Collection[str]) -> Verdict:
        """The errors that concern the changed fields (see DEPENDS_ON)."""
        kept = {
            name: messages
            for name, messages in self.errors.items()
            if name in changed or DEPENDS_ON.get(name, frozenset()) & set(changed)
        }
        warnings = self.warnings if "credit_code" in changed else []
        return Verdict(kept, warnings)

    def as_error(self) -> ValidationError:
        return ValidationError(self.errors)


def credit_code_warnings(code: str) -> list[str]:
    """Doubts about a code that do not refuse it (position 17), for display after a save."""
    return [finding.message for finding in check_credit_code(code).warnings]


def normalize_credit_code(value: Any) -> str:
    """Spaces and hyphens dropped, letters capitalised, full-width characters folded."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return str(uscc.compact(text)).upper()


def _division_label(division: Division) -> str:
    return f"{division.name}（{division.code}）"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class OrganizationChecker:
    """Checks the facts of one organization at a time, for `actor`, as of `today`."""

    def __init__(
        self,
        *,
        actor: Any,
        today: datetime.date | None = None,
        historical_codes: rules.HistoricalCodes | None = None,
    ) -> None:
        self.actor = actor
        self.today = today or timezone.localdate()
        self.historical_codes = historical_codes or rules.HistoricalCodes()

    def check(
        self,
        facts: Mapping[str, Any],
        *,
        credit_code_taken: bool = False,
        check_permission: bool = True,
    ) -> Verdict:
        """All problems of `facts` (field → messages) and the warnings that do not refuse.

        `credit_code_taken`: whether another organization already holds the code (the caller
        knows it: one query for a form, one set for a whole import). `check_permission`: whether
        the actor must be allowed to register at the authority (off when the authority did not
        change on an update).
        """
        verdict = Verdict()
        for name in REQUIRED:
            if _is_blank(facts.get(name)):
                verdict.add(name, self._missing_message(name))
        for name, limit in MAX_LENGTHS.items():
            value = facts.get(name) or ""
            if len(value) > limit:
                message = _("不能超过%(limit)d个字，当前为%(n)d个字。")
                verdict.add(name, message % {"limit": limit, "n": len(value)})

        org_type = facts.get("org_type") or ""
        if org_type and org_type not in OrgType.values:
            verdict.add(
                "org_type",
                _("类型应为以下之一：%(choices)s。")
                % {"choices": "、".join(str(label) for label in OrgType.labels)},
            )
            org_type = ""
        industry = facts.get("industry") or ""
        if industry and industry not in Industry.values:
            verdict.add(
                "industry",
                _("行业领域应为以下之一：%(choices)s。")
                % {"choices": "、".join(str(label) for label in Industry.labels)},
            )

        authority = self._authority(facts.get("registration_authority"), org_type, verdict)
        if (
            authority is not None
            and check_permission
            and not can_register_organization(self.actor, authority)
        ):
            verdict.add(
                "registration_authority",
                _("您无权以%(authority)s为登记管理机关：只能登记本级及下辖区划的社会组织。")
                % {"authority": _division_label(authority)},
            )
        self._address(facts.get("address_division"), authority, verdict)
        self._credit_code(
            facts.get("credit_code") or "", org_type, authority, credit_code_taken, verdict
        )
        self._phone(facts.get("legal_representative_phone") or "", verdict)
        self._founded_on(facts.get("founded_on"), verdict)
        self._staff_count(facts.get("staff_count"), verdict)
        return verdict

    # --- one field at a time ------------------------------------------------------------------

    @staticmethod
    def _missing_message(name: str) -> str:
        messages = {
            "credit_code": _("请填写统一社会信用代码。"),
            "name": _("请填写名称。"),
            "org_type": _("请选择类型。"),
            "industry": _("请选择行业领域。"),
            "registration_authority": _("请选择登记管理机关。"),
            "address_division": _("请填写住所所在的乡镇（街道）或村（社区）。"),
            "legal_representative": _("请填写法定代表人。"),
            "founded_on": _("请填写成立登记日期。"),
        }
        return messages[name]

    def _authority(self, value: Any, org_type: str, verdict: Verdict) -> Division | None:
        if _is_blank(value):
            return None
        if not isinstance(value, Division):
            verdict.add(
                "registration_authority",
                _("登记管理机关的区划代码“%(code)s”不存在。") % {"code": value},
            )
            return None
        if not rules.is_registering_authority(value):
            verdict.add(
                "registration_authority",
                _("登记管理机关应为省、地级市或县级区划，%(division)s是%(level)s。")
                % {"division": _division_label(value), "level": value.get_level_display()},
            )
            return None
        if not value.is_current:
            verdict.add(
                "registration_authority",
                _("%(division)s已撤销，不能作为登记管理机关；请选择现行区划。")
                % {"division": _division_label(value)},
            )
            return None
        if org_type and not rules.may_register_type(org_type, value):
            verdict.add(
                "registration_authority",
                _("%(type)s的登记管理机关应为省级或地级以上市民政部门，%(division)s不能登记。")
                % {"type": OrgType(org_type).label, "division": _division_label(value)},
            )
        return value

    def _address(self, value: Any, authority: Division | None, verdict: Verdict) -> None:
        if _is_blank(value):
            return
        if not isinstance(value, Division):
            verdict.add("address_division", _("区划代码“%(code)s”不存在。") % {"code": value})
            return
        if value.level not in rules.ADDRESS_LEVELS:
            verdict.add(
                "address_division",
                _("住所应为乡镇（街道）或村（社区），%(division)s是%(level)s。")
                % {"division": _division_label(value), "level": value.get_level_display()},
            )
            return
        if not value.is_current:
            verdict.add(
                "address_division",
                _("%(division)s已撤销，请填写现行区划。") % {"division": _division_label(value)},
            )
            return
        if authority is not None and not rules.address_within_authority(value, authority):
            verdict.add(
                "address_division",
                _("住所%(division)s不在登记管理机关%(authority)s的辖区内。")
                % {"division": _division_label(value), "authority": _division_label(authority)},
            )

    def _credit_code(
        self,
        code: str,
        org_type: str,
        authority: Division | None,
        taken: bool,
        verdict: Verdict,
    ) -> None:
        if not code:
            return
        result = check_credit_code(code)
        for finding in result.errors:
            verdict.add("credit_code", finding.message)
        verdict.warnings += [finding.message for finding in result.warnings]
        if not result.is_valid:
            return
        code = result.code
        expected_type = CREDIT_CODE_TYPE.get(org_type) if org_type else None
        if expected_type is not None and code[1] != expected_type:
            verdict.add(
                "credit_code",
                _("第2位机构类别为“%(char)s”，与类型“%(type)s”不符：%(type)s应为“%(expected)s”。")
                % {"char": code[1], "type": OrgType(org_type).label, "expected": expected_type},
            )
        if authority is not None and not self.historical_codes.matches(code[2:8], authority):
            verdict.add(
                "credit_code",
                _("第3至8位行政区划码“%(code)s”与登记管理机关%(authority)s不符。")
                % {"code": code[2:8], "authority": _division_label(authority)},
            )
        if taken:
            verdict.add(
                "credit_code",
                _("统一社会信用代码%(code)s已经登记，不能重复登记。") % {"code": code},
            )

    @staticmethod
    def _phone(value: str, verdict: Verdict) -> None:
        if not value:
            return
        if "*" in value:
            verdict.add(
                "legal_representative_phone",
                _("电话号码含“*”，是脱敏后的显示值：请填写完整号码，或留空。"),
            )
            return
        try:
            validate_phone(value)
        except ValidationError as exc:
            for message in exc.messages:
                verdict.add("legal_representative_phone", message)

    def _founded_on(self, value: Any, verdict: Verdict) -> None:
        if _is_blank(value):
            return
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            verdict.add("founded_on", _("成立登记日期应为日期，格式如 2016-12-31。"))
            return
        if value > self.today:
            verdict.add(
                "founded_on",
                _("成立登记日期%(date)s晚于今天（%(today)s）。")
                % {"date": value.isoformat(), "today": self.today.isoformat()},
            )

    @staticmethod
    def _staff_count(value: Any, verdict: Verdict) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool) or not isinstance(value, int):
            verdict.add("staff_count", _("从业人员数应为整数。"))
        elif value < 0:
            verdict.add("staff_count", _("从业人员数不能为负数。"))
        elif value > MAX_STAFF:
            verdict.add("staff_count", _("从业人员数不能超过%(n)s。") % {"n": f"{MAX_STAFF:,}"})


def current_facts(organization: SocialOrganization) -> dict[str, Any]:
    """The organization's facts as the checker reads them (divisions as objects)."""
    return {name: getattr(organization, name) for name in FACT_FIELDS}


def _comparable(value: Any) -> Any:
    if isinstance(value, Division):
        return value.pk
    return "" if value is None else value


def changed_fields(organization: SocialOrganization, changes: Mapping[str, Any]) -> set[str]:
    """The names in `changes` whose value differs from the organization's."""
    return {
        name
        for name, value in changes.items()
        if _comparable(getattr(organization, name)) != _comparable(value)
    }
