"""Writes of the inspection module (STYLE §3): filing, review, conclusion or publication,
rectification, and the yearly configuration. Pages, the API and the demo call these alone.

Every status change goes through `core.workflows.transition` with the filing's mode's table
(models.TRANSITIONS), which re-reads the row under SELECT … FOR UPDATE: two officers deciding at
once, one wins and the other gets `ActionNotAllowed` (a TransitionNotAllowed: the API's 409, with
the actions the filing still allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core import todos, workdays
from shezhi.core.roles import Role
from shezhi.core.workflows import TransitionNotAllowed, transition
from shezhi.social_orgs.models import LIVE_STATUSES, SocialOrganization

from . import permissions, rules, selectors
from .models import (
    Filing,
    FilingStatus,
    InspectionConfig,
    Mode,
    Rectification,
    RectificationStatus,
)

RECTIFICATION_TODO = "inspection.rectification"
VERIFY_TODO = "inspection.rectification_verify"


class Action:
    """What can be done to a filing; the API's `decide` names one of the officers' ones."""

    SUBMIT = "submit"
    ACCEPT = "accept"
    SUPERVISOR_APPROVE = "supervisor_approve"
    CONCLUDE = "conclude"
    PUBLISH = "publish"
    RETURN = "return"


OFFICER_ACTIONS = (
    Action.ACCEPT,
    Action.SUPERVISOR_APPROVE,
    Action.CONCLUDE,
    Action.PUBLISH,
    Action.RETURN,
)


class ActionNotAllowed(TransitionNotAllowed):
    """An action on a filing in the wrong state; `allowed` names the actions it does allow."""

    def __init__(self, obj: Any, action: str, allowed: set[str]) -> None:
        super().__init__(obj, action, allowed)
        self.args = (
            _("当前状态“%(status)s”下不能执行“%(action)s”；允许：%(allowed)s")
            % {
                "status": obj.get_status_display(),
                "action": action,
                "allowed": "、".join(sorted(allowed)) or _("无"),
            },
        )


def filing_actions(filing: Filing) -> set[str]:
    """The actions the filing's status and mode allow (whoever may take them)."""
    status = filing.status
    if status == FilingStatus.DRAFT:
        return {Action.SUBMIT}
    if status == FilingStatus.SUBMITTED:
        return {Action.ACCEPT, Action.RETURN}
    if status == FilingStatus.SUPERVISOR_REVIEW:
        return {Action.SUPERVISOR_APPROVE, Action.RETURN}
    if status == FilingStatus.AUTHORITY_REVIEW:
        final = Action.CONCLUDE if filing.mode == Mode.INSPECTION else Action.PUBLISH
        return {final, Action.RETURN}
    return set()


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _history_user(obj: Any, actor: Any) -> Any:
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    return obj


def _text(value: Any) -> str:
    return str(value or "").replace("\x00", "").strip()


# --- filing ------------------------------------------------------------------------------------

REPORTED_FIELDS = (
    "activities",
    "income",
    "expenditure",
    "net_assets",
    "staff_count",
    "has_party_organization",
    "party_organization_name",
    "party_activities",
    "party_member_count",
    "instructor_name",
)


def _apply(filing: Filing, data: dict[str, Any]) -> None:
    for name in REPORTED_FIELDS:
        if name not in data or data[name] is None:
            continue
        value = data[name]
        if name in ("activities", "party_organization_name", "instructor_name"):
            value = _text(value)
        setattr(filing, name, value)
    if filing.expenditure is not None and Decimal(filing.expenditure) < 0:
        raise ValidationError({"expenditure": _("支出不能为负数。")}, code="invalid")
    if filing.income is not None and Decimal(filing.income) < 0:
        raise ValidationError({"income": _("收入不能为负数。")}, code="invalid")
    if filing.has_party_organization and not filing.party_organization_name:
        raise ValidationError(
            {"party_organization_name": _("已建立党组织的，请填写党组织名称。")}, code="invalid"
        )


