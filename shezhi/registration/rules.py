"""The four synchronizations at founding registration (四同步), each a named rule with its source.

Guangdong defines them (shared/DOMAIN.md §0): when an organization registers, (1) where it meets
the conditions its party organization is established at the same time, (2) its party members'
information is registered at the same time, (3) the party-building clause is written into its
charter at the same time, (4) it signs the party-building commitment letter at the same time.

`four_synchronizations(application)` answers the checklist an officer reads; approval is refused
while an item fails, unless an exemption with its reason is recorded (`approval_blockers`).
When a source changes, it changes here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shezhi.core.personal_data import validate_id_number
from shezhi.party.models import Stage

from .models import CoveragePlan

# 《中国共产党章程》第三十条: a basic unit with three or more full members sets up a basic party
# organization (shared/DOMAIN.md §4); 中办发〔2015〕51号 asks for work coverage where it cannot.
ALONE_MIN_FULL_MEMBERS = 3

SOURCE_FOUR_SYNC = gettext_lazy(
    "广东省社会组织登记“四同步”要求（党组织、党员信息、章程党建条款、党建工作承诺书）"
)
SOURCE_CONSTITUTION = gettext_lazy("《中国共产党章程》第三十条")
SOURCE_OPINION = gettext_lazy("中办发〔2015〕51号《关于加强社会组织党的建设工作的意见（试行）》")
SOURCE_CHARTER_2018 = gettext_lazy("民函〔2018〕78号（社会组织章程党建工作条款）")
SOURCE_CHARTER_2019 = gettext_lazy("民函〔2019〕54号（坚持党的全面领导）")

# The wording the charter must carry. Each entry is (what an officer reads, accepted forms):
# 民函〔2018〕78号's clause "根据中国共产党章程的规定，设立中国共产党的组织，开展党的活动，为党组织
# 的活动提供必要条件", and from 2019 (民函〔2019〕54号) upholding the Party's overall leadership.
CHARTER_WORDING_2018: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("中国共产党", ("中国共产党",)),
    ("党的组织", ("党的组织",)),
    ("开展党的活动", ("开展党的活动",)),
    ("提供必要条件", ("提供必要条件",)),
)
CHARTER_WORDING_2019: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("坚持党的全面领导", ("坚持党的全面领导", "坚持中国共产党的全面领导")),
)


@dataclass(frozen=True)
class Check:
    """One item of the checklist: whether it holds, what is missing, and why it is asked."""

    key: str
    title: str
    ok: bool
    message: str
    citation: str
    missing: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.title}：{self.message}（{_('依据')}：{self.citation}）"


def _full_members(members: Iterable[Any]) -> int:
    return sum(1 for member in members if member.stage == Stage.FULL)


def party_organization_synchronized(application: Any, members: Sequence[Any]) -> Check:
    """① 党组织同步建立. Three or more full members: the application to establish its own party
    organization is there (kind and name); fewer: the way work coverage will be reached is there
    (a joint branch to join, or an instructor requested). Sources: 党章第三十条; 中办发〔2015〕51号;
    the province's 四同步."""
    title = _("① 党组织同步建立")
    citation = f"{SOURCE_CONSTITUTION}；{SOURCE_OPINION}；{SOURCE_FOUR_SYNC}"
    full = _full_members(members)
    plan = application.coverage_plan
    if full >= ALONE_MIN_FULL_MEMBERS:
        missing = []
        if plan != CoveragePlan.ESTABLISH:
            missing.append(_("成立党组织的申请"))
        else:
            if not application.party_org_kind:
                missing.append(_("拟成立党组织类别"))
            if not application.party_org_name.strip():
                missing.append(_("拟成立党组织名称"))
        if missing:
            return Check(
                "party_organization",
                title,
                False,
                _("有 %(n)s 名正式党员，具备单独成立党组织的条件，缺少：%(missing)s。")
                % {"n": full, "missing": "、".join(missing)},
                citation,
                tuple(missing),
            )
        return Check(
            "party_organization",
            title,
            True,
            _("有 %(n)s 名正式党员，已申请同步成立“%(name)s”。")
            % {"n": full, "name": application.party_org_name},
            citation,
        )
    if plan == CoveragePlan.JOINT_BRANCH and application.joint_branch_id:
        return Check(
            "party_organization",
            title,
            True,
            _("正式党员不足 %(min)s 名，拟加入联合党支部实现组织覆盖。")
            % {"min": ALONE_MIN_FULL_MEMBERS},
            citation,
        )
    if plan == CoveragePlan.INSTRUCTOR:
        return Check(
            "party_organization",
            title,
            True,
            _("正式党员不足 %(min)s 名，申请选派党建指导员实现工作覆盖。")
            % {"min": ALONE_MIN_FULL_MEMBERS},
            citation,
        )
    missing_text = (
        _("拟加入的联合党支部") if plan == CoveragePlan.JOINT_BRANCH else _("党建工作覆盖方式")
    )
    return Check(
        "party_organization",
        title,
        False,
        _("正式党员不足 %(min)s 名（现 %(n)s 名），须说明如何实现覆盖，缺少：%(missing)s。")
        % {"min": ALONE_MIN_FULL_MEMBERS, "n": full, "missing": missing_text},
        citation,
        (missing_text,),
    )


