"""Domain rules of party building, each a named function with its source (shared/DOMAIN.md §4).

A rule answers with a `Finding` (rule code, message an officer can act on, citation) or None.
Services refuse a step with the finding's message (`RuleRefused`, 422 in the API); pages list
findings; the statistics compute them for whole divisions through the `*_q` builders. When a rule
changes, it changes here once: the numbers sit in the constants beside their source.

Sources. 细则 = 《中国共产党发展党员工作细则》(中共中央办公厅 2014年6月印发). Article numbers were
checked against published reprints of the 2014 text: 第五条 (age 18), 第七条 (talk within one
month), 第十二条 (one year as activist), 第十三条 (two full members as sponsors), 第十七条
(training), 第三十二条 (one-year probation; extension once, at least half a year and at most a
year; or cancellation). 党章 = 《中国共产党章程》(2022): 第五条 (two full members as sponsors),
第七条 (probation), 第八条 (every member in a branch). Where a number is local practice rather than
a rule ([P]/[U] in DOMAIN.md) it is a setting, named below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import STAGE_DATE_FIELD, STAGE_ORDER, MemberStatus, Stage

DEVELOPMENT = gettext_lazy("《中国共产党发展党员工作细则》")
CONSTITUTION = gettext_lazy("《中国共产党章程》")


@dataclass(frozen=True)
class Citation:
    source: Any  # a lazy title, e.g. 《中国共产党发展党员工作细则》
    article: Any  # e.g. 第五条

    def __str__(self) -> str:
        return f"{self.source}{self.article}"


@dataclass(frozen=True)
class Finding:
    """What a rule says about one subject (a member, a transfer, an organization)."""

    rule: str  # stable code, e.g. "development.applicant_age"
    message: str  # for an officer, in the user's language
    citation: str
    subject: Any = None
    # "refusal": the step cannot be taken; "warning": it can, but someone should look.
    severity: str = "refusal"

    def __str__(self) -> str:
        return f"{self.message}（{_('依据')}：{self.citation}）"


class RuleRefused(ValidationError):
    """A step a rule forbids (the API answers 422; a wrong state answers 409 instead)."""

    def __init__(self, finding: Finding, field: str | None = None) -> None:
        self.finding = finding
        message = str(finding)
        super().__init__({field: [message]} if field else message, code=finding.rule)


def refuse(finding: Finding | None, field: str | None = None) -> None:
    if finding is not None and finding.severity == "refusal":
        raise RuleRefused(finding, field)


# --------------------------------------------------------------------------------------------
# Citations, one place each

AGE_CITATION = Citation(DEVELOPMENT, gettext_lazy("第五条"))
TALK_CITATION = Citation(DEVELOPMENT, gettext_lazy("第七条"))
ACTIVIST_CITATION = Citation(DEVELOPMENT, gettext_lazy("第十二条"))
SPONSOR_CITATION = Citation(DEVELOPMENT, gettext_lazy("第十三条"))
TRAINING_CITATION = Citation(DEVELOPMENT, gettext_lazy("第十七条"))
PROBATION_CITATION = Citation(DEVELOPMENT, gettext_lazy("第三十二条"))
BRANCH_CITATION = Citation(CONSTITUTION, gettext_lazy("第八条"))
ORDER_CITATION = Citation(DEVELOPMENT, gettext_lazy("第四章至第六章（发展程序）"))
# DOMAIN.md §4 [P]: the letter's validity is set locally (about three months), hence a setting.
TRANSFER_CITATION = Citation(
    gettext_lazy("党员组织关系介绍信"), gettext_lazy("有效期（各地规定，一般约三个月）")
)

# --------------------------------------------------------------------------------------------
# The numbers

MIN_AGE = 18  # 细则第五条: 年满十八岁
TALK_WITHIN_MONTHS = 1  # 细则第七条: 一个月内派人谈话
ACTIVIST_MIN_YEARS = 1  # 细则第十二条: 经过一年以上培养教育和考察
SPONSORS = 2  # 细则第十三条, 党章第五条: 两名正式党员作入党介绍人
# 细则第十七条: 培训时间一般不少于三天（或不少于二十四个学时）. Stored as hours; a day counts
# as eight hours, so three days and 24 hours are the same threshold.
TRAINING_MIN_HOURS = 24
PROBATION_YEARS = 1  # 细则第三十二条, 党章第七条: 预备期为一年
# 细则第三十二条: 可以延长一次预备期，延长时间不能少于半年，最长不超过一年.
EXTENSION_MIN_MONTHS = 6
EXTENSION_MAX_MONTHS = 12

# [P]/[U] local practice, settings so a province can change them:
# transfer letters are valid about three months (DOMAIN.md §4 [P]);
DEFAULT_TRANSFER_LETTER_MONTHS = 3
# the receiving side decides within this many working days [U];
DEFAULT_TRANSFER_DECIDE_WORKING_DAYS = 10
# a to-do warns the branch this many days before a probation ends [U];
DEFAULT_PROBATION_NOTICE_DAYS = 30
# an activist kept this long without becoming a candidate is flagged for review [U];
DEFAULT_ACTIVIST_REVIEW_YEARS = 3
# a promotion decided within this many days after the probation ends counts as on time (the
# branch meets after the end; 细则第三十二条 says "及时") [U].
DEFAULT_PROMOTION_GRACE_DAYS = 30


def transfer_letter_months() -> int:
    return int(
        getattr(settings, "SHEZHI_PARTY_TRANSFER_LETTER_MONTHS", DEFAULT_TRANSFER_LETTER_MONTHS)
    )


def transfer_decide_working_days() -> int:
    return int(
        getattr(
            settings,
            "SHEZHI_PARTY_TRANSFER_DECIDE_WORKING_DAYS",
            DEFAULT_TRANSFER_DECIDE_WORKING_DAYS,
        )
    )


def probation_notice_days() -> int:
    return int(
        getattr(settings, "SHEZHI_PARTY_PROBATION_NOTICE_DAYS", DEFAULT_PROBATION_NOTICE_DAYS)
    )


def promotion_grace_days() -> int:
    return int(getattr(settings, "SHEZHI_PARTY_PROMOTION_GRACE_DAYS", DEFAULT_PROMOTION_GRACE_DAYS))


def activist_review_years() -> int:
    return int(
        getattr(settings, "SHEZHI_PARTY_ACTIVIST_REVIEW_YEARS", DEFAULT_ACTIVIST_REVIEW_YEARS)
    )


# --------------------------------------------------------------------------------------------
# Calendar helpers


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _d(day: date) -> str:
    return day.isoformat()


# --------------------------------------------------------------------------------------------
# The development workflow: forward only, one step at a time

# The gate for `core.workflows.transition(member, to, field="stage", table=STAGE_TRANSITIONS)`.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    stage: ({STAGE_ORDER[i + 1]} if i + 1 < len(STAGE_ORDER) else set())
    for i, stage in enumerate(STAGE_ORDER)
}
# A probationary member whose probation is cancelled leaves the roll (细则第三十二条).
MEMBER_STATUS_TRANSITIONS: dict[str, set[str]] = {
    MemberStatus.ACTIVE: {MemberStatus.CANCELLED, MemberStatus.LEFT, MemberStatus.DECEASED},
    MemberStatus.CANCELLED: set(),
    MemberStatus.LEFT: set(),
    MemberStatus.DECEASED: set(),
}


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


def applicant_age(member: Any, applied_on: date) -> Finding | None:
    """Only someone 18 or older may apply (细则第五条)."""
    if member.birth_date is None or applied_on is None:
        return None
    if age_on(member.birth_date, applied_on) >= MIN_AGE:
        return None
    return Finding(
        "development.applicant_age",
        _(
            "递交入党申请书时应年满%(age)d周岁：出生日期 %(birth)s，"
            "申请日期 %(on)s，最早可于 %(earliest)s 申请。"
        )
        % {
            "age": MIN_AGE,
            "birth": _d(member.birth_date),
            "on": _d(applied_on),
            "earliest": _d(add_years(member.birth_date, MIN_AGE)),
        },
        str(AGE_CITATION),
        member,
    )


def talk_due_on(applied_on: date) -> date:
    """The branch talks with an applicant within one month of receiving the application
    (细则第七条). A to-do, not a refusal: the talk itself is not a recorded step."""
    return add_months(applied_on, TALK_WITHIN_MONTHS)


def activist_period(member: Any, candidate_on: date) -> Finding | None:
    """An activist becomes a candidate after at least a year of education (细则第十二条)."""
    if member.activist_on is None:
        return Finding(
            "development.activist_date_missing",
            _("缺少确定为入党积极分子的日期，无法核对一年以上的培养考察期。"),
            str(ACTIVIST_CITATION),
            member,
        )
    earliest = add_years(member.activist_on, ACTIVIST_MIN_YEARS)
    if candidate_on >= earliest:
        return None
    return Finding(
        "development.activist_period",
        _(
            "入党积极分子须经过一年以上培养教育和考察：确定为积极分子于 %(since)s，"
            "最早可于 %(earliest)s 列为发展对象。"
        )
        % {"since": _d(member.activist_on), "earliest": _d(earliest)},
        str(ACTIVIST_CITATION),
        member,
    )


def candidate_training(member: Any) -> Finding | None:
    """A candidate attends short-term training of 3 days or 24 hours (细则第十七条)."""
    if (member.training_hours or 0) >= TRAINING_MIN_HOURS:
        return None
    return Finding(
        "development.training",
        _("发展对象须参加不少于三天（或不少于%(hours)d学时）的集中培训，当前记录为 %(done)d 学时。")
        % {"hours": TRAINING_MIN_HOURS, "done": member.training_hours or 0},
        str(TRAINING_CITATION),
        member,
    )


def candidate_sponsors(member: Any, sponsors: Iterable[Any]) -> Finding | None:
    """Two sponsors, both full members on the roll, neither the candidate (细则第十三条,
    党章第五条)."""
    sponsors = list(sponsors)
    citation = f"{SPONSOR_CITATION}；{CONSTITUTION}{_('第五条')}"
    if any(s.pk == member.pk for s in sponsors):
        return Finding(
            "development.sponsor_self",
            _("本人不能作自己的入党介绍人。"),
            citation,
            member,
        )
    not_full = [
        s for s in sponsors if not (s.stage == Stage.FULL and s.status == MemberStatus.ACTIVE)
    ]
    if not_full:
        return Finding(
            "development.sponsor_not_full",
            _("入党介绍人应为正式党员：%(names)s 不是在册的正式党员。")
            % {"names": "、".join(s.name for s in not_full)},
            citation,
            member,
        )
    if len({s.pk for s in sponsors}) != SPONSORS:
        return Finding(
            "development.sponsors",
            _("发展对象应当有两名正式党员作入党介绍人，当前为 %(n)d 名。") % {"n": len(sponsors)},
            citation,
            member,
        )
    return None


def probation_earliest_end(member: Any) -> date | None:
    """The first day a probationary member may become a full member: one year after the branch
    meeting, or the end of the extension once extended (细则第三十二条)."""
    if member.probationary_on is None:
        return None
    if member.probation_extended_until is not None:
        return member.probation_extended_until
    end = add_years(member.probationary_on, PROBATION_YEARS)
    if member.probation_extended:  # an extension recorded without its end (older records)
        end = add_months(end, EXTENSION_MIN_MONTHS)
    return end


def probation_latest_end(member: Any) -> date | None:
    """The day the probation ends at the latest: one year, or the extension's end."""
    if member.probationary_on is None:
        return None
    if member.probation_extended_until is not None:
        return member.probation_extended_until
    end = add_years(member.probationary_on, PROBATION_YEARS)
    if member.probation_extended:
        end = add_months(end, EXTENSION_MAX_MONTHS)
    return end


