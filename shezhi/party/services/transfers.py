"""Organization-relationship transfers (组织关系转接) between party organizations.

send → (receive | reject | cancel). The sending organization stays responsible until the member
is received (DOMAIN.md §4): the member's branch and jurisdiction change only on receipt, in the
same transaction. Each decision goes through the workflow gate (locked re-read, StatusChange row);
the receiving side gets a to-do to decide within N working days, and a letter left past its
validity is flagged to the sending side by the daily task.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shezhi.core.models import Todo
from shezhi.core.roles import Role
from shezhi.core.todos import todo_cancel, todo_create, todos_complete_for
from shezhi.core.workflows import TransitionNotAllowed, transition
from shezhi.social_orgs.models import SocialOrganization

from .. import rules
from ..coverage import coverage_refresh
from ..models import (
    CommitteePost,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Transfer,
    TransferStatus,
)
from ..selectors.members import employer_choices
from .members import attribute, todo_division

DECISION_TODO = "party.transfer_decision"
EXPIRED_TODO = "party.transfer_expired"

KEEP = object()  # receive(): keep the member's employer
# Working days the sending side has to follow up an expired letter [U].
EXPIRED_FOLLOW_UP_WORKING_DAYS = 5


class TransferConflict(TransitionNotAllowed):
    """A transfer that the member's or the letter's state does not allow (409)."""

    def __init__(self, obj: Any, message: str, *, to: str, current: str) -> None:
        Exception.__init__(self, message)
        self.obj, self.to, self.allowed, self.field, self.current = (
            obj,
            to,
            set(),
            "status",
            current,
        )


def _today() -> date:
    return timezone.localdate()


def transfer_url(transfer: Transfer) -> str:
    return reverse("party:transfer_detail", args=[transfer.pk])


def _check_day(day: date, *, field: str, not_before: date | None = None) -> None:
    if day > _today():
        raise ValidationError({field: [_("日期不能晚于今天。")]})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {field: [_("日期不能早于转出日期 %(day)s。") % {"day": not_before.isoformat()}]}
        )


@transaction.atomic
def transfer_send(
    *,
    actor: Any,
    member: PartyMember,
    to_branch: PartyOrganization,
    sent_on: date | None = None,
    reason: str = "",
) -> Transfer:
    """Issue a transfer letter from the member's branch to `to_branch`."""
    sent_on = sent_on or _today()
    member = (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=member.pk)
    )
    if member.status != MemberStatus.ACTIVE:
        raise TransferConflict(
            member,
            _("%(name)s已不在册，不能转接组织关系。") % {"name": member.name},
            to=TransferStatus.SENT,
            current=member.status,
        )
    if member.branch is None:
        raise ValidationError(
            {"to_branch": [_("该党员尚未编入党组织：请直接在党员信息中填写所在党组织。")]}
        )
    in_flight = Transfer.objects.filter(member=member, status=TransferStatus.SENT).first()
    if in_flight is not None:
        raise TransferConflict(
            in_flight,
            _("%(name)s已有一份转往%(to)s的介绍信待接收，请先撤销或等待对方办理。")
            % {"name": member.name, "to": in_flight.to_branch},
            to=TransferStatus.SENT,
            current=TransferStatus.SENT,
        )
    if (
        to_branch.status != PartyOrgStatus.ACTIVE
        or to_branch.kind == PartyOrgKind.LEADING_COMMITTEE
    ):
        raise ValidationError({"to_branch": [_("转入党组织应为正常状态的基层党组织。")]})
    rules.refuse(rules.transfer_target(member, to_branch), "to_branch")
    _check_day(sent_on, field="sent_on")
    transfer = Transfer(
        member=member,
        from_branch=member.branch,
        to_branch=to_branch,
        sent_on=sent_on,
        valid_until=rules.transfer_valid_until(sent_on),
        reason=reason.strip(),
    )
    try:
        with transaction.atomic():
            attribute(transfer, actor, _("开具组织关系介绍信")).save()
    except IntegrityError:  # one_transfer_in_flight: another letter was issued meanwhile
        raise TransferConflict(
            member,
            _("%(name)s已有一份介绍信待接收。") % {"name": member.name},
            to=TransferStatus.SENT,
            current=TransferStatus.SENT,
        ) from None
    todo_create(
        kind=DECISION_TODO,
        title=_("接收或退回%(name)s的组织关系（来自%(from)s）")
        % {"name": member.name, "from": member.branch},
        role=Role.PARTY_COMMITTEE_OFFICER,
        division=todo_division(to_branch.division),
        working_days=rules.transfer_decide_working_days(),
        starts_on=_today(),
        subject=transfer,
        url=transfer_url(transfer),
        actor=actor,
    )
    return transfer


def _close_todos(transfer: Transfer, *, actor: Any, reason: str, cancel: bool = False) -> None:
    if cancel:
        transfer_type = ContentType.objects.get_for_model(Transfer)
        for todo in Todo.objects.open().filter(
            subject_type=transfer_type, subject_id=str(transfer.pk)
        ):
            todo_cancel(todo=todo, actor=actor, reason=reason)
        return
    for kind in (DECISION_TODO, EXPIRED_TODO):
        todos_complete_for(subject=transfer, kind=kind, actor=actor, reason=reason)