def members_registered(application: Any, members: Sequence[Any]) -> Check:
    """② 党员信息同步登记. Every listed member has a valid ID number (GB 11643, via
    core.personal_data) and a development stage. Source: the province's 四同步."""
    title = _("② 党员信息同步登记")
    citation = str(SOURCE_FOUR_SYNC)
    problems: list[str] = []
    seen: set[str] = set()
    for member in members:
        label = member.name or _("（未填姓名）")
        if not member.stage:
            problems.append(_("%(name)s未填发展阶段") % {"name": label})
        number = (member.id_number or "").strip()
        if not number:
            problems.append(_("%(name)s未填身份证号码") % {"name": label})
            continue
        try:
            validate_id_number(number)
        except ValidationError as exc:
            problems.append(
                _("%(name)s的身份证号码有误：%(why)s") % {"name": label, "why": exc.messages[0]}
            )
            continue
        if number.upper() in seen:
            problems.append(_("%(name)s的身份证号码重复") % {"name": label})
        seen.add(number.upper())
    if problems:
        return Check(
            "members",
            title,
            False,
            _("党员信息不完整：%(problems)s。") % {"problems": "；".join(problems)},
            citation,
            tuple(problems),
        )
    if not members:
        return Check("members", title, True, _("申报无党员（从业人员中没有党员）。"), citation)
    return Check(
        "members",
        title,
        True,
        _("已登记 %(n)s 名党员的信息。") % {"n": len(members)},
        citation,
    )


def _normalized(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def missing_charter_wording(text: str) -> list[str]:
    """The required wording of 民函〔2018〕78号 and 民函〔2019〕54号 the charter text lacks."""
    body = _normalized(text)
    return [
        label
        for label, forms in (*CHARTER_WORDING_2018, *CHARTER_WORDING_2019)
        if not any(form in body for form in forms)
    ]


def charter_clause_present(application: Any) -> Check:
    """③ 章程党建条款同步写入. The charter carries the party-building clause of 民函〔2018〕78号
    (设立中国共产党的组织、开展党的活动、为党组织的活动提供必要条件) and, since 2019, upholds the
    Party's overall leadership (民函〔2019〕54号)."""
    title = _("③ 章程写入党建工作条款")
    citation = f"{SOURCE_CHARTER_2018}；{SOURCE_CHARTER_2019}"
    if not _normalized(application.charter_text):
        message = (
            _("已上传章程文件，但无法读取其文字（PDF 请另行录入章程文本），无法核对党建工作条款。")
            if application.charter_file
            else _("未提交章程。")
        )
        return Check("charter", title, False, message, citation, (_("章程文本"),))
    missing = missing_charter_wording(application.charter_text)
    if missing:
        return Check(
            "charter",
            title,
            False,
            _("章程缺少党建工作条款的规定表述：%(missing)s。")
            % {"missing": "、".join(f"“{m}”" for m in missing)},
            citation,
            tuple(missing),
        )
    return Check("charter", title, True, _("章程含党建工作条款。"), citation)


def commitment_signed(application: Any) -> Check:
    """④ 党建工作承诺书同步签订: the signed letter is uploaded and its signing date recorded.
    Source: the province's 四同步."""
    title = _("④ 签订党建工作承诺书")
    citation = str(SOURCE_FOUR_SYNC)
    missing = []
    if not application.commitment_file:
        missing.append(_("承诺书文件"))
    if application.commitment_signed_on is None:
        missing.append(_("签署日期"))
    if missing:
        return Check(
            "commitment",
            title,
            False,
            _("缺少：%(missing)s。") % {"missing": "、".join(missing)},
            citation,
            tuple(missing),
        )
    return Check(
        "commitment",
        title,
        True,
        _("已于 %(d)s 签署。") % {"d": application.commitment_signed_on.isoformat()},
        citation,
    )


def four_synchronizations(application: Any, members: Sequence[Any] | None = None) -> list[Check]:
    """The checklist, in order ①–④. `members` defaults to the application's listed members."""
    if members is None:
        members = list(application.members.all())
    return [
        party_organization_synchronized(application, members),
        members_registered(application, members),
        charter_clause_present(application),
        commitment_signed(application),
    ]


def approval_blockers(application: Any, members: Sequence[Any] | None = None) -> list[Check]:
    """What stands in the way of approval: every failing item, none once an exemption with its
    reason and its author is recorded. The members' item is never exempted: their records are
    written on approval and need valid numbers."""
    failing = [check for check in four_synchronizations(application, members) if not check.ok]
    if application.has_exemption:
        failing = [check for check in failing if check.key == "members"]
    return failing


def missing_items(application: Any, members: Sequence[Any] | None = None) -> list[str]:
    """Everything missing, for the one-time supplement notice (一次性告知,
    《行政许可法》第三十二条)."""
    return [str(check) for check in four_synchronizations(application, members) if not check.ok]
