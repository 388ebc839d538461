"""Shared fixtures: a small network with a named user for every role.

Every write gets a permission test against these: `anonymous` (the test client as is),
`outsider` (signed in, no co-op), `other_member` (a worker-owner of another co-op),
`member` (a worker-owner of `coop`), `delegate` (also of `coop`) and `coordinator` (staff).
"""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; the test skips, saying why, only when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the real reference data is not here: {SHARED_DATA} is absent")
    return path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness, times every sign-in the suite makes, costs minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_queued_tasks() -> None:
    """Run every queued background task, as `manage.py db_worker --batch` does.

    The worker checks its database connection between tasks, which closes a connection that is
    inside a test's transaction on PostgreSQL: tests that call this use
    `@pytest.mark.django_db(transaction=True)`.
    """
    from django.core.management import call_command
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    call_command("db_worker", batch=True, verbosity=0)
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert not failed.exists(), [result.traceback for result in failed]


@pytest.fixture
def coop(db):
    from coopnet.directory.models import Coop

    return Coop.objects.create(
        name="Hedgerow Digital",
        slug="hedgerow-digital",
        description="We build **accessible** websites for charities.",
        status=Coop.Status.MEMBER,
        country="GB",
        locality="Sheffield",
        workers=6,
        worker_owners=5,
        availability=Coop.Availability.OPEN,
    )


@pytest.fixture
def other_coop(db):
    from coopnet.directory.models import Coop

    return Coop.objects.create(
        name="Tidewater Tech",
        slug="tidewater-tech",
        description="Python and data work.",
        status=Coop.Status.MEMBER,
        country="GB",
        workers=3,
    )


def _user(username: str, **extra):
    from coopnet.accounts.models import User

    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password="correct horse 42", **extra
    )


def coop_with_worker(slug: str, **extra):
    """A member co-op named after `slug` and one worker-owner of it (username `slug`)."""
    from coopnet.accounts.models import Membership
    from coopnet.directory.models import Coop

    fields = {"status": Coop.Status.MEMBER, "country": "GB", **extra}
    coop = Coop.objects.create(name=slug.replace("-", " ").title(), slug=slug, **fields)
    user = _user(slug)
    Membership.objects.create(user=user, coop=coop)
    return coop, user


@pytest.fixture
def outsider(db):
    return _user("outsider")


@pytest.fixture
def member(coop):
    from coopnet.accounts.models import Membership

    user = _user("member", display_name="Mo Member")
    Membership.objects.create(user=user, coop=coop, is_profile_admin=True)
    return user


@pytest.fixture
def delegate(coop):
    from coopnet.accounts.models import Membership

    user = _user("delegate")
    Membership.objects.create(user=user, coop=coop, is_delegate=True)
    return user


@pytest.fixture
def other_member(other_coop):
    from coopnet.accounts.models import Membership

    user = _user("othermember")
    Membership.objects.create(user=user, coop=other_coop)
    return user


@pytest.fixture
def coordinator(db):
    return _user("coordinator", is_staff=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, started the way this closed network needs (see shared/RECIPES.md)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_finish(session):
    # Browser tests need the ORM inside Playwright's event loop (see shared/RECIPES.md). Only
    # the tests that will run count (after -m/-k deselection): the variable must not leak into
    # other runs, where `manage.py check --deploy` rightly refuses it.
    if any(item.get_closest_marker("browser") for item in session.items):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
