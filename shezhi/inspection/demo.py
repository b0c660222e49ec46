"""Demo seeding step `inspection` (order 80, after the party steps): three years of annual
inspections and annual work reports, written through the services (STYLE §3), so every filing
has its History, status changes, rectification and to-dos as a real one would.

Guangzhou's authorities (the city and its districts) and the province run the Guangdong annual
work report; every other authority the national annual inspection, so both modes are seen side
by side. About one organization in twenty-five never files, others miss a year now and then; in
the latest year a share is still in review; inspection conclusions are mostly qualified, the rest
order rectification, which is verified, rejected and reopened, or still open.

At province scale only the example authorities (DEMO_AUTHORITIES) are seeded: each filing is a
few dozen queries through the services, and 59,455 organizations × 3 years would take hours.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shezhi.core import registry
from shezhi.core.demo import EXAMPLE_COUNTIES, Scale, SeedContext, account_name
from shezhi.core.roles import Role
from shezhi.social_orgs.models import LIVE_STATUSES, SocialOrganization

from . import rules, services
from .forms import default_window
from .models import Conclusion, Mode

# At province scale: Zengcheng and Huangpu (Guangzhou's districts, the work report) and Shaoguan's
# Zhenjiang district (the national inspection): about 940 organizations, minutes not hours.
DEMO_AUTHORITIES = (*EXAMPLE_COUNTIES[:2], "440204")
REPORT_PREFIXES = ("4401", "440000")


def demo_years(today: date | None = None) -> tuple[int, int, int]:
    last = (today or timezone.localdate()).year - 1
    return (last - 2, last - 1, last)


def mode_of(authority_code: str) -> str:
    return Mode.REPORT if authority_code.startswith(REPORT_PREFIXES) else Mode.INSPECTION


def _workday_after(day: date, days: int) -> date:
    from shezhi.core import workdays

    return workdays.add_working_days(day, days)


def seed_inspection(ctx: SeedContext) -> None:
    from shezhi.accounts.models import User

    ctx.reseed("inspection")
    organizations = SocialOrganization.objects.filter(status__in=LIVE_STATUSES).select_related(
        "registration_authority"
    )
    if ctx.scale != Scale.SMALL:
        organizations = organizations.filter(registration_authority_id__in=DEMO_AUTHORITIES)
    organizations_list = list(organizations.order_by("registration_authority_id", "pk"))
    if not organizations_list:
        return
    authorities = sorted({o.registration_authority_id for o in organizations_list})
    officers = {
        u.username: u
        for u in User.objects.filter(
            username__in=[account_name(Role.CIVIL_AFFAIRS_OFFICER, c) for c in authorities]
        )
    }
    accounts = _organization_accounts(ctx, organizations_list)
    divisions = {o.registration_authority_id: o.registration_authority for o in organizations_list}
    years = demo_years()
    chronic = {o.pk for o in organizations_list if ctx.random.random() < 0.04}
    for year in years:
        for code in authorities:
            officer = officers.get(account_name(Role.CIVIL_AFFAIRS_OFFICER, code))
            if officer is None:
                continue
            services.config_save(
                actor=officer,
                data={
                    "authority": divisions[code],
                    "year": year,
                    "mode": mode_of(code),
                    **default_window(year),
                },
            )
        latest = year == years[-1]
        for organization in organizations_list:
            if rules.new_organization_exempt(organization.founded_on, year) is not None:
                continue
            if organization.pk in chronic or ctx.random.random() < 0.07:
                continue
            officer = officers.get(
                account_name(Role.CIVIL_AFFAIRS_OFFICER, organization.registration_authority_id)
            )
            if officer is None:
                continue
            with transaction.atomic():
                _file(ctx, organization, accounts[organization.pk], officer, year, latest)
            ctx.progress.add(1)


def _organization_accounts(
    ctx: SeedContext, organizations: list[SocialOrganization]
) -> dict[int, Any]:
    """Each filing organization's account (`org-<credit code>`, the demo password)."""
    from shezhi.accounts.models import User

    existing = {
        u.organization_id: u
        for u in User.objects.filter(role=Role.ORGANIZATION_ACCOUNT, organization__in=organizations)
    }
    missing = [
        User(
            username=account_name(Role.ORGANIZATION_ACCOUNT, o.credit_code),
            password=ctx.password_hash,
            role=Role.ORGANIZATION_ACCOUNT,
            organization=o,
            last_name=o.legal_representative[:1],
            first_name=o.legal_representative[1:],
            email="",
        )
        for o in organizations
        if o.pk not in existing
    ]
    ctx.bulk_create(User, missing)
    return {
        u.organization_id: u
        for u in User.objects.filter(role=Role.ORGANIZATION_ACCOUNT, organization__in=organizations)
    }


