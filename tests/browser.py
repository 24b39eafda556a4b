"""Browser journeys: Playwright driving Debian's Chromium on a phone-sized screen, with axe-core.

Every page a journey loads must be checked with ``a11y(page)`` before the next navigation: the
``page`` fixture counts page loads and fails the test if one was never checked. Any JavaScript
dialog (an ``alert`` from injected script) fails the test too.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def browser_required() -> bool:
    return os.environ.get("BROWSER_TESTS", "").lower() == "required"


def _skip_or_fail(reason: str) -> None:
    if browser_required():
        pytest.fail(f"browser tests are required but {reason}")
    pytest.skip(reason)


class PageChecks:
    def __init__(self) -> None:
        self.loads: list[str] = []
        self.checked = 0
        self.dialogs: list[str] = []


def browser_fixtures():
    @pytest.fixture(scope="session")
    def browser():
        if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
            _skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
        if not AXE_SOURCE.exists():
            _skip_or_fail("axe-core is not installed (npm ci)")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield instance
            instance.close()

    @pytest.fixture
    def page(browser, live_server) -> Iterator:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="fr-FR", base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        checks = PageChecks()
        tab._participation_checks = checks

        def on_load(loaded_page) -> None:
            checks.loads.append(loaded_page.url)

        def on_dialog(dialog) -> None:
            checks.dialogs.append(dialog.message)
            dialog.dismiss()

        tab.on("load", on_load)
        tab.on("dialog", on_dialog)
        yield tab
        context.close()
        assert not checks.dialogs, f"a script ran and opened a dialog: {checks.dialogs}"
        unchecked = checks.loads[checks.checked:]
        assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"

    @pytest.fixture
    def a11y():
        source = AXE_SOURCE.read_text(encoding="utf-8") if AXE_SOURCE.exists() else ""

        def check(tab) -> None:
            """Run axe-core on the page as it is now; fail on any WCAG 2.1 A/AA violation."""
            tab.wait_for_load_state("load")
            if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
                tab.evaluate(source)
            result = tab.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            violations = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [node["target"] for node in v["nodes"]][:5]}
                for v in result["violations"]
            ]
            tab._participation_checks.checked = len(tab._participation_checks.loads)
            assert not violations, f"axe-core violations on {tab.url}:\n{json.dumps(violations, indent=2)}"

        return check

    return browser, page, a11y