def extension_window(probationary_on: date) -> tuple[date, date]:
    """Where an extended probation may end: half a year to a year after the first year."""
    first_year = add_years(probationary_on, PROBATION_YEARS)
    return add_months(first_year, EXTENSION_MIN_MONTHS), add_months(
        first_year, EXTENSION_MAX_MONTHS
    )


def extension_record(member: Any) -> Finding | None:
    """A recorded extension ends 6 to 12 months after the first year (细则第三十二条)."""
    until = member.probation_extended_until
    if until is None:
        return None
    if member.probationary_on is None or member.stage not in (Stage.PROBATIONARY, Stage.FULL):
        return Finding(
            "record.extension_without_probation",
            _("只有预备党员（或已转正的党员）才有延长预备期的记录。"),
            str(PROBATION_CITATION),
            member,
        )
    low, high = extension_window(member.probationary_on)
    if not low <= until <= high:
        return Finding(
            "development.extension_length",
            _(
                "预备期延长至 %(until)s 不符合规定：延长不能少于半年，最长不超过一年，"
                "即应在 %(low)s 至 %(high)s 之间。"
            )
            % {"until": _d(until), "low": _d(low), "high": _d(high)},
            str(PROBATION_CITATION),
            member,
        )
    return None


def probation_complete(member: Any, full_on: date) -> Finding | None:
    """A probationary member becomes a full member only when the probation is over."""
    earliest = probation_earliest_end(member)
    if earliest is None:
        return Finding(
            "development.probation_date_missing",
            _("缺少接收为预备党员的日期，无法核对预备期。"),
            str(PROBATION_CITATION),
            member,
        )
    if full_on >= earliest:
        return None
    if member.probation_extended:
        message = _("预备期已延长（至少半年），最早可于 %(earliest)s 转为正式党员。")
    else:
        message = _(
            "预备党员的预备期为一年，自 %(since)s 起算，最早可于 %(earliest)s 转为正式党员。"
        )
    return Finding(
        "development.probation_period",
        message % {"since": _d(member.probationary_on), "earliest": _d(earliest)},
        f"{PROBATION_CITATION}；{CONSTITUTION}{_('第七条')}",
        member,
    )


