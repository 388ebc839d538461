"""axe-core finds nothing serious on the pages people use most, at desktop and phone widths.

Each page is also saved as a full-page screenshot at both widths (in SCREENSHOT_DIR, by default
/tmp/shots), for a person to look at: axe cannot tell whether a layout looks broken.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
WIDTHS = (1280, 390)
PAGES = {
    "home": "/",
    "directory": "/coops/",
    "profile": "/coops/hedgerow-digital/",
    "login": "/accounts/login/",
    "edit": "/coops/hedgerow-digital/edit/",
    "hire": "/hire/",
    "referral-totals": "/referrals/totals/",
    "referrals": "/referrals/",
    "brief-inbox": "/hire/inbox/",
    "notifications": "/notifications/settings/",
    "conflicts": "/hire/conflicts/hedgerow-digital/",
}
# Pages only a signed-in worker-owner of Hedgerow reaches.
SIGNED_IN = {"edit", "referrals", "brief-inbox", "notifications", "conflicts"}


@pytest.mark.parametrize("name", PAGES)
def test_it_has_no_serious_accessibility_violations(
    name, page: Page, live_server, directory, member, sign_in, serious_accessibility_violations
):
    if name in SIGNED_IN:
        sign_in(page, "member")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    violations = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # Loaded again at each width: the directory folds its filters on a phone at load time.
        response = page.goto(f"{live_server.url}{PAGES[name]}")
        assert response is not None and response.status == 200
        page.screenshot(path=SCREENSHOT_DIR / f"{name}-{width}.png", full_page=True)
        violations[width] = serious_accessibility_violations(page)

    assert violations == {width: [] for width in WIDTHS}
