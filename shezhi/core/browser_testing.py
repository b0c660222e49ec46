"""Browser checks of every main page, declared once per app and run in Chromium.

Each app declares its main pages in `shezhi/<app>/tests/pages.py` (discovered, never
registered), pointing at the objects of the access matrix's world (shezhi/core/access_testing.py):

    from shezhi.core.access_testing import Persona as P
    from shezhi.core.browser_testing import BrowserPage, ListChecks

    BROWSER_PAGES = [
        BrowserPage("public:index", P.anonymous, heading="公开信息"),
        BrowserPage(
            "core:division_detail",
            kwargs=lambda w: {"code": w.zengcheng_town.code},
            heading="测试镇",
        ),
        BrowserPage(
            "core:division_list",
            heading="行政区划",
            without_js=ListChecks(search="测试", finds="测试镇", filters={"level": "town"}),
        ),
    ]

    def build_world(world):   # optional: objects only the browser pages need
        world.add("draft_application", ...)

A page is named by its URL name, opened as one persona (the county officer of Zengcheng unless
it says otherwise), with `kwargs`/`query` from the world that the access declarations build:
`build_browser_world()` runs every app's access.py hooks (`build_world`, and `build_many` with a
few dozen rows per side, so that lists have a second page) and then every pages.py
`build_world` hook. `steps` may act on the page first (submit a form with errors, say) so that the
state it leaves is what is checked.

The browser tests (core/tests/test_browser_*.py) then
- open every declared page, inject axe-core (npm devDependency, node_modules/axe-core) and fail
  on any violation of impact "serious" or "critical", listing rule, impact, help and selectors;
- for every page with `without_js=ListChecks(...)`, in a browser with JavaScript switched off,
  search, filter, follow its tab links, sort both ways and go to the next page, with nothing but
  the page's plain links and GET form.
`undeclared_list_pages()` names every list page (ListPage) of the site that no pages.py
declares, so a new list cannot skip these checks.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shezhi.core import access_testing
from shezhi.core.access_testing import AccessWorld, Persona

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Enough rows on each side of the county border for a list to have a second page (25 a page),
# few enough to build in a moment.
ROWS_PER_SIDE = 30
# axe-core's impacts, from worst; these fail the check.
FAILING_IMPACTS = ("critical", "serious")
AXE_SCRIPT = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"

Kwargs = Callable[[AccessWorld], Mapping[str, Any]]
Steps = Callable[["Page", AccessWorld], None]


@dataclass(frozen=True)
class ListChecks:
    """What a list page (components/list_page.html) must still do without JavaScript.

    search:   a term for the search box; the results must narrow and show `finds`.
    filters:  filter-form fields and the values to choose, submitted together; the results
              must narrow and stay non-empty.
    links:    names of links (to-do tabs, say) to follow; each must become the current one.
    sort:     sort by a column both ways: the header named `sort_by` (default: the first
              sortable column the list is not sorted by), whose values must differ between rows.
    pages:    go to the next page (the list must have more rows than fit on one page, for the
              persona that opens it: the build_many hooks make `world.rows_per_side` rows a
              side; declare pages=False for a list that cannot have that many).
    """

    search: str = ""
    finds: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    links: Sequence[str] = ()
    sort: bool = True
    sort_by: str = ""
    pages: bool = True


@dataclass(frozen=True)
class BrowserPage:
    """One main page, as one persona sees it.

    heading:    text of the page's <h1> (proves it is the page, not an error or sign-in page).
    without_js: the list checks to run with JavaScript off (list pages only).
    steps:      what to do on the page before it is checked, e.g. submit a form with errors.
    label:      how reports name it, when one URL name is declared more than once.
    """

    name: str
    persona: Persona = Persona.county_officer
    kwargs: Kwargs | None = None
    query: Mapping[str, str] | None = None
    heading: str = ""
    without_js: ListChecks | None = None
    steps: Steps | None = None
    label: str = ""
    app: str = ""  # filled in by discovery: which pages.py declared it

    def url(self, world: AccessWorld) -> str:
        kwargs = dict(self.kwargs(world)) if self.kwargs else None
        path = reverse(self.name, kwargs=kwargs)
        return path + ("?" + urlencode(self.query) if self.query else "")

    @property
    def title(self) -> str:
        text = self.label or self.name + ("?" + urlencode(self.query) if self.query else "")
        return f"{text} as {self.persona.value}"


# --- discovery --------------------------------------------------------------------------------


def page_modules() -> list[ModuleType]:
    """`shezhi.<app>.tests.pages` of every installed shezhi app that has one (the same walk as
    access_testing.access_modules does for tests/access.py)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("shezhi."):
            continue
        if importlib.util.find_spec(f"{config.name}.tests") is None:
            continue
        name = f"{config.name}.tests.pages"
        if importlib.util.find_spec(name) is not None:
            modules.append(importlib.import_module(name))
    return modules


