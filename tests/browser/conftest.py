"""Fixtures for the browser tests: a small directory to walk through, signing in, axe-core.

The data is created in the test's own thread and committed (`live_server` makes every test that
uses it transactional), so the server thread and Chromium see it.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coopnet.directory.models import Coop, Service, Technology

REPO = Path(__file__).resolve().parents[2]
AXE_PATH = REPO / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse 42"  # the root conftest gives every named user this one


@pytest.fixture
def directory(coop, other_coop) -> None:
    """Four member co-ops, three of which offer web development.

    A search for "charities" matches Yarrow by its name and Hedgerow only by its description,
    so relevance puts Yarrow first where the alphabet would not.
    """
    web = Service.objects.create(name="Web development", slug="web-development")
    hosting = Service.objects.create(name="Hosting", slug="hosting")
    drupal = Technology.objects.create(name="Drupal", slug="drupal")

    coop.website = "https://hedgerow.example"
    coop.email = "hello@hedgerow.example"
    coop.save(update_fields=["website", "email"])
    coop.services.add(web, hosting)
    coop.technologies.add(drupal)
    other_coop.services.add(hosting)
    yarrow = Coop.objects.create(
        name="Yarrow Works for Charities",
        slug="yarrow-works",
        description="Fundraising websites and donor databases.",
        status=Coop.Status.MEMBER,
        country="GB",
        workers=4,
    )
    yarrow.services.add(web)
    bramble = Coop.objects.create(
        name="Bramble Code",
        slug="bramble-code",
        description="Web applications for small businesses.",
        status=Coop.Status.MEMBER,
        country="GB",
        workers=2,
    )
    bramble.services.add(web)
    for listed in (coop, other_coop, yarrow, bramble):
        listed.refresh_search_tags()


@pytest.fixture
def sign_in(live_server) -> Callable[[Page, str], None]:
    """Sign in through the login form, as a person does, and land on the dashboard."""

    def sign_in(page: Page, username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email address or username").fill(username)
        page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()

    return sign_in


@pytest.fixture(scope="session")
def axe_script() -> Path:
    # A missing axe-core must fail the accessibility tests, never skip them quietly.
    assert AXE_PATH.is_file(), f"axe-core is not at {AXE_PATH}: run scripts/ensure-axe.sh first"
    return AXE_PATH


@pytest.fixture
def serious_accessibility_violations(axe_script: Path) -> Callable[[Page], list[str]]:
    """axe-core's violations of impact serious or critical on the page as it is now.

    Each is one line naming the rule, its impact, the selectors of the offending elements and
    axe's own summary, so a failing assertion says what to fix and where.
    """

    def check(page: Page) -> list[str]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=axe_script)
        result = page.evaluate(
            """() => axe.run(document, {
                resultTypes: ["violations"],
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
            })"""
        )
        return [
            f"{violation['id']} ({violation['impact']}) at "
            + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
            + f": {violation['help']}"
            for violation in result["violations"]
            if violation["impact"] in ("serious", "critical")
        ]

    return check
