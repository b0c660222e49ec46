"""Writes of party organizations: business handling (establish, change, re-elect, dissolve as
applications decided by the superior organization), direct registration for data migration,
re-election reminders, application documents and party-building instructors.

The record of a party organization changes ONLY when an application is approved, in the same
transaction as the decision (or through `party_organization_register/_update`, reserved to the
party committee's officers for migrating records approved on paper). Every write touching
coverage or instructor assignments calls `coverage_refresh` for the social organizations
involved, inside its transaction, so the coverage facts are right the moment it commits.
"""

from __future__ import annotations

import logging
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core import workdays
from shezhi.core.models import Division, Todo
from shezhi.core.roles import Role
from shezhi.core.todos import todo_cancel, todo_create, todos_complete_for
from shezhi.core.workflows import TransitionNotAllowed, transition
from shezhi.social_orgs.models import LIVE_STATUSES, SocialOrganization

from ..coverage import coverage_refresh
from ..models import (
    ApplicationDocument,
    ApplicationKind,
    ApplicationStatus,
    CommitteePost,
    Coverage,
    Formation,
    Instructor,
    InstructorAssignment,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgApplication,
    PartyOrgKind,
    PartyOrgStatus,
    Post,
    Stage,
    TermYears,
)
from ..selectors.organizations import (
    OPEN_APPLICATION_STATUSES,
    PARENT_KINDS,
    leading_committee_for,
    reelection_due_q,
    superior_of,
)

logger = logging.getLogger("shezhi.party")

# --- rules, each with its source -------------------------------------------------------------

# 《中国共产党章程》第三十条: every basic unit with three or more full members sets up a basic
# party organization; shared/DOMAIN.md §4. An organization forming its own ("alone") needs them.
ALONE_MIN_FULL_MEMBERS = 3
# A joint branch joins several small organizations, at most five (shared/DOMAIN.md §0, Guangdong
# practice under 中办发〔2015〕51号 《关于加强社会组织党的建设工作的意见（试行）》).
JOINT_BRANCH_MIN_UNITS = 2
JOINT_BRANCH_MAX_UNITS = 5
# 《中国共产党支部工作条例（试行）》第十条: a branch with fewer than 7 full members has a
# secretary and, if needed, one deputy; from 7 on it elects a committee of 3–5, at most 7.
BRANCH_COMMITTEE_MIN_FULL_MEMBERS = 7
BRANCH_COMMITTEE_SIZE = (3, 7)
# 《中国共产党基层组织选举工作条例》第六条: committees at most 11 members, general-branch
# committees at most 9, branch committees at most 7.
COMMITTEE_MAX_SEATS: dict[str, int] = {
    PartyOrgKind.COMMITTEE: 11,
    PartyOrgKind.GENERAL_BRANCH: 9,
    PartyOrgKind.BRANCH: 7,
    PartyOrgKind.JOINT_BRANCH: 7,
}
# Posts held by one person at most; "委员" and "副书记" may be several (副书记 at most two).
SINGLE_POSTS = frozenset({Post.SECRETARY, Post.ORGANIZATION, Post.PUBLICITY, Post.DISCIPLINE})
MAX_DEPUTY_SECRETARIES = 2
# The superior decides within 20 working days, as an administrative licence is decided
# (《行政许可法》第四十二条; shared/DOMAIN.md §13), counted from the day after submission.
DEFAULT_DECISION_WORKING_DAYS = 20
# What an application document may be: sniffed from its content, not trusted from its name.
MAX_DOCUMENT_BYTES_DEFAULT = 10 * 1024 * 1024

DECISION_TODO = "party.application_decision"
REELECTION_TODO = "party.reelection_due"
KINDS_IN_SOCIAL_ORGS = (
    PartyOrgKind.COMMITTEE,
    PartyOrgKind.GENERAL_BRANCH,
    PartyOrgKind.BRANCH,
    PartyOrgKind.JOINT_BRANCH,
)


def decision_working_days() -> int:
    return int(
        getattr(settings, "SHEZHI_PARTY_DECISION_WORKING_DAYS", DEFAULT_DECISION_WORKING_DAYS)
    )


def max_document_bytes() -> int:
    return int(getattr(settings, "SHEZHI_DOCUMENT_MAX_BYTES", MAX_DOCUMENT_BYTES_DEFAULT))


class ApplicationNotEditable(TransitionNotAllowed):
    """A change to an application that is no longer a draft (the API answers 409)."""

    def __init__(self, application: PartyOrgApplication, message: str = "") -> None:
        self.obj, self.to, self.allowed = application, application.status, set()
        Exception.__init__(
            self,
            message
            or _("申请当前为“%(status)s”，只有草稿可以修改。")
            % {"status": application.get_status_display()},
        )


def _attribute(obj: Any, actor: Any, reason: str = "") -> Any:
    # simple-history takes the author from the request in views; services name it explicitly so
    # the API, tasks and commands are attributed too.
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason
    return obj


# --- proposals: what an application asks for, validated per kind ------------------------------


@dataclass
class Structure:
    """The facts of a party organization an application or a direct registration proposes."""

    name: str
    kind: str
    formation: str
    covered: list[SocialOrganization]
    parent: PartyOrganization | None
    term_years: int