@transaction.atomic
def transfer_receive(
    *,
    actor: Any,
    transfer: Transfer,
    on: date | None = None,
    employer: Any = KEEP,
    note: str = "",
) -> Transfer:
    """The receiving organization takes the member in: branch and jurisdiction change now;
    committee posts held in the old organization end; the employer changes only if given."""
    on = on or _today()
    _check_day(on, field="on", not_before=transfer.sent_on)
    rules.refuse(rules.transfer_letter_expired(transfer, on), "on")
    transfer.decided_on = on
    transfer.decision_note = note.strip()
    attribute(transfer, actor, _("接收组织关系"))
    transition(
        transfer,
        TransferStatus.RECEIVED,
        actor=actor,
        reason=note.strip() or _("接收组织关系"),
        update_fields=("decided_on", "decision_note"),
    )
    member = PartyMember.objects.select_for_update().get(pk=transfer.member_id)
    to_branch = PartyOrganization.objects.select_related("division").get(pk=transfer.to_branch_id)
    old_employer = member.employer_id
    member.branch = to_branch
    member.division = to_branch.division
    fields = ["branch", "division", "division_path"]
    if employer is not KEEP:
        if employer is not None and not isinstance(employer, SocialOrganization):
            raise TypeError("employer must be a SocialOrganization, None or KEEP")
        if employer is not None and not employer_choices(actor).filter(pk=employer.pk).exists():
            raise ValidationError({"employer": [_("不能选择该工作单位：它不在您的管辖范围内。")]})
        member.employer = employer
        fields.append("employer")
    attribute(
        member,
        actor,
        _("组织关系由%(from)s转入%(to)s") % {"from": transfer.from_branch, "to": to_branch},
    ).save(update_fields=fields)
    for post in CommitteePost.objects.filter(
        member=member, party_organization_id=transfer.from_branch_id, until__isnull=True
    ):
        post.until = on
        attribute(post, actor, _("组织关系转出")).save(update_fields=["until"])
    coverage_refresh([old_employer, member.employer_id])
    _close_todos(transfer, actor=actor, reason=_("已接收"))
    return transfer


@transaction.atomic
def transfer_reject(
    *, actor: Any, transfer: Transfer, reason: str, on: date | None = None
) -> Transfer:
    """The receiving organization sends the letter back, saying why; the member stays."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写退回的原因。")]})
    on = on or _today()
    _check_day(on, field="on", not_before=transfer.sent_on)
    transfer.decided_on = on
    transfer.decision_note = reason.strip()
    attribute(transfer, actor, _("退回组织关系介绍信"))
    transition(
        transfer,
        TransferStatus.REJECTED,
        actor=actor,
        reason=reason.strip(),
        update_fields=("decided_on", "decision_note"),
    )
    _close_todos(transfer, actor=actor, reason=_("已退回"))
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: Any, transfer: Transfer, reason: str) -> Transfer:
    """The sending organization withdraws a letter not yet received."""
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写撤销的原因。")]})
    transfer.decided_on = _today()
    transfer.decision_note = reason.strip()
    attribute(transfer, actor, _("撤销组织关系介绍信"))
    transition(
        transfer,
        TransferStatus.CANCELLED,
        actor=actor,
        reason=reason.strip(),
        update_fields=("decided_on", "decision_note"),
    )
    _close_todos(transfer, actor=actor, reason=_("转出党组织已撤销"), cancel=True)
    return transfer


def transfers_flag_expired(*, today: date | None = None) -> int:
    """Daily: a to-do for the sending side of each letter past its validity and still not
    received (once per letter). Returns how many were raised."""
    today = today or _today()
    transfer_type = ContentType.objects.get_for_model(Transfer)
    flagged = set(
        Todo.objects.filter(kind=EXPIRED_TODO, subject_type=transfer_type).values_list(
            "subject_id", flat=True
        )
    )
    expired = Transfer.objects.filter(
        status=TransferStatus.SENT, valid_until__lt=today
    ).select_related("member", "from_branch__division", "to_branch")
    raised = 0
    for transfer in expired.iterator(chunk_size=500):
        if str(transfer.pk) in flagged:
            continue
        with transaction.atomic():
            todo_create(
                kind=EXPIRED_TODO,
                title=_("%(name)s转往%(to)s的介绍信已于%(until)s过期，请撤销后重新开具")
                % {
                    "name": transfer.member.name,
                    "to": transfer.to_branch,
                    "until": transfer.valid_until,
                },
                role=Role.PARTY_COMMITTEE_OFFICER,
                division=todo_division(transfer.from_branch.division),
                working_days=EXPIRED_FOLLOW_UP_WORKING_DAYS,
                starts_on=today,
                subject=transfer,
                url=transfer_url(transfer),
            )
        raised += 1
    return raised