def filing_initial(organization: SocialOrganization, year: int) -> dict[str, Any]:
    """A new filing's values: the organization's staff count and the party module's facts."""
    prefill = selectors.party_facts(organization, year)
    return {
        "staff_count": organization.staff_count,
        **{key: value for key, value in prefill.items() if value is not None},
    }


@transaction.atomic
def filing_create(
    *,
    actor: Any,
    organization: SocialOrganization,
    year: int,
    data: dict[str, Any] | None = None,
    today: date | None = None,
) -> Filing:
    """Open the organization's filing for `year` as a draft, pre-filled from the party module."""
    if not (permissions.is_filing_organization(actor) and actor.organization_id == organization.pk):
        raise PermissionDenied
    today = _today(today)
    if year >= today.year + 1 or year < 2000:
        raise ValidationError({"year": _("只能报送已开始的年度。")}, code="invalid")
    if organization.status not in LIVE_STATUSES:
        raise ValidationError({"year": _("该组织已注销或被撤销登记，不再报送。")}, code="invalid")
    exempt = rules.new_organization_exempt(organization.founded_on, year)
    if exempt is not None:
        raise ValidationError(
            {"year": ValidationError(f"{exempt.message}（{exempt.citation}）", code="exempt")}
        )
    if Filing.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(
            {"year": _("该年度已有年检（年报），请在原记录上修改。")}, code="duplicate"
        )
    prefill = selectors.party_facts(organization, year)
    filing = Filing(
        organization=organization,
        authority=organization.registration_authority,
        year=year,
        mode=selectors.mode_for(organization.registration_authority_id, year),
        party_prefill=prefill,
    )
    _apply(filing, {**filing_initial(organization, year), **(data or {})})
    filing.full_clean(exclude=["organization", "authority"])
    try:
        with transaction.atomic():
            _history_user(filing, actor).save()
    except IntegrityError:  # another request opened the same year meanwhile
        raise ValidationError(
            {"year": _("该年度已有年检（年报），请在原记录上修改。")}, code="duplicate"
        ) from None
    return filing


@transaction.atomic
def filing_update(*, actor: Any, filing: Filing, data: dict[str, Any]) -> Filing:
    """Correct a draft (a returned filing is a draft again)."""
    if not (
        permissions.is_filing_organization(actor)
        and actor.organization_id == filing.organization_id
    ):
        raise PermissionDenied
    current = Filing.objects.select_for_update().values_list("status", flat=True).get(pk=filing.pk)
    filing.status = current
    if current != FilingStatus.DRAFT:
        raise ActionNotAllowed(filing, "edit", filing_actions(filing) & {Action.SUBMIT})
    _apply(filing, data)
    filing.full_clean(exclude=["organization", "authority"])
    _history_user(filing, actor).save()
    return filing


@transaction.atomic
def filing_submit(*, actor: Any, filing: Filing, today: date | None = None) -> Filing:
    if not (
        permissions.is_filing_organization(actor)
        and actor.organization_id == filing.organization_id
    ):
        raise PermissionDenied
    _locked_status(filing, Action.SUBMIT, allowed_for={Action.SUBMIT})
    if not filing.activities:
        raise ValidationError({"activities": _("请填写本年度业务活动情况。")}, code="required")
    filing.submitted_on = _today(today)
    filing.return_reason = ""
    _history_user(filing, actor)
    transition(
        filing,
        FilingStatus.SUBMITTED,
        actor=actor,
        update_fields=("submitted_on", "return_reason"),
        table=filing.transitions,
    )
    return filing


def _locked_status(filing: Filing, action: str, *, allowed_for: set[str]) -> None:
    """Re-read the status under a row lock and refuse an action it does not allow."""
    current = Filing.objects.select_for_update().values_list("status", flat=True).get(pk=filing.pk)
    filing.status = current
    allowed = filing_actions(filing) & allowed_for
    if action not in allowed:
        raise ActionNotAllowed(filing, action, allowed)


@dataclass(frozen=True)
class Decision:
    filing: Filing
    rectification: Rectification | None = None