def _int_list(value: Any) -> list[int] | None:
    if not isinstance(value, list | tuple):
        return None
    try:
        return [int(item) for item in value]
    except (TypeError, ValueError):
        return None


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("日期格式应为 YYYY-MM-DD。"))
        return None


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _covered_organizations(
    value: Any,
    *,
    actor: Any,
    organization: PartyOrganization | None,
    errors: dict[str, list[str]],
) -> list[SocialOrganization]:
    """The social organizations named by id: existing, visible to the actor, live, and not
    covered by another party organization (an organization belongs to one at a time)."""
    ids = _int_list(value)
    if ids is None:
        _add(errors, "covered_organizations", _("请以社会组织编号列表的形式填写覆盖的社会组织。"))
        return []
    if len(set(ids)) != len(ids):
        _add(errors, "covered_organizations", _("覆盖的社会组织有重复。"))
    queryset = SocialOrganization.objects.select_related("registration_authority")
    if actor is not None:
        queryset = queryset.visible_to(actor)
    found = queryset.in_bulk(set(ids))
    missing = [pk for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        _add(
            errors,
            "covered_organizations",
            _("以下社会组织不存在或不在您的管辖范围内：%(ids)s")
            % {"ids": "、".join(str(pk) for pk in missing)},
        )
    orgs = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    for org in orgs:
        if org.status not in LIVE_STATUSES:
            _add(
                errors,
                "covered_organizations",
                _("“%(org)s”的状态为“%(status)s”，不能纳入党组织覆盖。")
                % {"org": org.name, "status": org.get_status_display()},
            )
    taken = Coverage.objects.filter(social_org__in=orgs).select_related("party_organization")
    if organization is not None:
        taken = taken.exclude(party_organization=organization)
    for coverage in taken:
        _add(
            errors,
            "covered_organizations",
            _("“%(org)s”已由“%(party)s”覆盖，一个社会组织只能纳入一个党组织。")
            % {"org": coverage.social_org.name, "party": coverage.party_organization.name},
        )
    return orgs


def structure_errors(structure: Structure, *, forming: bool = True) -> dict[str, list[str]]:
    """The rules a party organization's kind, formation and covered organizations must meet.

    `forming`: the three full members of an organization forming alone are checked when it
    forms (or changes formation or coverage), not on every later change: a rename must not wait
    for a branch whose members left to be re-formed.
    """
    errors: dict[str, list[str]] = {}
    kind, formation, orgs = structure.kind, structure.formation, structure.covered
    if kind not in KINDS_IN_SOCIAL_ORGS:
        _add(errors, "kind", _("请选择党委、党总支、党支部或联合党支部。"))
    if formation not in Formation.values:
        _add(errors, "formation", _("请选择组建方式。"))
    if structure.term_years not in TermYears.values:
        _add(errors, "term_years", _("任期应为3年或5年（《中国共产党章程》第三十条）。"))
    if not orgs:
        # A branch inside a committee or general branch of the same organization covers nothing
        # itself: its organization is covered by the one above it.
        inside = structure.parent is not None and structure.parent.kind in (
            PartyOrgKind.COMMITTEE,
            PartyOrgKind.GENERAL_BRANCH,
        )
        if not inside:
            _add(errors, "covered_organizations", _("请至少填写一个覆盖的社会组织。"))
        return errors
    n = len(orgs)
    if kind == PartyOrgKind.JOINT_BRANCH and formation != Formation.JOINT:
        _add(errors, "formation", _("联合党支部应为联合组建。"))
    if kind == PartyOrgKind.JOINT_BRANCH and not (
        JOINT_BRANCH_MIN_UNITS <= n <= JOINT_BRANCH_MAX_UNITS
    ):
        _add(
            errors,
            "covered_organizations",
            _("联合党支部覆盖 %(min)s 至 %(max)s 个单位，现为 %(n)s 个。")
            % {"min": JOINT_BRANCH_MIN_UNITS, "max": JOINT_BRANCH_MAX_UNITS, "n": n},
        )
    elif formation == Formation.JOINT and n < JOINT_BRANCH_MIN_UNITS:
        _add(errors, "covered_organizations", _("联合组建须覆盖两个以上社会组织。"))
    if formation == Formation.ALONE:
        if n != 1:
            _add(errors, "covered_organizations", _("单独组建的党组织只覆盖本单位一个社会组织。"))
        elif forming:
            org = orgs[0]
            if org.full_member_count < ALONE_MIN_FULL_MEMBERS:
                _add(
                    errors,
                    "formation",
                    _(
                        "“%(org)s”只有 %(n)s 名正式党员，单独组建须有 %(min)s 名以上"
                        "（《中国共产党章程》第三十条）；可联合组建或选派党建指导员。"
                    )
                    % {"org": org.name, "n": org.full_member_count, "min": ALONE_MIN_FULL_MEMBERS},
                )
    return errors


def _common_division(orgs: Iterable[SocialOrganization]) -> Division | None:
    """The deepest division holding every organization's registration authority: where a party
    organization covering them answers (a joint branch across two counties answers to the city)."""
    paths = [org.authority_path for org in orgs]
    if not paths:
        return None
    codes = [path.strip("/").split("/") for path in paths]
    common: list[str] = []
    for parts in zip(*codes, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return Division.objects.get(code=common[-1]) if common else None


def _superior_errors(
    superior: PartyOrganization | None,
    division: Division | None,
    errors: dict[str, list[str]],
    *,
    organization: PartyOrganization | None = None,
    field: str = "superior",
) -> None:
    if superior is None:
        _add(errors, field, _("请选择上级党组织。"))
        return
    if superior.status != PartyOrgStatus.ACTIVE or superior.kind not in PARENT_KINDS:
        _add(errors, field, _("上级党组织应为正常状态的社会组织党委、党委或党总支。"))
    elif division is not None and superior.division_id not in division.ancestor_codes:
        _add(
            errors,
            field,
            _("“%(superior)s”不在%(division)s或其上级区划，不能作为上级党组织。")
            % {"superior": superior.name, "division": division.name},
        )
    if organization is not None and organization.pk is not None:
        # Walk up from the proposed parent: meeting the organization itself would make a loop.
        node: PartyOrganization | None = superior
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            if node.pk == organization.pk:
                _add(errors, field, _("不能把党组织自身或其下级党组织设为上级。"))
                break
            seen.add(node.pk)
            node = node.parent


def _name_errors(
    name: Any, organization: PartyOrganization | None, errors: dict[str, list[str]]
) -> str:
    text = str(name or "").strip()
    if not text:
        _add(errors, "name", _("请填写党组织名称。"))
    elif len(text) > 200:
        _add(errors, "name", _("名称最多 200 个字符。"))
    else:
        clash = PartyOrganization.objects.filter(name=text, status=PartyOrgStatus.ACTIVE)
        if organization is not None and organization.pk is not None:
            clash = clash.exclude(pk=organization.pk)
        if clash.exists():
            _add(errors, "name", _("已有同名的党组织“%(name)s”。") % {"name": text})
    return text


def _term_years(value: Any, errors: dict[str, list[str]]) -> int:
    try:
        years = int(value)
    except (TypeError, ValueError):
        years = 0
    if years not in TermYears.values:
        _add(errors, "term_years", _("任期应为3年或5年（《中国共产党章程》第三十条）。"))
    return years


@dataclass
class Cleaned:
    proposal: dict[str, Any]
    division: Division
    superior: PartyOrganization | None = None
    structure: Structure | None = None
    posts: list[tuple[str, PartyMember]] | None = None


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def clean_establish(
    proposal: dict[str, Any], *, superior: PartyOrganization | None, actor: Any, today: date
) -> Cleaned:
    errors: dict[str, list[str]] = {}
    name = _name_errors(proposal.get("name"), None, errors)
    orgs = _covered_organizations(
        proposal.get("covered_organizations"), actor=actor, organization=None, errors=errors
    )
    structure = Structure(
        name=name,
        kind=str(proposal.get("kind") or ""),
        formation=str(proposal.get("formation") or ""),
        covered=orgs,
        parent=superior,
        term_years=_term_years(proposal.get("term_years", TermYears.THREE), errors),
    )
    for field, messages in structure_errors(structure).items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    founded_on = _date(proposal.get("founded_on"), "founded_on", errors)
    if founded_on is not None and founded_on > today:
        _add(errors, "founded_on", _("成立日期不能晚于今天。"))
    division = _common_division(orgs)
    if (
        division is None
        and superior is not None
        and superior.kind != PartyOrgKind.LEADING_COMMITTEE
    ):
        division = superior.division  # a branch inside its superior's organization
    if superior is None and division is not None:
        # Without a named superior, the social-organization party committee answering there.
        superior = leading_committee_for(division)
        structure.parent = superior
    _superior_errors(superior, division, errors)
    _raise(errors)
    return Cleaned(
        proposal={
            "name": name,
            "kind": structure.kind,
            "formation": structure.formation,
            "covered_organizations": [org.pk for org in orgs],
            "term_years": structure.term_years,
            "founded_on": founded_on.isoformat() if founded_on else None,
        },
        division=cast(Division, division),  # set: orgs is not empty without errors
        superior=superior,
        structure=structure,
    )


CHANGE_FIELDS = ("name", "kind", "formation", "covered_organizations", "term_years", "parent")


def clean_change(
    proposal: dict[str, Any], *, organization: PartyOrganization, actor: Any
) -> Cleaned:
    """A change names only what changes; the resulting organization must meet every rule."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(proposal) - set(CHANGE_FIELDS))
    if unknown:
        _add(errors, "proposal", _("不能通过变更修改：%(fields)s") % {"fields": "、".join(unknown)})
    if organization.status != PartyOrgStatus.ACTIVE:
        _add(errors, "party_organization", _("该党组织已撤销，不能变更。"))
    current_orgs = [c.social_org for c in organization.coverages.select_related("social_org")]
    name = organization.name
    if "name" in proposal:
        name = _name_errors(proposal["name"], organization, errors)
    orgs = current_orgs
    if "covered_organizations" in proposal:
        orgs = _covered_organizations(
            proposal["covered_organizations"],
            actor=actor,
            organization=organization,
            errors=errors,
        )
    parent = organization.parent
    if "parent" in proposal:
        try:
            parent = PartyOrganization.objects.get(pk=int(proposal["parent"]))
        except (PartyOrganization.DoesNotExist, TypeError, ValueError):
            _add(errors, "parent", _("上级党组织不存在。"))
    structure = Structure(
        name=name,
        kind=str(proposal.get("kind", organization.kind)),
        formation=str(proposal.get("formation", organization.formation)),
        covered=orgs,
        parent=parent,
        term_years=_term_years(proposal.get("term_years", organization.term_years), errors),
    )
    forming = "formation" in proposal or "covered_organizations" in proposal
    for field, messages in structure_errors(structure, forming=forming).items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if "parent" in proposal and "parent" not in errors:
        _superior_errors(
            parent, organization.division, errors, organization=organization, field="parent"
        )
    if (
        structure.kind not in PARENT_KINDS
        and organization.children.filter(status=PartyOrgStatus.ACTIVE).exists()
    ):
        _add(errors, "kind", _("该党组织下设有党组织，不能改为党支部。"))
    normalized: dict[str, Any] = {}
    if "name" in proposal and name != organization.name:
        normalized["name"] = name
    if structure.kind != organization.kind:
        normalized["kind"] = structure.kind
    if structure.formation != organization.formation:
        normalized["formation"] = structure.formation
    if {o.pk for o in orgs} != {o.pk for o in current_orgs}:
        normalized["covered_organizations"] = [o.pk for o in orgs]
    if structure.term_years != organization.term_years:
        normalized["term_years"] = structure.term_years
    if parent is not None and parent.pk != organization.parent_id:
        normalized["parent"] = parent.pk
    if not normalized and not errors:
        _add(errors, "proposal", _("没有提出任何变更。"))
    _raise(errors)
    return Cleaned(proposal=normalized, division=organization.division, structure=structure)


def clean_reelect(
    proposal: dict[str, Any], *, organization: PartyOrganization, today: date
) -> Cleaned:
    """A new committee: posts held by full members of this organization, one secretary, sized
    by the number of full members and the organization's kind."""
    errors: dict[str, list[str]] = {}
    if organization.status != PartyOrgStatus.ACTIVE:
        _add(errors, "party_organization", _("该党组织已撤销，不能换届。"))
    term_years = _term_years(proposal.get("term_years", organization.term_years), errors)
    started = _date(proposal.get("term_started_on"), "term_started_on", errors)
    if (
        started is not None
        and organization.term_started_on
        and started <= organization.term_started_on
    ):
        _add(errors, "term_started_on", _("新一届任期应晚于本届开始日期。"))
    raw = proposal.get("posts")
    posts: list[tuple[str, int]] = []
    if not isinstance(raw, list) or not raw:
        _add(errors, "posts", _("请填写新一届委员会的职务，至少有书记一名。"))
        raw = []
    for item in raw:
        try:
            post, member = str(item["post"]), int(item["member"])
        except (KeyError, TypeError, ValueError):
            _add(errors, "posts", _("每个职务须写明 post（职务）和 member（党员编号）。"))
            continue
        if post not in Post.values:
            _add(errors, "posts", _("未知的职务：%(post)s") % {"post": post})
            continue
        posts.append((post, member))
    counts = {post: sum(1 for p, _m in posts if p == post) for post in Post.values}
    if counts[Post.SECRETARY] != 1:
        _add(errors, "posts", _("新一届委员会须有且只有一名书记。"))
    for post in SINGLE_POSTS - {Post.SECRETARY}:
        if counts[post] > 1:
            _add(errors, "posts", _("%(post)s只能由一人担任。") % {"post": Post(post).label})
    if counts[Post.DEPUTY_SECRETARY] > MAX_DEPUTY_SECRETARIES:
        _add(errors, "posts", _("副书记最多 %(n)s 名。") % {"n": MAX_DEPUTY_SECRETARIES})
    member_ids = [m for _p, m in posts]
    if len(set(member_ids)) != len(member_ids):
        _add(errors, "posts", _("同一名党员只能担任一个职务。"))
    full = {
        m.pk: m
        for m in PartyMember.objects.filter(
            pk__in=member_ids, branch=organization, stage=Stage.FULL, status=MemberStatus.ACTIVE
        )
    }
    outsiders = [m for m in member_ids if m not in full]
    if outsiders:
        _add(
            errors,
            "posts",
            _(
                "以下党员不是本党组织在册的正式党员，不能当选（只有正式党员有选举权和被选举权）：%(ids)s"
            )
            % {"ids": "、".join(str(m) for m in outsiders)},
        )
    seats = len(posts)
    full_count = PartyMember.objects.filter(
        branch=organization, stage=Stage.FULL, status=MemberStatus.ACTIVE
    ).count()
    branch_like = organization.kind in (PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH)
    if branch_like and full_count < BRANCH_COMMITTEE_MIN_FULL_MEMBERS:
        if (
            any(p not in (Post.SECRETARY, Post.DEPUTY_SECRETARY) for p, _m in posts)
            or counts[Post.DEPUTY_SECRETARY] > 1
        ):
            _add(
                errors,
                "posts",
                _(
                    "正式党员不足 %(n)s 人的党支部不设支部委员会，只设书记一名、必要时副书记一名"
                    "（《中国共产党支部工作条例（试行）》第十条）。"
                )
                % {"n": BRANCH_COMMITTEE_MIN_FULL_MEMBERS},
            )
    elif branch_like and not (BRANCH_COMMITTEE_SIZE[0] <= seats <= BRANCH_COMMITTEE_SIZE[1]):
        _add(
            errors,
            "posts",
            _(
                "正式党员 7 人以上的党支部设支部委员会，委员 %(min)s 至 %(max)s 人"
                "（《中国共产党支部工作条例（试行）》第十条）。"
            )
            % {"min": BRANCH_COMMITTEE_SIZE[0], "max": BRANCH_COMMITTEE_SIZE[1]},
        )
    limit = COMMITTEE_MAX_SEATS.get(organization.kind)
    if limit is not None and seats > limit:
        _add(
            errors,
            "posts",
            _("%(kind)s委员会最多 %(n)s 人（《中国共产党基层组织选举工作条例》第六条）。")
            % {"kind": organization.get_kind_display(), "n": limit},
        )
    _raise(errors)
    return Cleaned(
        proposal={
            "term_years": term_years,
            "term_started_on": started.isoformat() if started else None,
            "posts": [{"post": p, "member": m} for p, m in posts],
        },
        division=organization.division,
        posts=[(p, full[m]) for p, m in posts],
    )


def clean_dissolve(proposal: dict[str, Any], *, organization: PartyOrganization) -> Cleaned:
    errors: dict[str, list[str]] = {}
    reason = str(proposal.get("reason") or "").strip()
    if not reason:
        _add(errors, "reason", _("请说明撤销的理由。"))
    elif len(reason) > 2000:
        _add(errors, "reason", _("理由最多 2000 个字符。"))
    if organization.status != PartyOrgStatus.ACTIVE:
        _add(errors, "party_organization", _("该党组织已撤销。"))
    children = organization.children.filter(status=PartyOrgStatus.ACTIVE).count()
    if children:
        _add(
            errors,
            "party_organization",
            _("该党组织下还有 %(n)s 个党组织，请先撤销或调整其隶属关系。") % {"n": children},
        )
    members = PartyMember.objects.filter(branch=organization, status=MemberStatus.ACTIVE).count()
    if members:
        _add(
            errors,
            "party_organization",
            _("该党组织还有 %(n)s 名在册党员，请先转出其组织关系。") % {"n": members},
        )
    _raise(errors)
    return Cleaned(proposal={"reason": reason}, division=organization.division)


def clean_proposal(
    kind: str,
    proposal: Any,
    *,
    organization: PartyOrganization | None,
    superior: PartyOrganization | None,
    actor: Any,
    today: date | None = None,
) -> Cleaned:
    """Validate what an application of `kind` proposes; raises ValidationError naming fields.

    `actor` limits the social organizations one may name to those visible to them; None (at the
    decision, by the superior) checks the facts only.
    """
    today = today or timezone.localdate()
    if not isinstance(proposal, dict):
        raise ValidationError({"proposal": [_("申请内容应为一个对象。")]})
    if kind == ApplicationKind.ESTABLISH:
        return clean_establish(proposal, superior=superior, actor=actor, today=today)
    if organization is None:
        raise ValidationError({"party_organization": [_("请选择要办理的党组织。")]})
    if kind == ApplicationKind.CHANGE:
        return clean_change(proposal, organization=organization, actor=actor)
    if kind == ApplicationKind.REELECT:
        return clean_reelect(proposal, organization=organization, today=today)
    if kind == ApplicationKind.DISSOLVE:
        return clean_dissolve(proposal, organization=organization)
    raise ValidationError({"kind": [_("未知的事项类型。")]})


# --- applications ----------------------------------------------------------------------------


def _superior_for(
    kind: str, organization: PartyOrganization | None, superior: PartyOrganization | None
) -> PartyOrganization | None:
    if kind == ApplicationKind.ESTABLISH:
        return superior
    return superior_of(organization) if organization is not None else None


@transaction.atomic
def application_create(
    *,
    actor: Any,
    kind: str,
    proposal: dict[str, Any],
    party_organization: PartyOrganization | None = None,
    superior: PartyOrganization | None = None,
) -> PartyOrgApplication:
    """Draft an application. The caller has fetched `party_organization` through visible_to and
    asked `can_apply_for`. An establishment names its superior; the others go to the
    organization's own superior."""
    if kind not in ApplicationKind.values:
        raise ValidationError({"kind": [_("未知的事项类型。")]})
    if kind == ApplicationKind.ESTABLISH:
        party_organization = None
    decider = _superior_for(kind, party_organization, superior)
    if kind != ApplicationKind.ESTABLISH and party_organization is not None and decider is None:
        raise ValidationError({"superior": [_("该党组织没有上级党组织，无法报批。")]})
    cleaned = clean_proposal(
        kind, proposal, organization=party_organization, superior=decider, actor=actor
    )
    if kind == ApplicationKind.ESTABLISH:
        decider = cleaned.superior
    social_org = None
    if cleaned.structure is not None and kind == ApplicationKind.ESTABLISH:
        covered = cleaned.structure.covered
        bound = getattr(actor, "organization_id", None)
        social_org = next(
            (o for o in covered if o.pk == bound), covered[0] if len(covered) == 1 else None
        )
    application = PartyOrgApplication(
        kind=kind,
        party_organization=party_organization,
        superior=decider,
        social_org=social_org,
        division=cleaned.division,
        proposal=cleaned.proposal,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    application.full_clean()
    _attribute(application, actor).save()
    return application


@transaction.atomic
def application_update(
    *,
    actor: Any,
    application: PartyOrgApplication,
    proposal: dict[str, Any],
    superior: PartyOrganization | None = None,
) -> PartyOrgApplication:
    """Rewrite a draft's proposal (and, for an establishment, its superior)."""
    locked = PartyOrgApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.DRAFT:
        application.status = locked.status
        raise ApplicationNotEditable(application)
    decider = application.superior
    if application.kind == ApplicationKind.ESTABLISH and superior is not None:
        decider = superior
    cleaned = clean_proposal(
        application.kind,
        proposal,
        organization=application.party_organization,
        superior=decider,
        actor=actor,
    )
    if application.kind == ApplicationKind.ESTABLISH and cleaned.superior is not None:
        decider = cleaned.superior
    application.superior = decider
    application.proposal = cleaned.proposal
    application.division = cleaned.division
    _attribute(application, actor).save()
    return application


def _open_todos(subject: Any, kind: str) -> Iterable[Todo]:
    return Todo.objects.open().filter(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
    )


@transaction.atomic
def application_submit(*, actor: Any, application: PartyOrgApplication) -> PartyOrgApplication:
    """Hand a draft to the superior: checked again, then a to-do for the superior's officers,
    due in DEFAULT_DECISION_WORKING_DAYS working days."""
    if application.status != ApplicationStatus.DRAFT:
        # Checked again under the row lock by transition(); this only spares a useless check.
        raise TransitionNotAllowed(
            application, ApplicationStatus.SUBMITTED, {ApplicationStatus.WITHDRAWN}
        )
    clean_proposal(
        application.kind,
        application.proposal,
        organization=application.party_organization,
        superior=application.superior,
        actor=None,
    )
    application.submitted_at = timezone.now()
    _attribute(application, actor)
    transition(
        application,
        ApplicationStatus.SUBMITTED,
        actor=actor,
        update_fields=("submitted_at",),
    )
    superior = application.superior
    todo_create(
        kind=DECISION_TODO,
        title=_("审批%(kind)s申请：%(subject)s")
        % {"kind": application.get_kind_display(), "subject": _subject_name(application)},
        role=Role.PARTY_COMMITTEE_OFFICER,
        division=superior.division,
        working_days=decision_working_days(),
        subject=application,
        url=reverse("party:application_detail", args=[application.pk]),
        actor=actor,
    )
    return application


def _subject_name(application: PartyOrgApplication) -> str:
    if application.party_organization_id is not None:
        return application.party_organization.name  # type: ignore[union-attr]
    return str(application.proposal.get("name", ""))


@transaction.atomic
def application_withdraw(
    *, actor: Any, application: PartyOrgApplication, reason: str = ""
) -> PartyOrgApplication:
    _attribute(application, actor)
    transition(application, ApplicationStatus.WITHDRAWN, actor=actor, reason=reason)
    for todo in _open_todos(application, DECISION_TODO):
        todo_cancel(todo=todo, actor=actor, reason=_("申请已撤回"))
    return application


@transaction.atomic
def application_decide(
    *, actor: Any, application: PartyOrgApplication, approve: bool, reason: str = ""
) -> PartyOrgApplication:
    """Approve or refuse. The status changes under a row lock (`transition`), so of two officers
    deciding at once one wins and the other gets TransitionNotAllowed (409). Approval writes the
    record in the same transaction; if the facts no longer allow it (say, an organization was
    covered meanwhile), nothing is written and the ValidationError says why."""
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("不予批准须说明理由。")]})
    application.decided_at = timezone.now()
    application.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    application.decision_reason = reason
    _attribute(application, actor)
    transition(
        application,
        ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED,
        actor=actor,
        reason=reason,
        update_fields=("decided_at", "decided_by", "decision_reason"),
    )
    if approve:
        _apply(application, actor=actor)
    todos_complete_for(
        subject=application,
        kind=DECISION_TODO,
        actor=actor,
        reason=_("已批准") if approve else _("不予批准"),
    )
    return application


