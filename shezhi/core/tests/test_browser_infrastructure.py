"""The browser-test machinery itself: it leaves Django as it found it, and keeps evidence."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connections

from shezhi.core.models import Division
from shezhi.core.tests.browser import chromium_or_skip, launched_chromium

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_django_has_its_thread_back_once_the_browser_is_closed() -> None:
    connection = connections["default"]
    with launched_chromium() as chromium:
        chromium.new_page().goto("about:blank")
    # Playwright marks its loop as running in this thread; it must be gone, or Django would
    # treat every later test as async code and hand it other database connections.
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    assert connections["default"] is connection
    assert Division.objects.filter(level=Division.Level.CITY, is_current=True).count() == 21


def test_a_failing_browser_test_leaves_a_full_page_screenshot(tmp_path: Path) -> None:
    chromium_or_skip()
    (tmp_path / "test_broken_page.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.browser
            def test_looks_for_a_heading_that_is_not_there(page):
                from playwright.sync_api import expect

                page.goto("/public/")
                expect(page.get_by_role("heading", name="没有这个标题")).to_be_visible(timeout=500)
            """
        )
    )
    # SQLite and no Redis: on PostgreSQL the inner run would take over this run's test database.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SHEZHI_REQUIRE_BROWSER"}
    }
    env.update(SHEZHI_VAR_DIR=str(tmp_path / "var"), DEBUG="1")
    result = subprocess.run(  # this Python, running pytest on the file above
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "shezhi.core.tests.browser",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:locust",
            "--ds=shezhi.settings",
            "-o",
            "markers=browser",
            "-q",
            "test_broken_page.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr  # one test failed, as meant
    shots = list((tmp_path / "var" / "test-artifacts").glob("*.png"))
    assert [shot.name for shot in shots] == [
        "test_broken_page.py_test_looks_for_a_heading_that_is_not_there.png"
    ]
    assert shots[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "browser screenshot" in result.stdout
    assert str(shots[0]) in result.stdout