def full_on_time(member: Any, full_on: date) -> Finding | None:
    """按期转正: the branch discusses the promotion when the probation ends. Late is allowed,
    but flagged (a warning, not a refusal)."""
    latest = probation_latest_end(member)
    if latest is None or full_on <= latest + timedelta(days=promotion_grace_days()):
        return None
    return Finding(
        "development.full_late",
        _("预备期已于 %(end)s 期满，转正日期 %(on)s 晚于期满日，请在转正材料中说明原因。")
        % {"end": _d(latest), "on": _d(full_on)},
        str(PROBATION_CITATION),
        member,
        severity="warning",
    )


def probation_extension(member: Any, months: int) -> Finding | None:
    """A probation may be extended once, by at least half a year and at most one year."""
    if member.probation_extended:
        return Finding(
            "development.extension_twice",
            _("预备期只能延长一次，该预备党员的预备期已延长过。"),
            str(PROBATION_CITATION),
            member,
        )
    if not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        return Finding(
            "development.extension_length",
            _("延长预备期不能少于半年，最长不超过一年（%(min)d至%(max)d个月），当前为 %(n)d 个月。")
            % {"min": EXTENSION_MIN_MONTHS, "max": EXTENSION_MAX_MONTHS, "n": months},
            str(PROBATION_CITATION),
            member,
        )
    return None


