"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Loaded as a pytest plugin by the root conftest.py. A test marked `@pytest.mark.browser` asks for
`page` (a fresh browser context, Chinese-speaking, whose relative URLs go to the live server);
each test gets its own Playwright and Chromium (see `launched_chromium` for why).
Playwright's own browser downloads are never used: the machine's /usr/bin/chromium is, and when
it is missing the tests are skipped, unless SHEZHI_REQUIRE_BROWSER=1 (CI) makes that a failure.
A failing browser test leaves a full-page screenshot under var/test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("SHEZHI_CHROMIUM", "/usr/bin/chromium"))
# Headless and quiet: without the networking switches Chromium keeps calling Google's hosts,
# which this machine's closed network refuses; there is no sandbox for root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(settings.VAR_DIR) / "test-artifacts"
TIMEOUT_MS = 15_000


def browser_required() -> bool:
    return os.environ.get("SHEZHI_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def chromium_or_skip() -> Path:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium "
            "fonts-noto-cjk) to run the browser tests, or point SHEZHI_CHROMIUM at a Chromium"
        )
        if browser_required():
            pytest.fail(message + " (SHEZHI_REQUIRE_BROWSER=1 makes this a failure)")
        pytest.skip(message)
    return CHROMIUM


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Playwright and a headless Chromium for one test, stopped afterwards.

    Playwright's synchronous API marks its event loop as running in this thread between calls.
    While it does, Django takes the thread for async code: it refuses database access unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set, and hands out connections of its own. Keeping Playwright
    to one test confines both effects to that test; a session-long browser would leak them
    into every later test (which then lose the database snapshot that serialized_rollback
    restores).
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Safe here: the loop only carries Playwright's messages, never Django code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
                # The connections Django opened for the test while the loop was marked.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser() -> Iterator[Browser]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page whose relative URLs go to the live server, in a Chinese-speaking browser."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",  # an officer's browser in Guangdong asks for Chinese
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    yield new_page
    context.close()


def screenshot_path(nodeid: str) -> Path:
    return ARTIFACTS / (re.sub(r"[^\w.-]+", "_", nodeid).strip("_") + ".png")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Taken while the page still shows what went wrong; fixtures are torn down after this.
    if report.when == "call" and report.failed and item.get_closest_marker("browser"):
        funcargs = getattr(item, "funcargs", {})
        page, browser = funcargs.get("page"), funcargs.get("browser")
        # The `page` fixture's page, or else every page still open in the test's browser.
        pages = [page] if page is not None else []
        if not pages and browser is not None:
            pages = [p for context in browser.contexts for p in context.pages]
        for n, open_page in enumerate(p for p in pages if not p.is_closed()):
            path = screenshot_path(item.nodeid + (f"-{n}" if n else ""))
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                open_page.screenshot(path=str(path), full_page=True)
                report.sections.append(("browser screenshot", f"{path} (page at {open_page.url})"))
            except Exception as exc:  # never hide the test's own failure behind this one
                report.sections.append(("browser screenshot", f"not taken: {exc}"))
    return report