def _apply(application: PartyOrgApplication, *, actor: Any) -> None:
    on = timezone.localdate()
    cleaned = clean_proposal(
        application.kind,
        application.proposal,
        organization=application.party_organization,
        superior=application.superior,
        actor=None,
        today=on,
    )
    why = _("%(kind)s申请 #%(pk)s 批准") % {
        "kind": application.get_kind_display(),
        "pk": application.pk,
    }
    organization = cast(PartyOrganization, application.party_organization)
    if application.kind == ApplicationKind.ESTABLISH:
        founded = cleaned.proposal.get("founded_on")
        established = _establish(
            cleaned,
            founded_on=date.fromisoformat(founded) if founded else on,
            actor=actor,
            reason=why,
        )
        application.party_organization = established
        application.save(update_fields=["party_organization"])
    elif application.kind == ApplicationKind.CHANGE:
        _change(organization, cleaned, on=on, actor=actor, reason=why)
    elif application.kind == ApplicationKind.REELECT:
        started = cleaned.proposal.get("term_started_on")
        _reelect(
            organization,
            cleaned,
            started_on=date.fromisoformat(started) if started else on,
            actor=actor,
            reason=why,
        )
    elif application.kind == ApplicationKind.DISSOLVE:
        _dissolve(organization, on=on, actor=actor, reason=why)