@transaction.atomic
def filing_decide(
    *,
    actor: Any,
    filing: Filing,
    action: str,
    reason: str = "",
    conclusion: str = "",
    today: date | None = None,
) -> Decision:
    """An officer's step in the review: accept (to the business supervisor's first review where
    the organization has one, else straight to the authority), record the supervisor's approval,
    conclude (inspection: with a conclusion) or publish (annual report), or return with a reason.
    """
    if not permissions.is_inspection_officer(actor) or not permissions._inside(
        actor, filing.authority_path
    ):
        raise PermissionDenied
    if action not in OFFICER_ACTIONS:
        raise ValidationError({"action": _("未知的办理操作。")}, code="invalid")
    _locked_status(filing, action, allowed_for=set(OFFICER_ACTIONS))
    reason = _text(reason)
    today = _today(today)
    rectification = None
    fields: tuple[str, ...] = ()
    if action == Action.RETURN:
        if not reason:
            raise ValidationError({"reason": _("退回须说明原因。")}, code="required")
        target = FilingStatus.DRAFT
        filing.return_reason = reason
        fields = ("return_reason",)
    elif action == Action.ACCEPT:
        has_supervisor = bool(filing.organization.business_supervisor.strip())
        target = FilingStatus.SUPERVISOR_REVIEW if has_supervisor else FilingStatus.AUTHORITY_REVIEW
    elif action == Action.SUPERVISOR_APPROVE:
        target = FilingStatus.AUTHORITY_REVIEW
        filing.supervisor_opinion = reason or _("同意")
        fields = ("supervisor_opinion",)
    elif action == Action.CONCLUDE:
        if conclusion not in rules.Conclusion.values:
            raise ValidationError({"conclusion": _("请选择年检结论。")}, code="required")
        if rules.conclusion_orders_rectification(conclusion) and not reason:
            raise ValidationError(
                {"reason": _("基本合格或不合格的，须写明整改要求。")}, code="required"
            )
        target = FilingStatus.CONCLUDED
        filing.conclusion = conclusion
        filing.decision_reason = reason
        filing.decided_on = today
        fields = ("conclusion", "decision_reason", "decided_on")
    else:  # publish
        target = FilingStatus.PUBLISHED
        filing.decision_reason = reason
        filing.decided_on = today
        fields = ("decision_reason", "decided_on")
    _history_user(filing, actor)
    transition(
        filing, target, actor=actor, reason=reason, update_fields=fields, table=filing.transitions
    )
    if action == Action.CONCLUDE and rules.conclusion_orders_rectification(conclusion):
        rectification = _order_rectification(filing, requirements=reason, today=today, actor=actor)
    return Decision(filing, rectification)


# --- rectification -------------------------------------------------------------------------------


def _detail_url(filing: Filing) -> str:
    return reverse("inspection:filing_detail", args=[filing.pk])


def _rectification_todo(rectification: Rectification, *, actor: Any) -> None:
    # The to-do service answers by role and division, and organization accounts have no
    # division: the registration authority's officers hold the deadline and follow it up.
    filing = rectification.filing
    todos.todo_create(
        kind=RECTIFICATION_TODO,
        title=_("%(org)s %(year)s年度年检整改（第%(round)s轮）")
        % {"org": filing.organization.name, "year": filing.year, "round": rectification.rounds},
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=filing.authority,
        working_days=rectification.working_days,
        starts_on=rectification.ordered_on,
        subject=rectification,
        url=_detail_url(filing),
        actor=actor,
    )


def _order_rectification(
    filing: Filing, *, requirements: str, today: date, actor: Any
) -> Rectification:
    days = rules.rectification_working_days()
    rectification = Rectification(
        filing=filing,
        requirements=requirements,
        ordered_on=today,
        working_days=days,
        due_on=workdays.add_working_days(today, days),
    )
    _history_user(rectification, actor).save()
    _rectification_todo(rectification, actor=actor)
    return rectification