def declared_pages(modules: Iterable[ModuleType] | None = None) -> list[BrowserPage]:
    pages = []
    for module in page_modules() if modules is None else modules:
        app = module.__name__.removesuffix(".tests.pages")
        for page in getattr(module, "BROWSER_PAGES", ()):
            pages.append(replace(page, app=app))
    return pages


def build_browser_world(*, rows_per_side: int = ROWS_PER_SIDE) -> AccessWorld:
    """The access matrix's world (every access.py hook, with a few dozen rows per side), then
    every pages.py `build_world` hook."""
    world = access_testing.build_world(many=True, rows_per_side=rows_per_side)
    for module in page_modules():
        hook = getattr(module, "build_world", None)
        if hook is not None:
            hook(world)
    return world


def list_page_routes(urlconf: str | None = None) -> dict[str, str]:
    """URL name → pattern of every route served by a ListPage (shezhi.core.views.listing)."""
    from shezhi.core.views.listing import ListPage

    found: dict[str, str] = {}

    def walk(patterns: Iterable[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view_class = getattr(pattern.callback, "view_class", None)
                if isinstance(view_class, type) and issubclass(view_class, ListPage):
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    found[name] = prefix + str(pattern.pattern)

    walk(get_resolver(urlconf).url_patterns, "", "")
    return found


def undeclared_list_pages(pages: Iterable[BrowserPage]) -> list[str]:
    """Every list page that no BROWSER_PAGES entry checks without JavaScript."""
    checked = {page.name for page in pages if page.without_js is not None}
    return [
        f"list page {name} ({route}) has no BrowserPage with without_js=ListChecks(...): "
        "declare it in shezhi/<app>/tests/pages.py"
        for name, route in sorted(list_page_routes().items())
        if name not in checked
    ]


# --- the browser side -------------------------------------------------------------------------


def new_context(
    browser: Browser, base_url: str, *, java_script: bool = True, user: Any = None
) -> BrowserContext:
    """A Chinese-speaking browser context on the live server, signed in as `user` if given.

    Signing in takes a session made by Django's test client (the login form has its own test):
    its cookie is handed to the browser.
    """
    from shezhi.core.tests.browser import TIMEOUT_MS

    context = browser.new_context(
        base_url=base_url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
        java_script_enabled=java_script,
    )
    context.set_default_timeout(TIMEOUT_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
        )
    return context


def contexts_by_persona(
    browser: Browser, base_url: str, world: AccessWorld, *, java_script: bool = True
) -> Callable[[Persona], BrowserContext]:
    """One context per persona, made on first use (close them with the browser)."""
    made: dict[Persona, BrowserContext] = {}

    def get(persona: Persona) -> BrowserContext:
        if persona not in made:
            user = None if persona is Persona.anonymous else world.user(persona)
            made[persona] = new_context(browser, base_url, java_script=java_script, user=user)
        return made[persona]

    return get


def open_page(page: Page, declared: BrowserPage, world: AccessWorld) -> str | None:
    """Go to the declared page and run its steps; None if it is there, else what went wrong."""
    url = declared.url(world)
    response = page.goto(url)
    if response is None or response.status != 200:
        status = response.status if response is not None else "no response"
        return f"{url} answered {status} (at {page.url})"
    if urlsplit(page.url).path != urlsplit(url).path:
        return f"{url} led to {page.url}"
    if declared.heading:
        heading = page.locator("h1").first.inner_text().strip()
        if declared.heading not in heading:
            return f"{url}: the <h1> says {heading!r}, not {declared.heading!r}"
    if declared.steps is not None:
        declared.steps(page, world)
    return None


def keep_screenshot(page: Page, nodeid: str, title: str) -> str:
    """A full-page screenshot next to the failing tests' own (var/test-artifacts/)."""
    from shezhi.core.tests.browser import screenshot_path

    path = screenshot_path(f"{nodeid}-{title}")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return str(path)


@dataclass(frozen=True)
class Violation:
    page: str
    url: str
    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"{self.page} — {self.url}", f"  [{self.impact}] {self.rule}: {self.help}"]
        lines += [f"    {target}" for target in self.targets[:8]]
        if len(self.targets) > 8:
            lines.append(f"    … and {len(self.targets) - 8} more")
        lines.append(f"    see {self.help_url}")
        return "\n".join(lines)


def axe_script() -> Path:
    if not AXE_SCRIPT.exists():
        raise AssertionError(
            f"{AXE_SCRIPT} is missing: axe-core is an npm devDependency; run `npm ci` "
            "(make deps does) to install it"
        )
    return AXE_SCRIPT


def axe_violations(page: Page, title: str) -> list[Violation]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        Violation(
            page=title,
            url=page.url,
            rule=item["id"],
            impact=item["impact"] or "",
            help=item["help"],
            help_url=item["helpUrl"],
            targets=tuple(item["targets"]),
        )
        for item in results
        if item["impact"] in FAILING_IMPACTS
    ]


# --- lists without JavaScript -----------------------------------------------------------------

