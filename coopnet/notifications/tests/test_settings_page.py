import re

import pytest
from django.urls import reverse

from coopnet.audit.models import AuditEvent
from coopnet.notifications.models import Delivery, NotificationSettings
from coopnet.notifications.services import delivery_for

SETTINGS = reverse("notifications:settings")


def checked(html: str) -> str:
    [value] = re.findall(r'<input type="radio" name="delivery" value="(\w+)"[^>]*\bchecked', html)
    return value


def test_it_sends_anonymous_people_to_sign_in(client, db):
    for response in [client.get(SETTINGS), client.post(SETTINGS, {"delivery": "none"})]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not NotificationSettings.objects.exists()


def test_it_offers_the_three_choices_as_one_labelled_group(client, member):
    client.force_login(member)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    content = response.content.decode()
    fieldset = content[content.index("<fieldset") : content.index("</fieldset>")]
    assert "<legend>" in fieldset
    for value in Delivery.values:
        assert f'value="{value}"' in fieldset
    # Nobody chose yet: mail at once is the default, and it is what the form shows.
    assert checked(fieldset) == "instant"


@pytest.mark.parametrize("who", ["outsider", "other_member", "member", "coordinator"])
@pytest.mark.parametrize("choice", ["digest", "none"])
def test_it_saves_each_persons_own_choice(client, who, choice, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(SETTINGS, {"delivery": choice})
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    assert delivery_for(user) == choice
    assert not NotificationSettings.objects.exclude(user=user).exists()


def test_it_audits_a_change(client, member):
    client.force_login(member)
    client.post(SETTINGS, {"delivery": "digest"})
    event = AuditEvent.objects.get(action="notifications.settings")
    assert event.actor == member
    assert event.changes == {"delivery": ["instant", "digest"]}


def test_it_shows_the_saved_choice(client, member):
    client.force_login(member)
    client.post(SETTINGS, {"delivery": "digest"})
    content = client.get(SETTINGS).content.decode()
    assert checked(content) == "digest"


def test_it_says_when_the_digest_goes_out(client, member):
    from coopnet.network.models import NetworkSettings

    network = NetworkSettings.load()
    network.digest_hour = 6
    network.save()
    client.force_login(member)
    assert "06:00 UTC" in client.get(SETTINGS).content.decode()


@pytest.mark.parametrize("posted", [{}, {"delivery": "weekly"}])
def test_it_explains_a_bad_choice_next_to_the_field(client, member, posted):
    client.force_login(member)
    response = client.post(SETTINGS, posted)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'aria-describedby="id_delivery_helptext id_delivery_error"' in content
    assert 'id="id_delivery_error"' in content
    assert delivery_for(member) == Delivery.INSTANT