def _establish(
    cleaned: Cleaned,
    *,
    founded_on: date,
    actor: Any,
    reason: str,
    term_started_on: date | None = None,
) -> PartyOrganization:
    structure = cast(Structure, cleaned.structure)
    organization = PartyOrganization(
        name=structure.name,
        kind=structure.kind,
        formation=structure.formation,
        parent=structure.parent,
        division=cleaned.division,
        founded_on=founded_on,
        term_years=structure.term_years,
        term_started_on=term_started_on or founded_on,
    )
    organization.full_clean()
    _attribute(organization, actor, reason).save()
    for org in structure.covered:
        _attribute(
            Coverage(party_organization=organization, social_org=org, since=founded_on),
            actor,
            reason,
        ).save()
    coverage_refresh(org.pk for org in structure.covered)
    return organization


def _change(
    organization: PartyOrganization, cleaned: Cleaned, *, on: date, actor: Any, reason: str
) -> None:
    proposal, structure = cleaned.proposal, cast(Structure, cleaned.structure)
    for field in ("name", "kind", "formation", "term_years"):
        if field in proposal:
            setattr(organization, field, proposal[field])
    if "parent" in proposal:
        organization.parent = structure.parent
    organization.full_clean()
    _attribute(organization, actor, reason).save()
    if "covered_organizations" in proposal:
        wanted = {org.pk: org for org in structure.covered}
        current = {c.social_org_id: c for c in organization.coverages.all()}
        for org_id, coverage in current.items():
            if org_id not in wanted:
                _attribute(coverage, actor, reason).delete()
        for org_id, org in wanted.items():
            if org_id not in current:
                _attribute(
                    Coverage(party_organization=organization, social_org=org, since=on),
                    actor,
                    reason,
                ).save()
        coverage_refresh([*wanted, *current])


