"""Demo seeding step `registration` (order 80, after the party's steps): founding applications
in every state for the example counties, made by running the services as the county's
civil-affairs officer, so each carries its status-change rows, History and to-dos like a real
one. The approved ones registered their organization, members and party organization (or
instructor) through the same approval as a real officer's."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from shezhi.accounts.models import User
from shezhi.core import registry
from shezhi.core.demo import EXAMPLE_COUNTIES, SeedContext, account_name
from shezhi.core.fields import hash_for_lookup
from shezhi.core.models import Division
from shezhi.core.personal_data import PersonalKind
from shezhi.core.roles import Role
from shezhi.party.models import Education, Instructor, PartyMember, Stage
from shezhi.social_orgs.models import Industry, OrgType

from . import services
from .models import CoveragePlan, FoundingApplication

CHARTER = (
    "第一章 总则\n"
    "第一条 本会名称为{name}。\n"
    "第二条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，"
    "开展党的活动，为党组织的活动提供必要条件。\n"
)
CHARTER_WITHOUT_CLAUSE = (
    "第一章 总则\n第一条 本会名称为{name}。\n第二条 本会遵守宪法、法律、法规。\n"
)
# The smallest file the services recognise as a PDF.
PDF = b"%PDF-1.4\n% shezhi demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PLAN = (
    # (suffix, final state, full members, plan, clause, letter)
    ("书法协会", "draft", 1, CoveragePlan.INSTRUCTOR, True, False),
    ("青年志愿者协会", "submitted", 3, CoveragePlan.ESTABLISH, True, True),
    ("养老服务中心", "supplement_requested", 3, "", False, False),
    ("社区营造促进会", "accepted", 4, CoveragePlan.ESTABLISH, True, True),
    ("电子商务协会", "approved", 3, CoveragePlan.ESTABLISH, True, True),
    ("社会工作服务中心", "approved", 1, CoveragePlan.INSTRUCTOR, True, True),
    ("健身气功协会", "refused", 0, CoveragePlan.INSTRUCTOR, False, True),
    ("摄影爱好者协会", "withdrawn", 2, CoveragePlan.INSTRUCTOR, True, True),
)


def _id_numbers(county: str, ctx: SeedContext) -> Any:
    """Valid ID numbers born in the county that no party member holds yet."""
    while True:
        born = date(1970, 1, 1) + timedelta(days=ctx.random.randrange(0, 30 * 365))
        body = f"{county}{born:%Y%m%d}{ctx.random.randrange(0, 1000):03d}"
        number = body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18
        if not PartyMember.objects.filter(
            id_number_hash=hash_for_lookup(PersonalKind.ID_NUMBER, number)
        ).exists():
            yield number


def _members(county: str, full: int, ctx: SeedContext) -> list[dict[str, Any]]:
    numbers = _id_numbers(county, ctx)
    today = timezone.localdate()
    rows = []
    for n in range(full):
        rows.append(
            {
                "name": ctx.faker.name(),
                "id_number": next(numbers),
                "stage": Stage.FULL,
                "stage_on": today - timedelta(days=400 + 97 * n),
                "education": Education.UNDERGRADUATE,
            }
        )
    rows.append(
        {
            "name": ctx.faker.name(),
            "id_number": next(numbers),
            "stage": Stage.PROBATIONARY,
            "stage_on": today - timedelta(days=120),
            "education": Education.COLLEGE,
        }
    )
    return rows


def _file(application: FoundingApplication, officer: User, *, clause: bool, letter: bool) -> None:
    if letter:
        upload = ContentFile(PDF, name="承诺书.pdf")
        services.commitment_attach(
            actor=officer,
            application=application,
            file=upload,  # type: ignore[arg-type]
            signed_on=timezone.localdate() - timedelta(days=3),
        )
    if not clause:
        application.charter_text = CHARTER_WITHOUT_CLAUSE.format(name=application.name)
        application.save(update_fields=["charter_text"])


def _drive(application: FoundingApplication, officer: User, state: str) -> None:
    if state == "draft":
        return
    services.application_submit(actor=officer, application=application)
    if state == "submitted":
        return
    if state == "supplement_requested":
        services.application_request_supplement(actor=officer, application=application)
        return
    if state == "withdrawn":
        services.application_withdraw(actor=officer, application=application, reason="申请人撤回")
        return
    if state == "refused":
        services.application_refuse(
            actor=officer, application=application, reason="拟任法定代表人不符合任职条件。"
        )
        return
    services.application_accept(actor=officer, application=application)
    if state == "approved":
        services.application_approve(actor=officer, application=application)


def seed_registration(ctx: SeedContext) -> None:
    for county_code in EXAMPLE_COUNTIES:
        county = Division.objects.filter(code=county_code).first()
        officer = User.objects.filter(
            username=account_name(Role.CIVIL_AFFAIRS_OFFICER, county_code)
        ).first()
        town = (
            Division.objects.filter(level=Division.Level.TOWN, parent_id=county_code)
            .order_by("code")
            .first()
        )
        if county is None or officer is None or town is None:
            continue
        instructor = (
            Instructor.objects.filter(is_active=True, division_path__startswith=county.path)
            .order_by("pk")
            .first()
        )
        for suffix, state, full, plan, clause, letter in PLAN:
            name = f"{county.name}{suffix}"
            if FoundingApplication.objects.filter(name=name).exists():
                continue
            use_instructor = plan == CoveragePlan.INSTRUCTOR
            if use_instructor and instructor is None and state == "approved":
                continue
            application = services.application_create(
                actor=officer,
                members=_members(county_code, full, ctx),
                name=name,
                org_type=OrgType.SOCIAL_SERVICE if "中心" in suffix else OrgType.SOCIAL_GROUP,
                registration_authority=county,
                address_division=town,
                address=f"{town.name}{ctx.random.randint(1, 200)}号",
                legal_representative=ctx.faker.name(),
                industry=Industry.SOCIAL_SERVICE,
                staff_count=full + 5,
                charter_text=CHARTER.format(name=name),
                coverage_plan=plan,
                party_org_kind="branch" if plan == CoveragePlan.ESTABLISH else "",
                party_org_name=f"{name}党支部" if plan == CoveragePlan.ESTABLISH else "",
                instructor=instructor if use_instructor else None,
            )
            _file(application, officer, clause=clause, letter=letter)
            _drive(application, officer, state)
            ctx.progress.add(1)


SEED_STEP = registry.SeedStep(
    "registration",
    gettext_lazy("成立登记申请（四同步）"),
    seed_registration,
    order=80,
)