COUNT = re.compile(r"共\s*([\d,]+)\s*条")


def row_count(page: Page) -> int:
    """The list's total, as its footer says it ("共 1,234 条")."""
    text = page.locator("#list-results .card-footer").first.inner_text()
    match = COUNT.search(text)
    if match is None:
        raise AssertionError(f"no row count in the list footer: {text!r}")
    return int(match.group(1).replace(",", ""))


def first_row(page: Page) -> str:
    return page.locator("#list-results tbody tr").first.inner_text().strip()


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def check_list_without_js(page: Page, declared: BrowserPage, world: AccessWorld) -> list[str]:
    """Search, filter, follow links, sort and page through a list with plain links and the GET
    form alone; every way it fails, in words."""
    checks = declared.without_js
    if checks is None:
        raise ValueError(f"{declared.title} declares no without_js checks")
    problems: list[str] = []
    url = declared.url(world)

    def problem(text: str) -> None:
        problems.append(f"{declared.title}: {text} (at {page.url})")

    def submit() -> None:
        page.locator("#list-filters").get_by_role("button", name="查询").click()
        page.wait_for_load_state()

    failure = open_page(page, declared, world)
    if failure:
        return [f"{declared.title}: {failure}"]
    total = row_count(page)

    if checks.search:
        page.locator("#list-q").fill(checks.search)
        submit()
        found = row_count(page)
        if query_of(page).get("q") != [checks.search]:
            problem(f"the search form did not send q={checks.search}")
        elif not 0 < found < total:
            problem(f"searching {checks.search!r} left {found} of {total} rows")
        elif (
            checks.finds
            and not page.locator("#list-results tbody").get_by_text(checks.finds).count()
        ):
            problem(f"searching {checks.search!r} did not find {checks.finds!r}")
        page.goto(url)

    if checks.filters:
        form = page.locator("#list-filters")
        for name, value in checks.filters.items():
            control = form.locator(f"[name={name}]")
            if not control.count():
                problem(f"the filter form has no field {name!r}")
                continue
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(value)
            else:
                control.fill(value)
        submit()
        query = query_of(page)
        found = row_count(page)
        wrong = {k: v for k, v in checks.filters.items() if query.get(k) != [v]}
        if wrong:
            problem(f"the filter form did not send {wrong}")
        elif not 0 < found < total:
            problem(f"filtering by {dict(checks.filters)} left {found} of {total} rows")
        page.goto(url)

    for name in checks.links:
        link = page.get_by_role("link", name=re.compile("^" + re.escape(name)))
        if not link.count():
            problem(f"no link named {name!r}")
            continue
        link.first.click()
        page.wait_for_load_state()
        current = page.get_by_role("link", name=re.compile("^" + re.escape(name))).first
        if current.get_attribute("aria-current") != "page":
            problem(f"following {name!r} did not make it the current link")
        page.goto(url)

    if checks.sort:
        label = checks.sort_by
        if not label:
            unsorted = page.locator("#list-results th:not([aria-sort]) a.table-sort")
            label = unsorted.first.inner_text().strip() if unsorted.count() else ""
        # Pinned by its name: locators are looked up again after every navigation.
        column = page.locator("#list-results th").filter(
            has=page.get_by_role("link", name=label, exact=True)
        )
        if not label or not column.count():
            problem(f"no sortable column header {checks.sort_by!r}")
        else:
            before = column.get_attribute("aria-sort")
            column.locator("a.table-sort").click()
            page.wait_for_load_state()
            first = column.get_attribute("aria-sort")
            first_rows = first_row(page)
            if first not in ("ascending", "descending") or first == before:
                problem(f"clicking {label!r} sorted it {first} (it was {before})")
            column.locator("a.table-sort").click()
            page.wait_for_load_state()
            second = column.get_attribute("aria-sort")
            if second not in ("ascending", "descending") or second == first:
                problem(f"clicking {label!r} again sorted it {second} (it was {first})")
            elif first_row(page) == first_rows:
                problem(f"sorting by {label!r} both ways shows the same first row")
            sort = query_of(page).get("sort")
            if checks.search and sort:
                # The sort rides along with the search form (a hidden input tied by form=).
                page.locator("#list-q").fill(checks.search)
                submit()
                query = query_of(page)
                if query.get("sort") != sort or query.get("q") != [checks.search]:
                    problem(f"searching after sorting lost the sort or the term: {query}")
            page.goto(url)

    if checks.pages:
        next_link = page.locator("#list-results a[rel=next]")
        if not next_link.count():
            problem(f"{total} rows but no link to the next page")
        else:
            page_one = first_row(page)
            next_link.click()
            page.wait_for_load_state()
            current = page.locator("#list-results .pagination [aria-current=page]")
            if query_of(page).get("page") != ["2"] or current.inner_text().strip() != "2":
                problem("the next-page link did not lead to page 2")
            elif first_row(page) == page_one:
                problem("page 2 starts with the same row as page 1")
    return problems
