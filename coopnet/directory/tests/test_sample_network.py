import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import Coop
from coopnet.directory.sample import COOP_NAMES, SAMPLE_PASSWORD
from coopnet.hire.models import Brief, BriefRecipient
from coopnet.referrals.ledger import coop_ledger
from coopnet.referrals.models import Referral


def test_it_loads_an_invented_network_with_every_role(db):
    call_command("load_sample_network", "--if-empty", verbosity=0)

    assert Coop.objects.count() == len(COOP_NAMES) == 40
    assert set(Coop.objects.values_list("status", flat=True)) == {
        "member",
        "former",
        "observed",
        "applicant",
    }
    assert Coop.objects.values("country").distinct().count() >= 6
    assert Coop.objects.filter(case_studies__isnull=False).distinct().count() >= 10
    assert User.objects.get(username="coordinator").is_staff
    assert Membership.objects.filter(is_delegate=True).exists()
    assert User.objects.get(username="ada").check_password(SAMPLE_PASSWORD)
    # Every member is findable by what it does.
    assert all(c.search_tags for c in Coop.objects.members())


def test_it_shows_each_flow_at_a_step_a_person_can_act_on(db):
    call_command("load_sample_network", verbosity=0)

    ada = User.objects.get(username="ada")
    statuses = sorted(Brief.objects.values_list("status", flat=True))
    assert statuses == ["chosen", "new", "sent"]
    assert BriefRecipient.objects.for_user(ada).filter(response="pending").exists()
    assert sorted(Referral.objects.values_list("status", flat=True)) == [
        "claimed",
        "offered",
        "won",
    ]
    assert coop_ledger(ada.memberships.get().coop).given_won == 1


def test_it_loads_only_into_an_empty_database(db):
    call_command("load_sample_network", verbosity=0)
    call_command("load_sample_network", "--if-empty", verbosity=0)
    assert Coop.objects.count() == 40
    with pytest.raises(CommandError, match="already has co-ops"):
        call_command("load_sample_network", verbosity=0)


@override_settings(PRODUCTION=True)
def test_it_refuses_to_load_in_production(db):
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("load_sample_network", verbosity=0)
    assert not Coop.objects.exists()