def _reelect(
    organization: PartyOrganization, cleaned: Cleaned, *, started_on: date, actor: Any, reason: str
) -> None:
    for post in CommitteePost.objects.filter(party_organization=organization, until__isnull=True):
        post.until = started_on
        _attribute(post, actor, reason).save(update_fields=["until"])
    for post_code, member in cleaned.posts or []:
        _attribute(
            CommitteePost(
                party_organization=organization, member=member, post=post_code, since=started_on
            ),
            actor,
            reason,
        ).save()
    organization.term_started_on = started_on
    organization.term_years = cleaned.proposal["term_years"]
    _attribute(organization, actor, reason).save(update_fields=["term_started_on", "term_years"])
    todos_complete_for(
        subject=organization, kind=REELECTION_TODO, actor=actor, reason=_("已完成换届")
    )


def _dissolve(organization: PartyOrganization, *, on: date, actor: Any, reason: str) -> None:
    covered = list(organization.coverages.values_list("social_org_id", flat=True))
    for post in CommitteePost.objects.filter(party_organization=organization, until__isnull=True):
        post.until = on
        _attribute(post, actor, reason).save(update_fields=["until"])
    for coverage in organization.coverages.all():
        _attribute(coverage, actor, reason).delete()
    organization.dissolved_on = on
    _attribute(organization, actor, reason)
    transition(
        organization,
        PartyOrgStatus.DISSOLVED,
        actor=actor,
        reason=reason,
        update_fields=("dissolved_on",),
    )
    for todo in _open_todos(organization, REELECTION_TODO):
        todo_cancel(todo=todo, actor=actor, reason=_("党组织已撤销"))
    coverage_refresh(covered)