# --------------------------------------------------------------------------------------------
# A record's stage and dates, checked as a whole (forms, API, import)


def stage_dates(member: Any, *, today: date) -> list[Finding]:
    """The dates of a record must tell the story of its stage: the current stage's date is
    known, no later stage has a date, dates run in order and none lies in the future; and the
    intervals the rules fix hold where both ends are known."""
    findings: list[Finding] = []
    citation = str(ORDER_CITATION)
    stage = member.stage
    if stage not in STAGE_ORDER:
        return findings
    reached = STAGE_ORDER[: stage_index(stage) + 1]
    labels = dict(Stage.choices)
    own = getattr(member, STAGE_DATE_FIELD[stage])
    if own is None:
        findings.append(
            Finding(
                "record.stage_date_missing",
                _("发展阶段为“%(stage)s”，须填写%(field)s。")
                % {"stage": labels[stage], "field": _stage_date_label(stage)},
                citation,
                member,
            )
        )
    for later in STAGE_ORDER[stage_index(stage) + 1 :]:
        if getattr(member, STAGE_DATE_FIELD[later]) is not None:
            findings.append(
                Finding(
                    "record.later_stage_date",
                    _("发展阶段为“%(stage)s”，不应填写%(field)s。")
                    % {"stage": labels[stage], "field": _stage_date_label(later)},
                    citation,
                    member,
                )
            )
    previous: tuple[str, date] | None = None
    for step in reached:
        day = getattr(member, STAGE_DATE_FIELD[step])
        if day is None:
            continue
        if day > today:
            findings.append(
                Finding(
                    "record.future_date",
                    _("%(field)s %(day)s 晚于今天。")
                    % {"field": _stage_date_label(step), "day": _d(day)},
                    citation,
                    member,
                )
            )
        if member.birth_date is not None and day < member.birth_date:
            findings.append(
                Finding(
                    "record.before_birth",
                    _("%(field)s %(day)s 早于出生日期。")
                    % {"field": _stage_date_label(step), "day": _d(day)},
                    citation,
                    member,
                )
            )
        if previous is not None and day < previous[1]:
            findings.append(
                Finding(
                    "record.date_order",
                    _("%(field)s %(day)s 早于%(previous)s %(previous_day)s：各阶段日期应依次递进。")
                    % {
                        "field": _stage_date_label(step),
                        "day": _d(day),
                        "previous": _stage_date_label(previous[0]),
                        "previous_day": _d(previous[1]),
                    },
                    citation,
                    member,
                )
            )
        previous = (step, day)
    if member.applied_on is not None:
        findings.append(applicant_age(member, member.applied_on))  # type: ignore[arg-type]
    elif member.probationary_on is not None and member.birth_date is not None:
        # Without the application date, at least the admission must follow the 18th birthday.
        findings.append(applicant_age(member, member.probationary_on))  # type: ignore[arg-type]
    if member.candidate_on is not None and member.activist_on is not None:
        findings.append(activist_period(member, member.candidate_on))  # type: ignore[arg-type]
    findings.append(extension_record(member))  # type: ignore[arg-type]
    if member.full_on is not None and member.probationary_on is not None:
        findings.append(probation_complete(member, member.full_on))  # type: ignore[arg-type]
    return [finding for finding in findings if finding is not None]


