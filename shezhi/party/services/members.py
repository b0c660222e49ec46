"""Writes of party members: registering and correcting a member's record, and the development
workflow (applicant → activist → candidate → probationary → full; extension or cancellation of
the probation).

Every write that changes a member calls `coverage_refresh` for the employers involved (before and
after), inside its transaction, so an organization's full-member count, and with it the blank
spots of the statistics, is right the moment the write commits. The stage moves through the one
workflow gate (`core.workflows.transition(field="stage")`): locked re-read, forward one step,
StatusChange row. A step the rules forbid raises `rules.RuleRefused` (422 in the API) with the
rule's message and citation; a step from the wrong stage raises `StageConflict` (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from shezhi.core import workdays
from shezhi.core.fields import hash_for_lookup
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind, normalize, validate_id_number
from shezhi.core.roles import ROLE_LEVELS, Role
from shezhi.core.todos import todo_create, todos_complete_for
from shezhi.core.workflows import TransitionNotAllowed, transition

from .. import rules
from ..coverage import coverage_refresh
from ..models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Gender,
    MemberStatus,
    PartyMember,
    Stage,
)
from ..selectors.members import branch_choices, employer_choices

TALK_TODO = "party.applicant_talk"
PROBATION_TODO = "party.probation_ending"

# What a record holds besides its stage; the stage moves only through member_advance.
FACT_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "education",
    "employer",
    "branch",
    "applied_on",
    "activist_on",
    "candidate_on",
    "probationary_on",
    "full_on",
    "training_hours",
    "probation_extended",
    "probation_extended_until",
    "is_mobile",
    "is_lost_contact",
)
# Corrections after registration; the branch changes by transfer once the member has one, and
# the probation's extension only through member_extend_probation.
UPDATE_FIELDS = tuple(
    f for f in FACT_FIELDS if f not in ("probation_extended", "probation_extended_until")
)


class StageConflict(TransitionNotAllowed):
    """A development action the member's current stage or roll status does not allow (409)."""

    def __init__(self, member: PartyMember, message: str, *, to: str, allowed: Iterable[str]):
        Exception.__init__(self, message)
        self.obj, self.to, self.allowed, self.field = member, to, set(allowed), "stage"
        self.current = member.stage


@dataclass
class MemberResult:
    member: PartyMember
    # Doubtful but possible facts (an address code outside the table, a late promotion…).
    warnings: list[str] = field(default_factory=list)


def attribute(obj: Any, actor: Any, reason: str = "") -> Any:
    # simple-history takes the author from the request in views; services name it explicitly so
    # the API, tasks, imports and commands are attributed too.
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    if reason:
        obj._change_reason = reason[:100]
    return obj


def _today() -> date:
    return timezone.localdate()


# --- to-dos --------------------------------------------------------------------------------------


def todo_division(division: Division) -> Division:
    """Where a party committee officer answers for a record of `division`: the division itself
    when it is a province, city or county, else the nearest such ancestor."""
    levels = ROLE_LEVELS[Role.PARTY_COMMITTEE_OFFICER]
    if division.level in levels:
        return division
    ancestors = Division.objects.in_bulk(division.ancestor_codes)
    for code in reversed(division.ancestor_codes):
        if code in ancestors and ancestors[code].level in levels:
            return ancestors[code]
    return division


def working_days_until(start: date, end: date) -> int:
    """The working days after `start` up to `end` (0 when `end` is not after `start`)."""
    if end <= start:
        return 0
    return workdays.working_days_between(start, end)


def member_url(member: PartyMember) -> str:
    return reverse("party:member_detail", args=[member.pk])