# --- direct registration (data migration) ----------------------------------------------------


@transaction.atomic
def party_organization_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    formation: str,
    covered_organizations: list[int],
    parent: PartyOrganization | None,
    founded_on: date,
    term_years: int = TermYears.THREE,
    term_started_on: date | None = None,
) -> PartyOrganization:
    """Record a party organization approved before the platform existed, under the same rules as
    an establishment. The caller has asked `can_register_party_organization`."""
    cleaned = clean_establish(
        {
            "name": name,
            "kind": kind,
            "formation": formation,
            "covered_organizations": covered_organizations,
            "term_years": term_years,
            "founded_on": founded_on.isoformat() if founded_on else None,
        },
        superior=parent,
        actor=actor,
        today=timezone.localdate(),
    )
    if term_started_on is not None and term_started_on < founded_on:
        raise ValidationError({"term_started_on": [_("本届任期不能早于成立日期。")]})
    return _establish(
        cleaned,
        founded_on=founded_on,
        term_started_on=term_started_on,
        actor=actor,
        reason=_("直接登记（数据迁移）"),
    )


@transaction.atomic
def party_organization_update(
    *,
    actor: Any,
    party_organization: PartyOrganization,
    changes: dict[str, Any],
) -> PartyOrganization:
    """Correct a record directly, under the rules of a change application; the caller has asked
    `can_register_party_organization`. Dates of the record (founding, term start) may be
    corrected too; committees change only by re-election."""
    dates = {key: changes.pop(key) for key in ("founded_on", "term_started_on") if key in changes}
    errors: dict[str, list[str]] = {}
    for key, value in dates.items():
        parsed = _date(value, key, errors)
        if parsed is not None and parsed > timezone.localdate():
            _add(errors, key, _("日期不能晚于今天。"))
        dates[key] = parsed
    _raise(errors)
    why = _("直接更正（数据迁移）")
    if changes:
        cleaned = clean_change(changes, organization=party_organization, actor=actor)
        _change(party_organization, cleaned, on=timezone.localdate(), actor=actor, reason=why)
    if dates:
        for key, value in dates.items():
            setattr(party_organization, key, value)
        party_organization.full_clean()
        _attribute(party_organization, actor, why).save()
    return party_organization