ACTIVITIES = (
    "组织会员开展行业培训{n}场，举办年度会员大会，编印行业简报。",
    "开展社区服务项目{n}个，服务居民约{m}人次，完成政府购买服务项目评估。",
    "举办公益活动{n}次，参与志愿者{m}人次，按章程召开理事会。",
    "开展调研{n}项，向有关部门提交建议，组织会员单位交流学习。",
)


def _file(
    ctx: SeedContext,
    organization: SocialOrganization,
    account: Any,
    officer: Any,
    year: int,
    latest: bool,
) -> None:
    rnd = ctx.random
    window = default_window(year)
    submitted_on = window["window_opens_on"] + timedelta(days=rnd.randint(10, 130))
    income = rnd.randint(5, 800) * 1000
    filing = services.filing_create(
        actor=account,
        organization=organization,
        year=year,
        data={
            "activities": rnd.choice(ACTIVITIES).format(
                n=rnd.randint(2, 20), m=rnd.randint(50, 3000)
            ),
            "income": income,
            "expenditure": int(income * rnd.uniform(0.6, 1.1)),
            "net_assets": rnd.randint(10, 2000) * 1000,
            "party_activities": rnd.randint(4, 24) if organization.organization_covered else 0,
        },
        today=submitted_on,
    )
    services.filing_submit(actor=account, filing=filing, today=submitted_on)
    roll = rnd.random()
    if latest and roll < 0.08:
        return  # still waiting to be accepted
    day = _workday_after(submitted_on, rnd.randint(1, 5))
    if roll < 0.1 and latest:
        services.filing_decide(
            actor=officer,
            filing=filing,
            action=services.Action.RETURN,
            reason="财务数据与审计报告不一致，请核对后重新报送。",
            today=day,
        )
        return
    services.filing_decide(actor=officer, filing=filing, action=services.Action.ACCEPT, today=day)
    if filing.status == "supervisor_review":
        day = _workday_after(day, rnd.randint(3, 15))
        if latest and roll < 0.13:
            return
        services.filing_decide(
            actor=officer,
            filing=filing,
            action=services.Action.SUPERVISOR_APPROVE,
            reason="经初审，同意报送。",
            today=day,
        )
    if latest and roll < 0.16:
        return  # in the authority's review
    day = _workday_after(day, rnd.randint(5, 20))
    if filing.mode == Mode.REPORT:
        services.filing_decide(
            actor=officer, filing=filing, action=services.Action.PUBLISH, today=day
        )
        return
    draw = rnd.random()
    if draw < 0.85:
        services.filing_decide(
            actor=officer,
            filing=filing,
            action=services.Action.CONCLUDE,
            conclusion=Conclusion.QUALIFIED,
            today=day,
        )
        return
    conclusion = Conclusion.BASICALLY_QUALIFIED if draw < 0.95 else Conclusion.UNQUALIFIED
    decision = services.filing_decide(
        actor=officer,
        filing=filing,
        action=services.Action.CONCLUDE,
        conclusion=conclusion,
        reason="未按规定召开理事会，财务管理制度不健全，限期整改。",
        today=day,
    )
    rectification = decision.rectification
    outcome = rnd.random()
    if rectification is None or outcome < 0.15:
        return  # still open
    day = _workday_after(day, rnd.randint(5, 25))
    services.rectification_submit(
        actor=account,
        rectification=rectification,
        report="已修订财务管理制度并召开理事会，会议纪要已存档。",
        today=day,
    )
    day = _workday_after(day, rnd.randint(1, 4))
    if outcome < 0.3:
        services.rectification_verify(
            actor=officer,
            rectification=rectification,
            approve=False,
            reason="未提供理事会会议纪要，请补充。",
            today=day,
        )
        return  # reopened with a new deadline
    services.rectification_verify(
        actor=officer, rectification=rectification, approve=True, reason="整改到位。", today=day
    )


SEED_STEP = registry.SeedStep(
    "inspection",
    gettext_lazy("年检（年报）与整改"),
    seed_inspection,
    order=80,
)
