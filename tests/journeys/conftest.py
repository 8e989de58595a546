"""Browser journeys: Playwright for Python driving Debian's Chromium against live_server."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from ksf.demo import DEMO_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "cms" / "static" / "cms" / "screenshots"


def chromium_path() -> str | None:
    from tests.conftest import find_chromium

    return find_chromium()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    blocked: list[str] = []
    tab.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()
    # Everything the pages run must be allowed by the Content-Security-Policy.
    assert not blocked, blocked


def restore_platform() -> None:
    """Put the reference data back after earlier transactional tests emptied the database,
    and forget content type ids cached in-process (they change when the table is refilled)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian import shortcuts
    from wagtail.permission_policies.base import BaseDjangoAuthPermissionPolicy
    from wagtail.permissions import policy_registry

    call_command("ensure_platform_data", verbosity=0)
    ContentType.objects.clear_cache()
    shortcuts._get_ct_cached.cache_clear()
    registered = [
        *policy_registry.values_by_class.values(),
        *policy_registry.values_by_exact_class.values(),
        *policy_registry.fallback_policies.values(),
    ]
    for policy in [*registered, *_ksf_policies()]:
        if isinstance(policy, BaseDjangoAuthPermissionPolicy):
            policy.__dict__.pop("_content_type", None)


@pytest.fixture
def demo(live_server):
    restore_platform()
    call_command("seed_demo", verbosity=0)


def _ksf_policies():
    from ksf.policies import staff_policy, team_policy

    return [staff_policy, team_policy]


def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()


def screenshot(page, name: str) -> None:
    """Refresh the README's screenshots when asked (UPDATE_SCREENSHOTS=1)."""
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)
