"""Findings for a whole division: every rule about coverage, party organizations and members,
computed as queries over the division's records so an officer sees each case and why.

Each `FindingRule` pairs a rule code with its citation, the query that finds its cases (the `*_q`
builders of rules.py for members; the ones below for organizations, each with its source) and
the message for one case. The statistics page lists them, the API pages through them
(`GET /api/v1/party/findings?division=`) and the export writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shezhi.core.models import Division
from shezhi.core.scoping import prefix_q
from shezhi.social_orgs.models import LIVE_STATUSES, SocialOrganization

from . import rules
from .models import (
    MemberStatus,
    PartyMember,
    PartyOrganization,
    PartyOrgKind,
    PartyOrgStatus,
    Stage,
)
from .rules import CONSTITUTION, Citation

OPINION = gettext_lazy("《关于加强社会组织党的建设工作的意见（试行）》（中办发〔2015〕51号）")
BRANCH_WORK = gettext_lazy("《中国共产党支部工作条例（试行）》（2018）")

# DOMAIN.md §0, §4: the thresholds, each beside its source.
FULL_MEMBERS_FOR_OWN_ORGANIZATION = 3  # 党章第三十条: 正式党员三人以上的，都应当成立党的基层组织
JOINT_BRANCH_MAX_UNITS = 5  # DOMAIN.md §0: 联合党支部一般不超过5个单位 [P]
BRANCH_SUGGEST_GENERAL = 50  # 支部工作条例: 党支部党员人数一般不超过50名
COMMITTEE_MEMBERS = 100  # 党员100人以上的，经上级党组织批准可以设立党的基层委员会 [C/P]
BRANCH_COMMITTEE_FULL_MEMBERS = 7  # 支部工作条例: 正式党员7人以上的党支部设立支部委员会
MIN_COMMITTEE_SEATS = 3  # 支部委员会由3至5人组成，一般不超过7人


@dataclass(frozen=True)
class FindingRule:
    code: str
    title: Any
    citation: Citation
    # The subjects with this finding inside a division (unscoped: the caller scopes by division).
    cases: Callable[[Division, date], QuerySet[Any]]
    message: Callable[[Any], str]
    subject_url: Callable[[Any], str]


def _orgs(division: Division) -> QuerySet[SocialOrganization]:
    return SocialOrganization.objects.filter(
        prefix_q("authority_path", division.path), status__in=LIVE_STATUSES
    )


def _party_orgs(division: Division) -> QuerySet[PartyOrganization]:
    return PartyOrganization.objects.in_social_orgs().filter(
        prefix_q("division_path", division.path), status=PartyOrgStatus.ACTIVE
    )


def _members(division: Division) -> QuerySet[PartyMember]:
    return PartyMember.objects.filter(prefix_q("division_path", division.path))


def own_organization_q() -> Q:
    """Covered by an active party organization of its own (not a joint branch)."""
    return Q(
        party_coverage__party_organization__status=PartyOrgStatus.ACTIVE,
        organization_covered=True,
    ) & ~Q(party_coverage__party_organization__kind=PartyOrgKind.JOINT_BRANCH)


def needs_own_organization_q() -> Q:
    """Three or more full members and no party organization of its own (党章第三十条)."""
    return Q(full_member_count__gte=FULL_MEMBERS_FOR_OWN_ORGANIZATION) & ~own_organization_q()


def no_work_coverage_q() -> Q:
    """Fewer than three full members, in no party organization and with no instructor: party
    work does not reach it (中办发〔2015〕51号, the "two coverages")."""
    return Q(
        full_member_count__lt=FULL_MEMBERS_FOR_OWN_ORGANIZATION,
        organization_covered=False,
        has_instructor=False,
    )


def _term_expired_q(today: date) -> Q:
    """The committee's term is over and no re-election has been recorded (党章第三十条: 每届任期
    三年至五年; DOMAIN.md §4)."""
    condition = Q()
    for years in (3, 5):
        condition |= Q(term_years=years, term_started_on__lt=rules.add_years(today, -years))
    return condition


def _org_url(org: SocialOrganization) -> str:
    return reverse("social_orgs:detail", args=[org.credit_code])


def _party_url(party_org: PartyOrganization) -> str:
    return reverse("party:organization_detail", args=[party_org.pk])


def _member_url(member: PartyMember) -> str:
    return reverse("party:member_detail", args=[member.pk])


RULES: tuple[FindingRule, ...] = (
    FindingRule(
        "coverage.needs_own_organization",
        gettext_lazy("正式党员3人以上未单独建立党组织"),
        Citation(CONSTITUTION, gettext_lazy("第三十条")),
        lambda division, today: _orgs(division).filter(needs_own_organization_q()),
        lambda org: (
            _("%(name)s 有正式党员 %(n)d 名，应单独建立党组织。")
            % {"name": org.name, "n": org.full_member_count}
        ),
        _org_url,
    ),
    FindingRule(
        "coverage.no_work_coverage",
        gettext_lazy("不足3名正式党员且未纳入联合党支部、未选派党建指导员"),
        Citation(OPINION, gettext_lazy("“两个覆盖”")),
        lambda division, today: _orgs(division).filter(no_work_coverage_q()),
        lambda org: (
            _("%(name)s 既未纳入党组织，也未选派党建指导员，党的工作尚未覆盖。")
            % {"name": org.name}
        ),
        _org_url,
    ),
    FindingRule(
        "party.joint_branch_too_large",
        gettext_lazy("联合党支部覆盖单位超过5个"),
        Citation(OPINION, gettext_lazy("联合组建")),
        lambda division, today: (
            _party_orgs(division)
            .filter(kind=PartyOrgKind.JOINT_BRANCH)
            .annotate(units=Count("coverages"))
            .filter(units__gt=JOINT_BRANCH_MAX_UNITS)
        ),
        lambda p: (
            _("%(name)s 覆盖 %(n)d 个单位，联合党支部一般不超过 %(max)d 个。")
            % {"name": p.name, "n": p.units, "max": JOINT_BRANCH_MAX_UNITS}
        ),
        _party_url,
    ),
    FindingRule(
        "party.branch_too_large",
        gettext_lazy("党支部党员超过50人"),
        Citation(BRANCH_WORK, gettext_lazy("（党支部党员人数一般不超过50名）")),
        lambda division, today: (
            _party_orgs(division)
            .filter(kind__in=[PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH])
            .annotate(n=Count("members", filter=Q(members__status=MemberStatus.ACTIVE)))
            .filter(n__gt=BRANCH_SUGGEST_GENERAL)
        ),
        lambda p: (
            (
                _("%(name)s 有党员 %(n)d 名，达到100名可经批准设立党的基层委员会。")
                if p.n >= COMMITTEE_MEMBERS
                else _("%(name)s 有党员 %(n)d 名，超过50名，可设立党的总支部委员会。")
            )
            % {"name": p.name, "n": p.n}
        ),
        _party_url,
    ),
    FindingRule(
        "party.no_branch_committee",
        gettext_lazy("正式党员7人以上未设支部委员会"),
        Citation(BRANCH_WORK, gettext_lazy("（正式党员7人以上的党支部设立支部委员会）")),
        lambda division, today: (
            _party_orgs(division)
            .filter(kind__in=[PartyOrgKind.BRANCH, PartyOrgKind.JOINT_BRANCH])
            .annotate(
                full=Count(
                    "members",
                    filter=Q(members__status=MemberStatus.ACTIVE, members__stage=Stage.FULL),
                    distinct=True,
                ),
                seats=Count(
                    "posts",
                    filter=Q(posts__until__isnull=True),
                    distinct=True,
                ),
            )
            .filter(full__gte=BRANCH_COMMITTEE_FULL_MEMBERS, seats__lt=MIN_COMMITTEE_SEATS)
        ),
        lambda p: (
            _("%(name)s 有正式党员 %(n)d 名，应设立支部委员会（委员3至5人）。")
            % {"name": p.name, "n": p.full}
        ),
        _party_url,
    ),
    FindingRule(
        "party.term_expired",
        gettext_lazy("党组织任期届满未换届"),
        Citation(CONSTITUTION, gettext_lazy("第三十条（基层委员会每届任期三年至五年）")),
        lambda division, today: _party_orgs(division).filter(_term_expired_q(today)),
        lambda p: (
            _("%(name)s 本届任期已于 %(end)s 届满，应按期换届。")
            % {"name": p.name, "end": p.term_ends_on}
        ),
        _party_url,
    ),
    FindingRule(
        "member.probation_overdue",
        gettext_lazy("预备期满未及时讨论转正"),
        rules.PROBATION_CITATION,
        lambda division, today: _members(division).filter(rules.probation_overdue_q(today)),
        lambda m: _("预备党员 %(name)s 预备期已满，党支部应及时讨论。") % {"name": m.name},
        _member_url,
    ),
    FindingRule(
        "member.activist_overdue",
        gettext_lazy("入党积极分子长期未列为发展对象"),
        Citation(rules.DEVELOPMENT, gettext_lazy("第十一条")),
        lambda division, today: _members(division).filter(rules.activist_review_due_q(today)),
        lambda m: _("%(name)s 为入党积极分子已超过规定年限，请党支部研究。") % {"name": m.name},
        _member_url,
    ),
    FindingRule(
        "member.without_branch",
        gettext_lazy("党员未编入党支部"),
        rules.BRANCH_CITATION,
        lambda division, today: _members(division).filter(rules.member_without_branch_q()),
        lambda m: _("党员 %(name)s 未编入党的支部或其他特定组织。") % {"name": m.name},
        _member_url,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class DivisionFinding:
    rule: FindingRule
    subject: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.code,
            "title": str(self.rule.title),
            "citation": str(self.rule.citation),
            "subject_type": self.subject._meta.label_lower,
            "subject_id": self.subject.pk,
            "subject_name": str(self.subject),
            "url": self.rule.subject_url(self.subject),
            "message": self.message,
        }


def finding_counts(division: Division, *, today: date) -> dict[str, int]:
    """How many cases each rule finds inside the division: one query per rule."""
    return {rule.code: rule.cases(division, today).order_by().count() for rule in RULES}


def findings(
    division: Division,
    *,
    today: date,
    rule: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[int, list[DivisionFinding]]:
    """The findings inside a division, rule after rule, paged across rules."""
    chosen = [RULES_BY_CODE[rule]] if rule else list(RULES)
    counts = [(r, r.cases(division, today).order_by().count()) for r in chosen]
    total = sum(n for _r, n in counts)
    items: list[DivisionFinding] = []
    remaining = limit if limit is not None else total
    skip = offset
    for r, n in counts:
        if remaining <= 0:
            break
        if skip >= n:
            skip -= n
            continue
        page = r.cases(division, today).order_by("pk")[skip : skip + remaining]
        items += [DivisionFinding(r, subject, r.message(subject)) for subject in page]
        remaining -= len(page)
        skip = 0
    return total, items


def iter_findings(division: Division, *, today: date) -> Iterator[DivisionFinding]:
    """Every finding, streamed (for the export)."""
    for r in RULES:
        for subject in r.cases(division, today).order_by("pk").iterator(chunk_size=2000):
            yield DivisionFinding(r, subject, r.message(subject))
