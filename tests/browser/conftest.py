"""Browser tests: Debian's chromium driven by Playwright against a live server on a simulated clock."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DUBAN_CHROMIUM", "/usr/bin/chromium")
# Screenshots go under the var folder; DUBAN_SCREENSHOTS=docs/screenshots refreshes the documented ones.
VAR = Path(os.environ.get("DUBAN_VAR_DIR") or Path(__file__).resolve().parents[2] / "var")
SHOTS = Path(os.environ.get("DUBAN_SCREENSHOTS") or VAR / "screenshots")
PHONE = {"width": 360, "height": 780}  # a small phone: pages must not scroll sideways
DESKTOP = {"width": 1280, "height": 900}
ROOT = Path(__file__).resolve().parents[2]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - CI installs it
    sync_playwright = None

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    missing = sync_playwright is None or not shutil.which(CHROMIUM)
    for item in items:
        if missing and "browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=f"needs playwright and {CHROMIUM} (.ci/run installs both)"))


@pytest.fixture(scope="session")
def chromium():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM is used beside Playwright's sync loop
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def clock():
    """Work in the spring of 2024 (the plan's first half year); time flows from there."""
    import time_machine

    with time_machine.travel(dt.datetime(2024, 3, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                             tick=True) as traveller:
        yield traveller


@pytest.fixture
def site(settings, live_server, clock):
    """The Yunxi plan on a live server; cookies without expiry (the browser's clock is not simulated)."""
    from workflows.plans.services.seed import plan_load_file
    from workflows.processes.services.definitions import definition_deploy_folder

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    definition_deploy_folder(folder=ROOT / "bpmn")
    plan = plan_load_file(path=ROOT / "workflows" / "plans" / "seed" / "yunxi-2024.json", password="pw")
    return {"url": live_server.url, "plan": plan}


@pytest.fixture
def login(chromium, site, request):
    """Open a page signed in as a user, at a viewport, in a language.

    Every page the signed-in browser loads is remembered; when the test ends, each is opened again as
    that user and checked for one language, accessibility and width (``checks.revisit``), so a page a
    test passes through without a picture is checked too. A test module's ``TYPED`` lists what its
    test types into the pages (shown as entered, in any language)."""
    from tests.browser.checks import revisit

    contexts = []

    def open_as(username: str, viewport: dict = DESKTOP, language: str = "zh-hans", password: str = "pw"):
        context = chromium.new_context(viewport=viewport, locale="zh-CN" if language == "zh-hans" else "en-US")
        visited: list[str] = []
        contexts.append((context, visited))
        page = context.new_page()
        page.on("load", lambda loaded: visited.append(loaded.url))
        page.goto(f"{site['url']}/login/")
        if language != "zh-hans":
            page.select_option("#language", language)
            page.wait_for_load_state()
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_as
    try:
        for context, visited in contexts:
            revisit(context, visited, getattr(request.module, "TYPED", ()))
    finally:
        for context, _ in contexts:
            context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