@transaction.atomic
def rectification_submit(
    *, actor: Any, rectification: Rectification, report: str, today: date | None = None
) -> Rectification:
    """The organization reports what it rectified; the authority then verifies it."""
    filing = rectification.filing
    if not (
        permissions.is_filing_organization(actor)
        and actor.organization_id == filing.organization_id
    ):
        raise PermissionDenied
    report = _text(report)
    if not report:
        raise ValidationError({"report": _("请填写整改情况。")}, code="required")
    today = _today(today)
    rectification.report = report
    rectification.submitted_on = today
    _history_user(rectification, actor)
    transition(
        rectification,
        RectificationStatus.SUBMITTED,
        actor=actor,
        update_fields=("report", "submitted_on"),
    )
    todos.todos_complete_for(
        subject=rectification, kind=RECTIFICATION_TODO, actor=actor, reason=_("已报送整改情况")
    )
    todos.todo_create(
        kind=VERIFY_TODO,
        title=_("核实%(org)s %(year)s年度年检整改情况")
        % {"org": filing.organization.name, "year": filing.year},
        role=Role.CIVIL_AFFAIRS_OFFICER,
        division=filing.authority,
        working_days=rules.verification_working_days(),
        starts_on=today,
        subject=rectification,
        url=_detail_url(filing),
        actor=actor,
    )
    return rectification


@transaction.atomic
def rectification_verify(
    *,
    actor: Any,
    rectification: Rectification,
    approve: bool,
    reason: str = "",
    today: date | None = None,
) -> Rectification:
    """The authority verifies the rectification, or rejects it: it reopens with a new
    working-day deadline counted from the rejection."""
    filing = rectification.filing
    if not permissions.is_inspection_officer(actor) or not permissions._inside(
        actor, filing.authority_path
    ):
        raise PermissionDenied
    reason = _text(reason)
    today = _today(today)
    _history_user(rectification, actor)
    if approve:
        rectification.verified_on = today
        transition(
            rectification,
            RectificationStatus.VERIFIED,
            actor=actor,
            reason=reason,
            update_fields=("verified_on",),
        )
    else:
        if not reason:
            raise ValidationError({"reason": _("未通过核实的，须说明原因。")}, code="required")
        rectification.rejection_reason = reason
        rectification.rounds += 1
        rectification.ordered_on = today
        rectification.due_on = workdays.add_working_days(today, rectification.working_days)
        transition(
            rectification,
            RectificationStatus.OPEN,
            actor=actor,
            reason=reason,
            update_fields=("rejection_reason", "rounds", "ordered_on", "due_on"),
        )
    todos.todos_complete_for(
        subject=rectification, kind=VERIFY_TODO, actor=actor, reason=_("已核实")
    )
    if not approve:
        _rectification_todo(rectification, actor=actor)
    return rectification


# --- configuration -------------------------------------------------------------------------------


@transaction.atomic
def config_save(
    *, actor: Any, data: dict[str, Any], config: InspectionConfig | None = None
) -> InspectionConfig:
    """Set an authority's mode and filing window for a year (its own officers only)."""
    authority = data.get("authority") if config is None else config.authority
    if authority is None:
        raise ValidationError({"authority": _("请选择登记管理机关。")}, code="required")
    if not permissions.can_manage_config_of(actor, authority.code):
        raise PermissionDenied
    config = config or InspectionConfig(authority=authority, year=data["year"])
    new_mode = data.get("mode", config.mode)
    if (
        config.pk is not None
        and new_mode != config.mode
        and Filing.objects.filter(authority=config.authority, year=config.year).exists()
    ):
        raise ValidationError({"mode": _("该年度已有组织报送，不能再改变方式。")}, code="invalid")
    config.mode = new_mode
    for name in ("window_opens_on", "window_closes_on", "supervisor_due_on"):
        if name in data:
            setattr(config, name, data[name])
    if config.window_closes_on < config.window_opens_on:
        raise ValidationError(
            {"window_closes_on": _("报送截止日期不能早于开始日期。")}, code="invalid"
        )
    if config.supervisor_due_on and not (
        config.window_opens_on <= config.supervisor_due_on <= config.window_closes_on
    ):
        raise ValidationError(
            {"supervisor_due_on": _("初审截止日期应在报送期内。")}, code="invalid"
        )
    config.full_clean()
    _history_user(config, actor).save()
    return config