def _talk_todo(member: PartyMember, *, actor: Any) -> None:
    """细则第七条: the branch talks with the applicant within a month of the application."""
    if member.applied_on is None:
        return
    today = _today()
    due = rules.talk_due_on(member.applied_on)
    if due < today:
        return  # an old application entered after the fact: nothing left to remind
    todo_create(
        kind=TALK_TODO,
        title=_("与入党申请人%(name)s谈话（%(due)s前）") % {"name": member.name, "due": due},
        role=Role.PARTY_COMMITTEE_OFFICER,
        division=todo_division(member.division),
        working_days=working_days_until(today, due),
        subject=member,
        url=member_url(member),
        actor=actor,
    )


def probation_todo(member: PartyMember, *, ends_on: date, actor: Any, today: date) -> None:
    todo_create(
        kind=PROBATION_TODO,
        title=_("预备党员%(name)s的预备期将于%(end)s期满，请讨论转正")
        % {"name": member.name, "end": ends_on},
        role=Role.PARTY_COMMITTEE_OFFICER,
        division=todo_division(member.division),
        working_days=working_days_until(today, ends_on),
        starts_on=today,
        subject=member,
        url=member_url(member),
        actor=actor,
    )


# --- checking a record ---------------------------------------------------------------------------


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(str(message))


def _membership_division(member: PartyMember) -> Division | None:
    """The jurisdiction answering for a member: the branch's, else the employer's authority."""
    if member.branch is not None:
        return member.branch.division
    if member.employer is not None:
        return member.employer.registration_authority
    return None


def check_id_number(member: PartyMember, errors: dict[str, list[str]], warnings: list[str]) -> None:
    """GB 11643 checks, birth date and gender from the number, and one record per person."""
    if not member.id_number:
        _add(errors, "id_number", _("请填写身份证号码。"))
        return
    number = normalize(PersonalKind.ID_NUMBER, member.id_number)
    try:
        warnings.extend(validate_id_number(number))
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, "id_number", message)
        return
    member.id_number = number
    born = ric.get_birth_date(number)
    if member.birth_date is None:
        member.birth_date = born
    elif member.birth_date != born:
        _add(
            errors,
            "birth_date",
            _("出生日期 %(given)s 与身份证号码中的出生日期 %(born)s 不一致。")
            % {"given": member.birth_date, "born": born},
        )
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    if not member.gender:
        member.gender = gender
    elif member.gender != gender:
        warnings.append(_("性别与身份证号码第17位（单数为男，双数为女）不一致，请核对。"))
    taken = PartyMember.objects.filter(
        id_number_hash=hash_for_lookup(PersonalKind.ID_NUMBER, number)
    ).exclude(pk=member.pk)
    if taken.exists():
        _add(errors, "id_number", _("该身份证号码已登记为党员，同一人只能有一条记录。"))


def _check_bindings(
    member: PartyMember,
    *,
    actor: Any,
    original: PartyMember | None,
    errors: dict[str, list[str]],
) -> None:
    """The employer and branch must be ones the actor may choose; a member's branch changes by
    transfer once it has one."""
    creating = original is None
    employer_id = member.employer_id
    employer_changed = employer_id is not None and (
        creating or employer_id != original.employer_id  # type: ignore[union-attr]
    )
    if employer_changed and not employer_choices(actor).filter(pk=employer_id or 0).exists():
        _add(errors, "employer", _("不能选择该工作单位：它不在您的管辖范围内。"))
    if member.branch_id is not None and (
        creating or member.branch_id != original.branch_id  # type: ignore[union-attr]
    ):
        if not creating and original.branch_id is not None:  # type: ignore[union-attr]
            _add(
                errors,
                "branch",
                _("党员已在%(branch)s，变更所在党组织请办理组织关系转接。")
                % {"branch": original.branch},  # type: ignore[union-attr]
            )
        elif not branch_choices(actor).filter(pk=member.branch_id).exists():
            _add(errors, "branch", _("不能选择该党组织：它不在您的管辖范围内或已撤销。"))
    if member.branch_id is None and member.employer_id is None:
        _add(errors, "employer", _("工作单位和所在党组织至少填写一项。"))
    if not getattr(actor, "is_superuser", False):
        role = getattr(actor, "role", "")
        if role == Role.ORGANIZATION_ACCOUNT and member.employer_id != actor.organization_id:
            _add(errors, "employer", _("社会组织账号只能登记本单位的党员。"))
        if role == Role.BRANCH_SECRETARY and member.branch_id != actor.party_organization_id:
            _add(errors, "branch", _("党组织书记只能登记本党组织的党员。"))


