"""Real-browser fixtures: Debian's chromium driven by Playwright (no downloaded browser)."""

import io
import itertools
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


# The project's own apps, in dependency order; their rows make up the demo snapshot.
DEMO_APPS = ("portal", "news", "feedback", "crisis")
_demo_snapshot: list[str] = []


def _snapshot_demo_rows() -> str:
    querysets = (
        model._default_manager.order_by("pk")
        for app in DEMO_APPS
        for model in apps.get_app_config(app).get_models()
    )
    return serializers.serialize("json", itertools.chain.from_iterable(querysets))


def _restore_demo_rows(data: str) -> None:
    deferred = []
    for row in serializers.deserialize("json", data, handle_forward_references=True):
        row.save()  # raw: no model save() logic, no photo rendering
        if row.deferred_fields:
            deferred.append(row)
    for row in deferred:
        row.save_deferred_fields()


@pytest.fixture
def demo_site(live_server, transactional_db, settings):
    """The live site with the demo content, news photos served.

    load_demo draws and encodes a dozen photos (seconds of work); the first test of the
    session runs it and later tests restore its rows from a snapshot (the photo files stay
    in the session's MEDIA_ROOT). Each transactional test ends by emptying the database.
    """
    settings.ROOT_URLCONF = "tests.browser.news_media_urls"
    if _demo_snapshot:
        _restore_demo_rows(_demo_snapshot[0])
    else:
        call_command("load_demo", stdout=io.StringIO())
        _demo_snapshot.append(_snapshot_demo_rows())
    return live_server


@pytest.fixture
def new_page(browser):
    """Opens pages at a given viewport; closes them after the test."""
    contexts = []

    def open_page(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Full-page screenshot in a git-ignored folder, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