def leading_committee_name(division: Division) -> str:
    """中共广东省社会组织委员会, 中共广州市社会组织委员会 …"""
    return _("中共%(division)s社会组织委员会") % {"division": division.name}


@transaction.atomic
def leading_committees_ensure(*, founded_on: date | None = None) -> list[PartyOrganization]:
    """The province's social-organization party committee and one per city (idempotent)."""
    founded_on = founded_on or date(2015, 12, 1)
    province = Division.objects.get(level=Division.Level.PROVINCE, parent__isnull=True)
    cities = list(
        Division.objects.filter(level=Division.Level.CITY, is_current=True, parent=province)
    )
    existing = {
        committee.division_id: committee
        for committee in PartyOrganization.objects.filter(kind=PartyOrgKind.LEADING_COMMITTEE)
    }
    made = []
    for division in [province, *cities]:
        if division.code in existing:
            made.append(existing[division.code])
            continue
        committee = PartyOrganization(
            name=leading_committee_name(division),
            kind=PartyOrgKind.LEADING_COMMITTEE,
            parent=None if division == province else existing[province.code],
            division=division,
            founded_on=founded_on,
            term_years=TermYears.FIVE,
            term_started_on=founded_on,
        )
        committee.save()
        existing[division.code] = committee
        made.append(committee)
    return made


# --- re-election reminders -------------------------------------------------------------------


def reelection_reminders_raise(*, today: date | None = None, days: int | None = None) -> int:
    """Raise a to-do for each active party organization in a social organization whose term ends
    within `days` (SHEZHI_REELECTION_NOTICE_DAYS, 90) or has ended, unless a re-election
    application is open; once per term. Returns how many were raised.

    The to-do goes to the party committee's officers where the superior organization answers,
    due on the last working day of the term (today, for a term already over).
    """
    today = today or timezone.localdate()
    open_reelections = PartyOrgApplication.objects.filter(
        kind=ApplicationKind.REELECT, status__in=OPEN_APPLICATION_STATUSES
    ).values("party_organization")
    due = list(
        PartyOrganization.objects.in_social_orgs()
        .filter(reelection_due_q(today, days))
        .exclude(pk__in=open_reelections)
        .select_related("parent__division", "division")
        .order_by("pk")
    )
    if not due:
        return 0
    reminded = dict(
        Todo.objects.filter(
            kind=REELECTION_TODO,
            subject_type=ContentType.objects.get_for_model(PartyOrganization),
            subject_id__in=[str(o.pk) for o in due],
        )
        .values_list("subject_id")
        .annotate(last=Max("starts_on"))
        .values_list("subject_id", "last")
    )
    raised = 0
    for organization in due:
        last = reminded.get(str(organization.pk))
        if (
            last is not None
            and organization.term_started_on
            and last >= organization.term_started_on
        ):
            continue  # already reminded during this term
        ends = cast(date, organization.term_ends_on)  # the filter asked for a term start
        superior = organization.parent
        division = superior.division if superior is not None else organization.division
        try:
            with transaction.atomic():
                todo_create(
                    kind=REELECTION_TODO,
                    title=_("%(name)s本届任期%(ends)s届满，请督促按期换届")
                    % {"name": organization.name, "ends": ends.isoformat()},
                    role=Role.PARTY_COMMITTEE_OFFICER,
                    division=division,
                    working_days=max(workdays.working_days_between(today, ends), 0),
                    starts_on=today,
                    subject=organization,
                    url=reverse("party:organization_detail", args=[organization.pk]),
                )
        except ValidationError:
            logger.exception("No re-election reminder for party organization %s", organization.pk)
            continue
        raised += 1
    return raised


# --- documents -------------------------------------------------------------------------------

DOCUMENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx"}


def sniff_document(file: Any) -> str | None:
    """The document type by its content ("pdf", "jpg", "png", "docx"), or None.

    A name or a browser's Content-Type is whatever the sender says; the first bytes are what the
    file is. A .docx is a zip holding word/document.xml.
    """
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                kind = "docx"
        except zipfile.BadZipFile:
            kind = None
        file.seek(0)
    return kind