def clean_member(
    member: PartyMember, *, actor: Any, original: PartyMember | None = None
) -> list[str]:
    """Check a record about to be saved; raise ValidationError with every problem at once, or
    return the warnings (doubtful but allowed)."""
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    if member.probation_extended_until is not None:
        member.probation_extended = True
    check_id_number(member, errors, warnings)
    _check_bindings(member, actor=actor, original=original, errors=errors)
    division = _membership_division(member)
    if division is not None:
        member.division = division
    exclude = ["id_number", "id_number_hash", "phone_hash", "division", "division_path"]
    if "id_number" in errors:
        # Birth date and gender come from a valid number: not "missing" on top of its error.
        exclude += [name for name in ("birth_date", "gender") if not getattr(member, name)]
    try:
        member.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                if message not in errors.get(key, []):
                    _add(errors, key, message)
    if member.stage and member.birth_date is not None:
        for finding in rules.stage_dates(member, today=_today()):
            _add(errors, NON_FIELD_ERRORS, str(finding))
    if errors:
        raise ValidationError(errors)
    return warnings


# --- registering and correcting ------------------------------------------------------------------


@transaction.atomic
def member_create(
    *,
    actor: Any,
    stage: str,
    sponsors: Iterable[PartyMember] = (),
    reason: str = "",
    **facts: Any,
) -> MemberResult:
    """Register a member at any stage, with the dates of the steps already taken (existing
    members are entered with their history; new applicants start at "applicant")."""
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown member facts: {sorted(unknown)}")
    member = PartyMember(stage=stage, **facts)
    warnings = clean_member(member, actor=actor)
    sponsors = list(sponsors)
    if sponsors and stage in (Stage.PROBATIONARY, Stage.FULL):
        finding = rules.candidate_sponsors(member, sponsors)
        if finding is not None and finding.rule == "development.sponsor_self":
            rules.refuse(finding, "sponsors")
    attribute(member, actor, reason or _("登记党员信息")).save()
    if sponsors:
        member.sponsors.set(sponsors)
    coverage_refresh([member.employer_id])
    if stage == Stage.APPLICANT:
        _talk_todo(member, actor=actor)
    return MemberResult(member, warnings)


@transaction.atomic
def member_update(
    *,
    actor: Any,
    member: PartyMember,
    sponsors: Iterable[PartyMember] | None = None,
    reason: str = "",
    **changes: Any,
) -> MemberResult:
    """Correct a member's facts. The stage moves only through member_advance; the branch, once
    set, through a transfer."""
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    original = PartyMember.objects.select_for_update().get(pk=member.pk)
    for key, value in changes.items():
        setattr(member, key, value)
    member.stage = original.stage
    member.status = original.status
    warnings = clean_member(member, actor=actor, original=original)
    attribute(member, actor, reason or _("更正党员信息")).save()
    if sponsors is not None:
        member.sponsors.set(list(sponsors))
    coverage_refresh([original.employer_id, member.employer_id])
    return MemberResult(member, warnings)


# --- the development workflow --------------------------------------------------------------------


def _require_stage(member: PartyMember, stage: str, to: str) -> None:
    """The member is on the roll and at `stage`, or the action conflicts with its state."""
    labels = dict(Stage.choices)
    if member.status != MemberStatus.ACTIVE:
        raise StageConflict(
            member,
            _("%(name)s已不在册（%(status)s），不能办理发展程序。")
            % {"name": member.name, "status": member.get_status_display()},
            to=to,
            allowed=(),
        )
    if member.stage != stage:
        following = rules.next_stage(member.stage)
        raise StageConflict(
            member,
            _(
                "%(name)s当前为“%(current)s”，发展程序只能逐级向前：下一步为“%(next)s”，"
                "不能办理“%(to)s”。"
            )
            % {
                "name": member.name,
                "current": labels[member.stage],
                "next": labels[following] if following else _("无（已是正式党员）"),
                "to": labels.get(to, to),
            },
            to=to,
            allowed=rules.STAGE_TRANSITIONS[member.stage],
        )


