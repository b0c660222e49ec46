"""Chinese is drawn in a CJK font, so screenshots (and officers' screens) show characters, not
empty boxes: Chromium reports which platform font rendered each piece of text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from shezhi.core.browser_testing import new_context
from shezhi.core.testing import Personas

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

# What shezhi.css asks for first; Debian's fonts-noto-cjk provides it.
CJK_FONT = "Noto Sans CJK SC"


def test_it_renders_the_chinese_of_the_home_page_in_a_cjk_font(
    browser: Browser, live_server: Any, people: Personas
) -> None:
    context = new_context(browser, live_server.url, user=people.county_officer)
    page = context.new_page()
    page.goto("/")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    used: dict[str, list[tuple[str, int]]] = {}
    # The heading, a table cell and the navigation: Chinese in three sizes and weights.
    for selector in ("h1.page-title", "#main td a", "nav .nav-link-title"):
        text = page.locator(selector).first.inner_text()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{selector}: no Chinese in {text!r}"
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        used[f"{selector} {text!r}"] = [(f["familyName"], f["glyphCount"]) for f in fonts]
    not_cjk = {
        where: fonts
        for where, fonts in used.items()
        if any(CJK_FONT not in family for family, _ in fonts) or not fonts
    }
    assert not not_cjk, f"Chinese text not drawn in {CJK_FONT} (install fonts-noto-cjk): {not_cjk}"
    context.close()
