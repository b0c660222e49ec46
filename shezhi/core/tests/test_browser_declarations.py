"""The browser checks' declarations (shezhi/<app>/tests/pages.py) keep up with the site: every
list page is declared, with its no-JavaScript checks, and nothing declared has gone. These run
without Chromium."""

from __future__ import annotations

import pytest

from shezhi.core import access_testing, browser_testing


def test_it_declares_every_list_page_for_the_browser_checks() -> None:
    problems = browser_testing.undeclared_list_pages(browser_testing.declared_pages())
    if problems:
        pytest.fail(
            "List pages the browser checks do not open (axe-core, no JavaScript):\n"
            + "\n".join(f"- {problem}" for problem in problems),
            pytrace=False,
        )


def test_it_declares_only_pages_that_exist() -> None:
    names = {pattern.name for pattern in access_testing.url_patterns() if pattern.name}
    gone = [
        f"- {page.title} ({page.app}) names no URL pattern"
        for page in browser_testing.declared_pages()
        if page.name not in names
    ]
    if gone:
        pytest.fail("Browser page declarations out of step:\n" + "\n".join(gone), pytrace=False)


def test_it_finds_the_list_pages_of_the_site() -> None:
    # The coverage test above is only as good as this discovery.
    routes = browser_testing.list_page_routes()
    assert {"core:division_list", "core:todo_list", "accounts:user_list"} <= set(routes)
    assert routes["core:division_list"] == "divisions/"