def _stage_date_label(stage: str) -> str:
    from .models import PartyMember

    field = PartyMember._meta.get_field(STAGE_DATE_FIELD[stage])
    return str(getattr(field, "verbose_name", stage))


# --------------------------------------------------------------------------------------------
# Findings about members, for pages and for whole divisions


def member_without_branch(member: Any) -> Finding | None:
    """Every member belongs to a branch (党章第八条)."""
    if member.branch_id is not None or member.status != MemberStatus.ACTIVE:
        return None
    if member.stage not in (Stage.PROBATIONARY, Stage.FULL):
        return None
    return Finding(
        "member.without_branch",
        _("党员 %(name)s 未编入党的支部或其他特定组织。") % {"name": member.name},
        str(BRANCH_CITATION),
        member,
        severity="warning",
    )


def member_without_branch_q() -> Q:
    return Q(
        branch__isnull=True,
        status=MemberStatus.ACTIVE,
        stage__in=[Stage.PROBATIONARY, Stage.FULL],
    )


def probation_overdue(member: Any, *, today: date) -> Finding | None:
    """The probation is over and the branch has not decided (转正、延长或取消, 细则第三十二条)."""
    if member.stage != Stage.PROBATIONARY or member.status != MemberStatus.ACTIVE:
        return None
    latest = probation_latest_end(member)
    if latest is None or today <= latest + timedelta(days=promotion_grace_days()):
        return None
    return Finding(
        "member.probation_overdue",
        _(
            "预备党员 %(name)s 的预备期已于 %(end)s 期满，"
            "党支部应及时讨论转正、延长预备期或取消预备党员资格。"
        )
        % {"name": member.name, "end": _d(latest)},
        str(PROBATION_CITATION),
        member,
        severity="warning",
    )