def _require_next(member: PartyMember, to: str) -> None:
    """Forward only, one step at a time."""
    previous = {after: before for before, after in pairwise(STAGE_ORDER)}
    _require_stage(member, previous.get(to, "-"), to)


def _check_step_date(member: PartyMember, on: date, *, today: date) -> None:
    previous_field = STAGE_DATE_FIELD[member.stage]
    previous = getattr(member, previous_field)
    field_name = "on"
    if on > today:
        raise ValidationError({field_name: [_("日期不能晚于今天。")]})
    if previous is not None and on < previous:
        raise ValidationError(
            {
                field_name: [
                    _("日期不能早于上一阶段的日期 %(day)s。") % {"day": previous.isoformat()}
                ]
            }
        )


@transaction.atomic
def member_advance(
    *,
    actor: Any,
    member: PartyMember,
    to: str,
    on: date,
    sponsors: Iterable[PartyMember] | None = None,
    training_hours: int | None = None,
    reason: str = "",
) -> MemberResult:
    """Move a member one step forward, on the date the step was decided, if the rules allow."""
    today = _today()
    member = (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("division", "branch", "employer")
        .get(pk=member.pk)
    )
    _require_next(member, to)
    _check_step_date(member, on, today=today)
    warnings: list[str] = []
    update_fields: list[str] = [STAGE_DATE_FIELD[to]]
    if to == Stage.ACTIVIST:
        pass  # chosen by the branch among applicants (细则第八条); no interval is fixed
    elif to == Stage.CANDIDATE:
        rules.refuse(rules.activist_period(member, on), "on")
    elif to == Stage.PROBATIONARY:
        if training_hours is not None:
            member.training_hours = training_hours
            update_fields.append("training_hours")
        rules.refuse(rules.candidate_training(member), "training_hours")
        chosen = list(sponsors) if sponsors is not None else list(member.sponsors.all())
        rules.refuse(rules.candidate_sponsors(member, chosen), "sponsors")
        if sponsors is not None:
            member.sponsors.set(chosen)
    elif to == Stage.FULL:
        rules.refuse(rules.probation_complete(member, on), "on")
        late = rules.full_on_time(member, on)
        if late is not None:
            warnings.append(str(late))
    setattr(member, STAGE_DATE_FIELD[to], on)
    labels = dict(Stage.choices)
    note = _("%(from)s → %(to)s（%(on)s）") % {
        "from": labels[member.stage],
        "to": labels[to],
        "on": on.isoformat(),
    }
    attribute(member, actor, reason or note)
    transition(
        member,
        to,
        actor=actor,
        reason=f"{note} {reason}".strip(),
        update_fields=tuple(update_fields),
        field="stage",
        table=rules.STAGE_TRANSITIONS,
    )
    if to == Stage.ACTIVIST:
        todos_complete_for(
            subject=member, kind=TALK_TODO, actor=actor, reason=_("已确定为入党积极分子")
        )
    if to == Stage.FULL:
        todos_complete_for(
            subject=member, kind=PROBATION_TODO, actor=actor, reason=_("已转为正式党员")
        )
    # Every member write: the full-member count moves on the last step only, but one query
    # per step keeps the rule simple to check.
    coverage_refresh([member.employer_id])
    return MemberResult(member, warnings)


