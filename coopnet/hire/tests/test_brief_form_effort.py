"""/hire/: the brief's estimated effort is a plain range, 1 to 10,000 person-days, or nothing."""

import html as html_lib
import re

import pytest
from django.core.cache import cache

from coopnet.hire.models import Brief
from coopnet.hire.tests.test_brief_form import URL, form_data

MESSAGE = (
    "A whole number of person-days between 1 and 10,000; leave it empty if you don&#x27;t know."
)


@pytest.fixture(autouse=True)
def no_rate_limit_left_over(db):
    # The per-address brief limit counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "typed", ["0", "-5", "10001", "100000000", "99999999999999999999999", "2.5", "lots"]
)
def test_it_refuses_an_effort_outside_the_range_with_one_plain_message(client, db, typed):
    response = client.post(URL, form_data(effort_days=typed))

    assert response.status_code == 400
    page = response.content.decode()
    assert MESSAGE in page
    assert "9223372036854775807" not in page
    assert "greater than or equal" not in page
    assert "less than or equal" not in page
    # The message belongs to the field, and what was typed is kept.
    assert re.search(r'aria-describedby="[^"]*id_effort_days_error[^"]*"', page)
    assert 'id="id_effort_days_error"' in page
    assert f'value="{html_lib.escape(typed)}"' in page
    assert not Brief.objects.exists()


@pytest.mark.parametrize(("typed", "saved"), [("1", 1), ("10000", 10_000), ("", None)])
def test_it_takes_an_effort_inside_the_range_or_none(client, db, typed, saved):
    response = client.post(URL, form_data(effort_days=typed))

    assert response.status_code == 302
    assert Brief.objects.get().effort_days == saved


def test_it_tells_the_browser_and_the_client_the_range_before_they_type(client, db):
    page = client.get(URL).content.decode()

    field = re.search(r'<input[^>]*name="effort_days"[^>]*>', page).group(0)
    assert 'type="number"' in field
    assert 'min="1"' in field
    assert 'max="10000"' in field
    assert "Only if you know, from 1 to 10,000." in page
