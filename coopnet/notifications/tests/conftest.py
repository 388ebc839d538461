import pytest


@pytest.fixture
def digest_reader(member):
    from coopnet.notifications.services import notification_settings_set

    notification_settings_set(user=member, delivery="digest")
    return member
