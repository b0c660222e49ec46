"""Demo seeding: the province's 59,455 social organizations (DOMAIN.md §0), and a few
organization accounts.

Province scale: exactly PROVINCE_TOTAL organizations, all live (the figure counts the
organizations that exist at the end of 2016, so none is seeded deregistered or revoked), spread
over the three registering levels: LEVEL_SHARES (6% provincial, 30% city, 64% county; Dongguan
and Zhongshan, without a county level, register their county share themselves), over the 21
cities by CITY_WEIGHTS (demo weights after the cities' sizes, not statistics), over each city's
current counties evenly give or take 40%. Types by level (foundations only at the province and
the cities: rules.TYPE_AUTHORITY_LEVELS), industries by type, names after the usual patterns
(协会, 商会, 社会工作服务中心, 基金会 …), addresses in the seeded towns and villages of the
authority's own area, credit codes issued by `credit_code.issue_credit_code` with a sequence per
authority in founding order. Small scale: a few dozen in the counties that have towns
(Zengcheng, Huangpu …), their cities and the province.

Rows go in with `SeedContext.bulk_create` (bulk_create_with_history: each gets its "created"
History entry). The party module's step covers them with party organizations afterwards.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from shezhi.core.demo import Scale, SeedContext, account_name, apportion
from shezhi.core.models import Division
from shezhi.core.roles import Role

from .credit_code import issue_credit_code
from .models import CREDIT_CODE_TYPE, Industry, OrgStatus, OrgType, SocialOrganization
from .rules import ADDRESS_LEVELS, may_register_type

PROVINCE_TOTAL = 59_455  # DOMAIN.md §0: social organizations in Guangdong at the end of 2016
LEVEL_SHARES: dict[str, float] = {
    Division.Level.PROVINCE: 0.06,
    Division.Level.CITY: 0.30,
    Division.Level.COUNTY: 0.64,
}
# Relative sizes of the cities' social-organization sectors: Shenzhen and Guangzhou largest,
# the Pearl River Delta next, the north and west smaller. Demo weights, not statistics.
CITY_WEIGHTS = {
    "440100": 14.0,  # 广州
    "440200": 2.5,  # 韶关
    "440300": 16.0,  # 深圳
    "440400": 3.0,  # 珠海
    "440500": 5.0,  # 汕头
    "440600": 9.0,  # 佛山
    "440700": 4.5,  # 江门
    "440800": 4.0,  # 湛江
    "440900": 3.5,  # 茂名
    "441200": 3.0,  # 肇庆
    "441300": 4.5,  # 惠州
    "441400": 3.0,  # 梅州
    "441500": 2.0,  # 汕尾
    "441600": 2.5,  # 河源
    "441700": 2.0,  # 阳江
    "441800": 3.0,  # 清远
    "441900": 8.0,  # 东莞
    "442000": 4.5,  # 中山
    "445100": 2.5,  # 潮州
    "445200": 3.5,  # 揭阳
    "445300": 2.0,  # 云浮
}
# Small scale: per organization count by authority (only authorities with seeded towns).
SMALL_COUNTS: dict[str, int] = {
    Division.Level.PROVINCE: 6,
    Division.Level.CITY: 4,
    Division.Level.COUNTY: 3,
}
SMALL_EXAMPLES = {"440118": 10, "440112": 6}  # Zengcheng and Huangpu get more

TYPE_SHARES: dict[str, dict[str, float]] = {
    Division.Level.PROVINCE: {
        OrgType.SOCIAL_GROUP: 55,
        OrgType.SOCIAL_SERVICE: 35,
        OrgType.FOUNDATION: 10,
    },
    Division.Level.CITY: {
        OrgType.SOCIAL_GROUP: 45,
        OrgType.SOCIAL_SERVICE: 50,
        OrgType.FOUNDATION: 5,
    },
    Division.Level.COUNTY: {OrgType.SOCIAL_GROUP: 42, OrgType.SOCIAL_SERVICE: 58},
}
INDUSTRY_SHARES: dict[str, dict[str, float]] = {
    OrgType.SOCIAL_GROUP: {
        Industry.BUSINESS: 25,
        Industry.PROFESSION: 12,
        Industry.CULTURE: 10,
        Industry.SPORTS: 10,
        Industry.SOCIAL_SERVICE: 10,
        Industry.SCIENCE: 8,
        Industry.RURAL: 8,
        Industry.EDUCATION: 5,
        Industry.HEALTH: 5,
        Industry.ENVIRONMENT: 2,
        Industry.LAW: 2,
        Industry.OTHER: 2,
        Industry.INTERNATIONAL: 1,
        Industry.RELIGION: 0.5,
    },
    OrgType.SOCIAL_SERVICE: {
        Industry.EDUCATION: 45,
        Industry.SOCIAL_SERVICE: 25,
        Industry.HEALTH: 10,
        Industry.CULTURE: 6,
        Industry.SPORTS: 5,
        Industry.SCIENCE: 3,
        Industry.OTHER: 6,
    },
    OrgType.FOUNDATION: {
        Industry.SOCIAL_SERVICE: 35,
        Industry.EDUCATION: 30,
        Industry.HEALTH: 10,
        Industry.CULTURE: 10,
        Industry.ENVIRONMENT: 5,
        Industry.SCIENCE: 5,
        Industry.OTHER: 5,
    },
}
STATUS_SHARES: dict[str, float] = {
    OrgStatus.ACTIVE: 96.5,
    OrgStatus.ABNORMAL: 3.0,
    OrgStatus.SERIOUS_VIOLATION: 0.5,
}
PHONE_SHARE = 0.7
PERSON_POOL = 5_000
STREET_POOL = 800
PARTY_CLAUSE_SHARE = 0.7  # the clause became mandatory only in 2018 (DOMAIN.md §6)
VILLAGE_ADDRESS_SHARE = 0.7  # the rest sit at a town or street
# The organizations that get an `org-<credit code>` account: the first registered by each.
ACCOUNT_AUTHORITIES = ("440118", "440112", "440100", "440000")

# Name patterns (Chinese proper names are data, not UI text).


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_BRANDS = _words(
    "阳光 启智 博雅 康乐 仁爱 和谐 同心 金色 童心 乐龄 善德 星光 育才 明德 春晖 绿洲 彩虹 百合 "
    "向日葵 蓝天 青禾 福寿 长青 知行 悦读 扬帆 晨曦 慧心 乐善 馨悦 启航 新苗 博爱 益友 友善 "
    "安康 颐和 众心 惠民 同行 聚善 和美 睿智 德馨 朝阳 春雨 雅韵 清风"
)
_GROUP_TOPICS: dict[str, tuple[str, ...]] = {
    Industry.BUSINESS: _words(
        "电子商务 餐饮 物流 家具 陶瓷 服装 五金 汽车用品 美容美发 建筑装饰 "
        "房地产 粤菜 茶叶 珠宝 印刷 照明 小家电 跨境电商 酒店 旅游"
    ),
    Industry.PROFESSION: _words(
        "注册会计师 律师 建筑师 医师 护理 社会工作者 评估师 导游 心理咨询师"
    ),
    Industry.CULTURE: _words("书法 摄影 粤剧 美术 作家 民间文艺 音乐 舞蹈 收藏 醒狮"),
    Industry.SPORTS: _words("篮球 足球 羽毛球 乒乓球 龙舟 武术 游泳 围棋 象棋 太极拳 马拉松"),
    Industry.SOCIAL_SERVICE: _words("志愿者 慈善 老年人 残疾人 青年 妇女儿童 义工 社区服务"),
    Industry.SCIENCE: _words("科技 电子学 计算机 机械工程 生态学 气象 地理 数学 物理"),
    Industry.RURAL: _words("荔枝 水产 家禽 花卉 蔬菜 果蔬 茶农 农机 农业合作"),
    Industry.EDUCATION: _words("教育 学前教育 职业教育 家庭教育 校友"),
    Industry.HEALTH: _words("医学 中医药 护理 药学 健康管理 康复医学"),
    Industry.ENVIRONMENT: _words("环境保护 野生动物保护 观鸟 节能"),
    Industry.LAW: _words("法学 人民调解 法律服务"),
    Industry.INTERNATIONAL: _words("对外友好 侨界 港澳交流"),
    Industry.RELIGION: _words("佛教 道教 基督教"),
    Industry.OTHER: _words("老区建设 关心下一代 诗词 地方志"),
}
# Chambers of commerce of people from elsewhere (异地商会).
_HOMETOWNS = _words(
    "湖南 湖北 江西 福建 广西 四川 河南 浙江 重庆 安徽 江苏 山东 潮汕 客家 温州 莆田"
)
_GROUP_SUFFIXES: dict[str, tuple[str, ...]] = {
    Industry.BUSINESS: ("协会", "商会", "行业协会", "促进会"),
    Industry.PROFESSION: ("协会",),
    Industry.SCIENCE: ("学会", "研究会"),
    Industry.HEALTH: ("学会", "协会"),
    Industry.LAW: ("学会", "协会"),
    Industry.EDUCATION: ("学会", "协会", "研究会"),
}
_SERVICE_KINDS: dict[str, tuple[str, ...]] = {
    Industry.EDUCATION: ("幼儿园", "培训学校", "职业技能培训学校", "艺术培训中心", "实验学校"),
    Industry.SOCIAL_SERVICE: (
        "社会工作服务中心",
        "养老院",
        "颐养院",
        "社区服务中心",
        "长者服务中心",
    ),
    Industry.HEALTH: ("康复中心", "中医门诊部", "护理院"),
    Industry.CULTURE: ("艺术团", "文化传播中心", "美术馆"),
    Industry.SPORTS: ("体育俱乐部", "游泳俱乐部", "足球俱乐部"),
    Industry.SCIENCE: ("科技研究院", "技术研究所"),
    Industry.OTHER: ("公益服务中心", "发展研究中心"),
}
_FOUNDATION_TOPICS: dict[str, tuple[str, ...]] = {
    Industry.SOCIAL_SERVICE: ("慈善", "扶贫", "助残", "敬老"),
    Industry.EDUCATION: ("教育", "助学", "奖学"),
    Industry.HEALTH: ("医疗救助", "健康"),
    Industry.CULTURE: ("文化发展", "艺术"),
    Industry.ENVIRONMENT: ("环境保护", "绿化"),
    Industry.SCIENCE: ("科技创新",),
    Industry.OTHER: ("公益", "青少年发展"),
}
# Supervising units by industry (blank: registered directly, as trade associations and charities
# may since the 2012–13 reform). Province-level names differ ("厅", "委员会").
_SUPERVISORS: dict[str, tuple[str, str]] = {
    Industry.EDUCATION: ("教育局", "教育厅"),
    Industry.HEALTH: ("卫生和计划生育局", "卫生和计划生育委员会"),
    Industry.SPORTS: ("体育局", "体育局"),
    Industry.CULTURE: ("文化广电新闻出版局", "文化厅"),
    Industry.SCIENCE: ("科学技术协会", "科学技术协会"),
    Industry.RURAL: ("农业局", "农业厅"),
    Industry.ENVIRONMENT: ("环境保护局", "环境保护厅"),
    Industry.LAW: ("司法局", "司法厅"),
    Industry.PROFESSION: ("人力资源和社会保障局", "人力资源和社会保障厅"),
    Industry.RELIGION: ("民族宗教事务局", "民族宗教事务委员会"),
    Industry.INTERNATIONAL: ("外事侨务局", "外事侨务办公室"),
}


@dataclass
class Authority:
    division: Division
    prefix: str  # how names start: 广东省, 广州市, 广州市增城区 …
    addresses: list[Division]
    count: int = 0


def _weighted(rng: Any, shares: dict[Any, float]) -> Any:
    keys = list(shares)
    return rng.choices(keys, weights=[shares[k] for k in keys])[0]


def _name_prefix(division: Division, city: Division | None) -> str:
    if (
        division.level == Division.Level.COUNTY
        and city is not None
        and division.name.endswith("区")
    ):
        return city.name + division.name
    return division.name


def _authorities(scale: Scale, rng: Any) -> list[Authority]:
    """The registering authorities that have seeded towns or villages, with those places."""
    official = {
        d.code: d
        for d in Division.objects.filter(
            level__in=[Division.Level.PROVINCE, Division.Level.CITY, Division.Level.COUNTY],
            is_current=True,
        ).order_by("code")
    }
    places: dict[str, list[Division]] = defaultdict(list)
    for place in (
        Division.objects.filter(level__in=ADDRESS_LEVELS, is_current=True)
        .only("code", "path", "level")
        .order_by("code")
    ):
        for code in place.ancestor_codes:
            if code in official:
                places[code].append(place)
    authorities = []
    for code, division in official.items():
        if not places.get(code):
            continue
        city = official.get(division.parent_id or "") if division.level == "county" else None
        authorities.append(Authority(division, _name_prefix(division, city), places[code]))
    _plan_counts(scale, authorities, rng)
    return [a for a in authorities if a.count]


def _plan_counts(scale: Scale, authorities: list[Authority], rng: Any) -> None:
    if scale == Scale.SMALL:
        for authority in authorities:
            authority.count = SMALL_EXAMPLES.get(
                authority.division.code, SMALL_COUNTS[authority.division.level]
            )
        return
    total = PROVINCE_TOTAL
    provincial = round(total * LEVEL_SHARES[Division.Level.PROVINCE])
    city_level = round(total * LEVEL_SHARES[Division.Level.CITY])
    county_level = total - provincial - city_level
    by_code = {a.division.code: a for a in authorities}
    by_code["440000"].count = provincial
    cities = [a for a in authorities if a.division.level == Division.Level.CITY]
    weights = [CITY_WEIGHTS.get(a.division.code, 2.0) for a in cities]
    for city, n in zip(cities, apportion(city_level, weights, [1] * len(cities)), strict=True):
        city.count += n
    counties_of: dict[str, list[Authority]] = defaultdict(list)
    for authority in authorities:
        if authority.division.level == Division.Level.COUNTY:
            counties_of[authority.division.parent_id or ""].append(authority)
    for city, n in zip(cities, apportion(county_level, weights, [1] * len(cities)), strict=True):
        counties = counties_of.get(city.division.code, [])
        if not counties:
            city.count += n  # Dongguan, Zhongshan: the city registers for its towns
            continue
        shares = [rng.uniform(0.6, 1.4) for _ in counties]
        for county, m in zip(counties, apportion(n, shares, [1] * len(counties)), strict=True):
            county.count += m


class _Namer:
    def __init__(self, ctx: SeedContext) -> None:
        self.rng = ctx.random
        self.fake = ctx.faker
        self.taken: dict[str, set[str]] = defaultdict(set)

    def name(self, authority: Authority, org_type: str, industry: str) -> str:
        taken = self.taken[authority.division.code]
        for attempt in range(30):
            name = self._make(authority, org_type, industry, attempt)
            if name not in taken:
                taken.add(name)
                return name
        name = f"{name}{len(taken) + 1}"
        taken.add(name)
        return name

    def _make(self, authority: Authority, org_type: str, industry: str, attempt: int) -> str:
        rng = self.rng
        prefix = authority.prefix
        if org_type == OrgType.FOUNDATION:
            topic = rng.choice(_FOUNDATION_TOPICS.get(industry, _FOUNDATION_TOPICS["other"]))
            brand = rng.choice(_BRANDS) if rng.random() < 0.6 or attempt else ""
            return f"{prefix}{brand}{topic}基金会"
        if org_type == OrgType.SOCIAL_SERVICE:
            kind = rng.choice(_SERVICE_KINDS.get(industry, _SERVICE_KINDS["other"]))
            return f"{prefix}{rng.choice(_BRANDS)}{kind}"
        topic = rng.choice(_GROUP_TOPICS.get(industry, _GROUP_TOPICS["other"]))
        suffix = rng.choice(_GROUP_SUFFIXES.get(industry, ("协会", "联合会", "促进会")))
        if attempt > 5:
            topic = rng.choice(_BRANDS) + topic
        if industry == Industry.BUSINESS and rng.random() < 0.15:
            return f"{prefix}{rng.choice(_HOMETOWNS)}商会"
        return f"{prefix}{topic}{suffix}"


def _supervisor(authority: Authority, org_type: str, industry: str, rng: Any) -> str:
    if org_type == OrgType.FOUNDATION or industry not in _SUPERVISORS:
        return ""
    # Social groups of these fields mostly keep a supervising unit; schools and clinics must.
    if org_type == OrgType.SOCIAL_GROUP and rng.random() < 0.3:
        return ""
    county_name, province_name = _SUPERVISORS[industry]
    if authority.division.level == Division.Level.PROVINCE:
        return authority.prefix + province_name
    return authority.prefix + county_name


def _founded_on(rng: Any, org_type: str) -> datetime.date:
    # Most organizations are young: registrations grew fast after 2005.
    earliest = 1990 if org_type == OrgType.FOUNDATION else 1980
    year = max(earliest, 2016 - int(rng.expovariate(1 / 7)))
    day = rng.randint(0, 364)
    return datetime.date(year, 1, 1) + datetime.timedelta(days=day)


def _staff(rng: Any, org_type: str) -> int:
    if org_type == OrgType.FOUNDATION:
        return rng.randint(2, 20)
    if org_type == OrgType.SOCIAL_SERVICE:
        return min(800, int(rng.lognormvariate(2.6, 0.9)))
    return min(200, int(rng.lognormvariate(1.2, 1.0)))


def _phone(rng: Any) -> str:
    # A mobile number (1[3-9] + 9 digits), as personal_data.validate_phone accepts.
    return f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"


def organizations(
    ctx: SeedContext, authorities: Sequence[Authority]
) -> Iterator[SocialOrganization]:
    """Every organization of every authority, in a deterministic order, one authority at a time
    (so the inserts, and the progress line, start with the first authority)."""
    rng, fake = ctx.random, ctx.faker
    namer = _Namer(ctx)
    # Faker is slow per call (about 100 µs for a name): draw pools once, pick from them per row.
    people = [fake.name() for _ in range(PERSON_POOL)]
    streets = [fake.street_name() for _ in range(STREET_POOL)]
    for authority in authorities:
        # Pools split by level once per authority (cheap lists; _address reuses them).
        villages = [p for p in authority.addresses if p.level == Division.Level.VILLAGE]
        towns = [p for p in authority.addresses if p.level == Division.Level.TOWN]
        level = authority.division.level
        type_shares = {
            t: s for t, s in TYPE_SHARES[level].items() if may_register_type(t, authority.division)
        }
        drafts = []
        for _i in range(authority.count):
            org_type = _weighted(rng, type_shares)
            industry = _weighted(rng, INDUSTRY_SHARES[org_type])
            use_village = villages and (rng.random() < VILLAGE_ADDRESS_SHARE or not towns)
            place = rng.choice(villages if use_village else towns)
            drafts.append(
                SocialOrganization(
                    name=namer.name(authority, org_type, industry),
                    org_type=org_type,
                    industry=industry,
                    registration_authority=authority.division,
                    authority_path=authority.division.path,  # bulk_create skips save()
                    business_supervisor=_supervisor(authority, org_type, industry, rng),
                    address_division=place,
                    address=f"{rng.choice(streets)}{rng.randint(1, 300)}号",
                    legal_representative=rng.choice(people),
                    legal_representative_phone=_phone(rng) if rng.random() < PHONE_SHARE else None,
                    founded_on=_founded_on(rng, org_type),
                    staff_count=_staff(rng, org_type),
                    status=_weighted(rng, STATUS_SHARES),
                    charter_has_party_clause=rng.random() < PARTY_CLAUSE_SHARE,
                )
            )
        # Codes are issued per authority in founding order (sequence 1, 2, …).
        drafts.sort(key=lambda o: (o.founded_on, o.name))
        for sequence, organization in enumerate(drafts, start=1):
            organization.credit_code = issue_credit_code(
                organization_type=CREDIT_CODE_TYPE[organization.org_type],
                division_code=authority.division.code,
                sequence=sequence,
            )
        yield from drafts


def seed_social_orgs(ctx: SeedContext) -> None:
    authorities = _authorities(ctx.scale, ctx.random)
    first: dict[str, SocialOrganization] = {}

    def rows() -> Iterator[SocialOrganization]:
        for organization in organizations(ctx, authorities):
            code = organization.registration_authority_id
            if code in ACCOUNT_AUTHORITIES and code not in first:
                first[code] = organization  # sequence 1 of its authority
            yield organization

    ctx.bulk_create(SocialOrganization, rows())
    _seed_accounts(ctx, first)


def _seed_accounts(ctx: SeedContext, first: dict[str, SocialOrganization]) -> None:
    """`org-<credit code>` accounts for the first organization of each ACCOUNT_AUTHORITIES."""
    from shezhi.accounts.models import User

    existing = set(
        User.objects.filter(role=Role.ORGANIZATION_ACCOUNT).values_list("username", flat=True)
    )
    users = []
    for code in ACCOUNT_AUTHORITIES:
        if code not in first:
            continue
        organization = first[code]
        username = account_name(Role.ORGANIZATION_ACCOUNT, organization.credit_code)
        if username in existing:
            continue
        users.append(
            User(
                username=username,
                password=ctx.password_hash,
                role=Role.ORGANIZATION_ACCOUNT,
                organization=organization,
                last_name=organization.legal_representative[:1],
                first_name=organization.legal_representative[1:],
                email="",
            )
        )
    ctx.bulk_create(User, users)
