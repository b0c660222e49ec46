"""Every main page that an app declares (shezhi/<app>/tests/pages.py) passes axe-core without a
serious or critical violation, in Chromium, as the persona that uses it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from shezhi.core import browser_testing as checks

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_it_finds_no_serious_accessibility_violation_on_any_main_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> None:
    pages = checks.declared_pages()
    assert pages, "no BROWSER_PAGES declared in any shezhi/<app>/tests/pages.py"
    world = checks.build_browser_world()
    context_for = checks.contexts_by_persona(browser, live_server.url, world)
    failures: list[str] = []
    violations: list[checks.Violation] = []
    shots: list[str] = []
    for declared in pages:
        page = context_for(declared.persona).new_page()
        failure = checks.open_page(page, declared, world)
        found = [] if failure else checks.axe_violations(page, declared.title)
        if failure:
            failures.append(f"{declared.title}: {failure}")
        violations += found
        if failure or found:
            shots.append(checks.keep_screenshot(page, request.node.nodeid, declared.title))
        page.close()
    if failures or violations:
        pytest.fail(
            "\n".join(
                [
                    f"{len(violations)} serious or critical accessibility violations "
                    f"on {len(pages)} pages; {len(failures)} pages did not open:",
                    *failures,
                    *map(str, violations),
                    "Screenshots of those pages:",
                    *shots,
                ]
            ),
            pytrace=False,
        )