@transaction.atomic
def member_extend_probation(
    *, actor: Any, member: PartyMember, months: int, on: date, reason: str
) -> MemberResult:
    """Extend a probation once, by 6 to 12 months (细则第三十二条); the branch is reminded to
    decide again when the extension ends."""
    today = _today()
    member = (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("division")
        .get(pk=member.pk)
    )
    _require_stage(member, Stage.PROBATIONARY, "extend")
    rules.refuse(rules.probation_extension(member, months), "months")
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写延长预备期的原因（支部大会决议）。")]})
    if on > today:
        raise ValidationError({"on": [_("日期不能晚于今天。")]})
    if member.probationary_on is not None and on < member.probationary_on:
        raise ValidationError({"on": [_("日期不能早于接收为预备党员的日期。")]})
    # A probationary record always has its date (rules.stage_dates refuses it otherwise).
    ends_on = rules.add_months(
        rules.add_years(member.probationary_on or on, rules.PROBATION_YEARS), months
    )
    member.probation_extended = True
    member.probation_extended_until = ends_on
    note = _("延长预备期%(months)d个月，至%(end)s（%(on)s决定）：%(reason)s") % {
        "months": months,
        "end": ends_on.isoformat(),
        "on": on.isoformat(),
        "reason": reason.strip(),
    }
    attribute(member, actor, note).save(
        update_fields=["probation_extended", "probation_extended_until"]
    )
    todos_complete_for(subject=member, kind=PROBATION_TODO, actor=actor, reason=note)
    probation_todo(member, ends_on=ends_on, actor=actor, today=today)
    coverage_refresh([member.employer_id])  # every member write (a no-op for the counts here)
    return MemberResult(member, [])


@transaction.atomic
def member_cancel_probation(
    *, actor: Any, member: PartyMember, on: date, reason: str
) -> MemberResult:
    """Cancel a probationary member's status (取消预备党员资格, 细则第三十二条): the member
    leaves the roll; the record and its history stay."""
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    _require_stage(member, Stage.PROBATIONARY, MemberStatus.CANCELLED)
    if not reason.strip():
        raise ValidationError({"reason": [_("请填写取消预备党员资格的原因（支部大会决议）。")]})
    if on > _today():
        raise ValidationError({"on": [_("日期不能晚于今天。")]})
    note = _("取消预备党员资格（%(on)s）：%(reason)s") % {
        "on": on.isoformat(),
        "reason": reason.strip(),
    }
    attribute(member, actor, note)
    transition(
        member,
        MemberStatus.CANCELLED,
        actor=actor,
        reason=note,
        field="status",
        table=rules.MEMBER_STATUS_TRANSITIONS,
    )
    todos_complete_for(subject=member, kind=PROBATION_TODO, actor=actor, reason=note)
    coverage_refresh([member.employer_id])
    return MemberResult(member, [])


def probation_reminders_raise(*, today: date | None = None, days: int | None = None) -> int:
    """Daily: a to-do for each probation (not extended) ending within `days` days (30 by
    default, SHEZHI_PARTY_PROBATION_NOTICE_DAYS), once. Extended probations got theirs when the
    extension was decided. Returns how many to-dos were raised."""
    from django.contrib.contenttypes.models import ContentType

    from shezhi.core.models import Todo

    today = today or _today()
    days = rules.probation_notice_days() if days is None else days
    due = PartyMember.objects.filter(rules.probation_ending_q(today, days)).select_related(
        "division"
    )
    member_type = ContentType.objects.get_for_model(PartyMember)
    # Once per probation: any to-do of the kind about the member, open or closed, counts.
    reminded = set(
        Todo.objects.filter(kind=PROBATION_TODO, subject_type=member_type).values_list(
            "subject_id", flat=True
        )
    )
    raised = 0
    for member in due.iterator(chunk_size=500):
        if str(member.pk) in reminded or member.probationary_on is None:
            continue
        ends_on = rules.add_years(member.probationary_on, rules.PROBATION_YEARS)
        with transaction.atomic():
            probation_todo(member, ends_on=ends_on, actor=None, today=today)
        raised += 1
    return raised