@transaction.atomic
def document_attach(
    *, actor: Any, application: PartyOrgApplication, file: UploadedFile, title: str = ""
) -> ApplicationDocument:
    """Attach a PDF, JPG, PNG or DOCX of at most SHEZHI_DOCUMENT_MAX_BYTES (10 MB). The caller
    has asked `can_attach_documents`. Stored under MEDIA_ROOT with a random name; served only by
    the permission-checked download view."""
    limit = max_document_bytes()
    if file.size is None or file.size > limit:
        raise ValidationError(
            {"file": [_("文件不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}]}
        )
    if file.size == 0:
        raise ValidationError({"file": [_("文件是空的。")]})
    original = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = original.rpartition(".")
    kind = sniff_document(file)
    if kind is None or EXTENSIONS.get(extension.lower()) != kind:
        raise ValidationError(
            {"file": [_("只能上传 PDF、JPG、PNG 或 DOCX 文件，且扩展名须与文件内容一致。")]}
        )
    locked = PartyOrgApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in OPEN_APPLICATION_STATUSES:
        application.status = locked.status
        raise ApplicationNotEditable(
            application,
            _("申请已“%(status)s”，不能再上传材料。")
            % {"status": application.get_status_display()},
        )
    title = (title or (stem if dot else original)).strip()[:200] or _("申请材料")
    document = ApplicationDocument(
        application=application,
        title=title,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(f"{uuid.uuid4().hex}.{kind}", file, save=False)
    _attribute(document, actor).save()
    return document


def document_type(document: ApplicationDocument) -> tuple[str, str]:
    """(extension, content type) of a stored document, from its stored name."""
    extension = document.file.name.rsplit(".", 1)[-1].lower()
    return extension, DOCUMENT_TYPES.get(extension, "application/octet-stream")


# --- instructors -----------------------------------------------------------------------------

INSTRUCTOR_LEVELS = (Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY)


def _instructor_division_errors(actor: Any, division: Division | None) -> None:
    if division is None:
        raise ValidationError({"division": [_("请选择所属区划。")]})
    if division.level not in INSTRUCTOR_LEVELS:
        raise ValidationError(
            {"division": [_("党建指导员由县级以上选派，请选择省、市或县级区划。")]}
        )
    if actor is not None and not Division.objects.visible_to(actor).filter(pk=division.pk).exists():
        raise ValidationError({"division": [_("该区划不在您的管辖范围内。")]})


@transaction.atomic
def instructor_create(
    *, actor: Any, name: str, division: Division, phone: str = "", workplace: str = ""
) -> Instructor:
    _instructor_division_errors(actor, division)
    instructor = Instructor(
        name=name.strip(), division=division, phone=phone.strip() or None, workplace=workplace
    )
    instructor.full_clean()
    _attribute(instructor, actor).save()
    return instructor


INSTRUCTOR_FIELDS = ("name", "phone", "workplace", "division", "is_active")


@transaction.atomic
def instructor_update(*, actor: Any, instructor: Instructor, **changes: Any) -> Instructor:
    """Change an instructor's record; standing one down (is_active False) withdraws the work
    coverage of every organization they were assigned to."""
    unknown = set(changes) - set(INSTRUCTOR_FIELDS)
    if unknown:
        raise ValidationError(
            {"instructor": [_("不能修改：%(f)s") % {"f": "、".join(sorted(unknown))}]}
        )
    if "division" in changes:
        _instructor_division_errors(actor, changes["division"])
    was_active = instructor.is_active
    for field, value in changes.items():
        if field == "phone":
            value = (value or "").strip() or None
        setattr(instructor, field, value)
    instructor.full_clean()
    _attribute(instructor, actor).save()
    if was_active != instructor.is_active:
        coverage_refresh(
            instructor.assignments.filter(ended_on__isnull=True).values_list(
                "social_org_id", flat=True
            )
        )
    return instructor


@transaction.atomic
def instructor_assign(
    *,
    actor: Any,
    instructor: Instructor,
    social_org: SocialOrganization,
    assigned_on: date | None = None,
) -> InstructorAssignment:
    """Assign (选派) an instructor to an organization: work coverage at once. The caller has
    fetched both through visible_to."""
    assigned_on = assigned_on or timezone.localdate()
    if not instructor.is_active:
        raise ValidationError({"instructor": [_("该党建指导员已不在任，不能选派。")]})
    if social_org.status not in LIVE_STATUSES:
        raise ValidationError({"social_org": [_("该社会组织已注销或被撤销登记。")]})
    if assigned_on > timezone.localdate():
        raise ValidationError({"assigned_on": [_("选派日期不能晚于今天。")]})
    if InstructorAssignment.objects.filter(
        instructor=instructor, social_org=social_org, ended_on__isnull=True
    ).exists():
        raise ValidationError({"social_org": [_("该党建指导员已选派到这个社会组织。")]})
    assignment = InstructorAssignment(
        instructor=instructor, social_org=social_org, assigned_on=assigned_on
    )
    _attribute(assignment, actor).save()
    coverage_refresh([social_org.pk])
    return assignment


@transaction.atomic
def assignment_end(
    *, actor: Any, assignment: InstructorAssignment, ended_on: date | None = None
) -> InstructorAssignment:
    ended_on = ended_on or timezone.localdate()
    locked = InstructorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.ended_on is not None:
        raise ValidationError(
            {"assignment": [_("该选派已于 %(d)s 结束。") % {"d": locked.ended_on}]}
        )
    if ended_on < assignment.assigned_on:
        raise ValidationError({"ended_on": [_("结束日期不能早于选派日期。")]})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("结束日期不能晚于今天。")]})
    assignment.ended_on = ended_on
    _attribute(assignment, actor).save(update_fields=["ended_on"])
    coverage_refresh([assignment.social_org_id])
    return assignment