def probation_overdue_q(today: date) -> Q:
    """Members whose probation (or its extension) ended more than the grace period before
    `today` without a decision (see probation_overdue)."""
    cutoff = today - timedelta(days=promotion_grace_days())
    one_year_before = add_years(cutoff, -PROBATION_YEARS)
    extended_before = add_months(one_year_before, -EXTENSION_MAX_MONTHS)
    return Q(stage=Stage.PROBATIONARY, status=MemberStatus.ACTIVE) & (
        Q(probation_extended=False, probationary_on__lt=one_year_before)
        | Q(probation_extended=True, probation_extended_until__lt=cutoff)
        | Q(
            probation_extended=True,
            probation_extended_until__isnull=True,
            probationary_on__lt=extended_before,
        )
    )


def probation_ending_q(today: date, days: int) -> Q:
    """Probationary members whose (unextended) year ends within `days` from today."""
    return Q(
        stage=Stage.PROBATIONARY,
        status=MemberStatus.ACTIVE,
        probation_extended=False,
        probationary_on__lte=add_years(today + timedelta(days=days), -PROBATION_YEARS),
        probationary_on__gte=add_years(today, -PROBATION_YEARS),
    )


def activist_review_due(member: Any, *, today: date) -> Finding | None:
    """An activist kept for years without becoming a candidate [U: SHEZHI_PARTY_ACTIVIST_REVIEW_
    YEARS]: the branch reviews whether to go on (细则第十一条 asks for a review every half year)."""
    if member.stage != Stage.ACTIVIST or member.status != MemberStatus.ACTIVE:
        return None
    if member.activist_on is None:
        return None
    years = activist_review_years()
    if today < add_years(member.activist_on, years):
        return None
    return Finding(
        "member.activist_overdue",
        _(
            "%(name)s 自 %(since)s 起为入党积极分子，已超过 %(years)d 年未列为发展对象，"
            "请党支部研究是否继续培养。"
        )
        % {"name": member.name, "since": _d(member.activist_on), "years": years},
        str(Citation(DEVELOPMENT, gettext_lazy("第十一条"))),
        member,
        severity="warning",
    )


def activist_review_due_q(today: date) -> Q:
    return Q(
        stage=Stage.ACTIVIST,
        status=MemberStatus.ACTIVE,
        activist_on__lte=add_years(today, -activist_review_years()),
    )


def member_findings(member: Any, *, today: date) -> list[Finding]:
    """Everything the rules say about one member now (the detail page's check list)."""
    found = [
        member_without_branch(member),
        probation_overdue(member, today=today),
        activist_review_due(member, today=today),
    ]
    found += stage_dates(member, today=today)
    return [finding for finding in found if finding is not None]


# --------------------------------------------------------------------------------------------
# Transfers


def transfer_valid_until(sent_on: date) -> date:
    """The last day the transfer letter is valid: about three months [P], a setting."""
    return add_months(sent_on, transfer_letter_months()) - timedelta(days=1)


def transfer_letter_expired(transfer: Any, on: date) -> Finding | None:
    """A letter past its validity cannot be received: the sending side cancels and issues a
    new one (the sending organization stays responsible until the member is received)."""
    if on <= transfer.valid_until:
        return None
    return Finding(
        "transfer.letter_expired",
        _("组织关系介绍信已于 %(until)s 过期，不能接收；请转出党组织撤销后重新开具。")
        % {"until": _d(transfer.valid_until)},
        str(TRANSFER_CITATION),
        transfer,
    )


def transfer_target(member: Any, to_branch: Any) -> Finding | None:
    if to_branch.pk == member.branch_id:
        return Finding(
            "transfer.same_branch",
            _("转入党组织与党员现所在党组织相同。"),
            str(TRANSFER_CITATION),
            member,
        )
    return None
