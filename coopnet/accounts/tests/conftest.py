"""Fixtures for the accounts tests.

The cache table (sign-in counters) is made by a migration; it is emptied before each test
because transactional tests commit what they write there.
"""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache(db):
    cache.clear()
    yield
    cache.clear()


def invite_url(raw_token: str) -> str:
    from django.urls import reverse

    return reverse("accounts:invitation_accept", args=[raw_token])
