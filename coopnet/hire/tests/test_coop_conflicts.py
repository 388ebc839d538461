"""coop_conflict_declare and coop_conflict_remove: co-ops that will not work together."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from coopnet.audit.models import AuditEvent
from coopnet.hire.models import CoopConflict
from coopnet.hire.services import coop_conflict_declare, coop_conflict_remove


def actor(request, who: str):
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


@pytest.mark.parametrize("who", ["member", "delegate", "coordinator"])
def test_it_lets_a_worker_owner_or_a_coordinator_declare_one(coop, other_coop, request, who):
    conflict = coop_conflict_declare(
        actor=actor(request, who), coop=coop, other_coop=other_coop, note="A falling-out"
    )
    assert (conflict.coop, conflict.other_coop) == (coop, other_coop)
    assert conflict.declared_by_coop == coop
    assert conflict.note == "A falling-out"


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member"])
def test_it_refuses_anyone_else(coop, other_coop, request, who):
    with pytest.raises(PermissionDenied):
        coop_conflict_declare(actor=actor(request, who), coop=coop, other_coop=other_coop)
    assert not CoopConflict.objects.exists()


def test_it_stores_the_pair_once_whichever_side_declares(coop, other_coop, member, other_member):
    conflict = coop_conflict_declare(actor=other_member, coop=other_coop, other_coop=coop)
    assert conflict.coop_id < conflict.other_coop_id
    assert conflict.declared_by_coop == other_coop
    with pytest.raises(ValidationError) as caught:
        coop_conflict_declare(actor=member, coop=coop, other_coop=other_coop)
    assert "other_coop" in caught.value.message_dict
    assert CoopConflict.objects.count() == 1


def test_a_coop_has_no_conflict_with_itself(coop, member):
    with pytest.raises(ValidationError):
        coop_conflict_declare(actor=member, coop=coop, other_coop=coop)


def test_it_audits_declaring_and_removing(coop, other_coop, member):
    conflict = coop_conflict_declare(actor=member, coop=coop, other_coop=other_coop)
    coop_conflict_remove(actor=member, conflict=conflict)
    declared, removed = AuditEvent.objects.filter(action__startswith="coop_conflict.").order_by(
        "id"
    )
    assert (declared.action, declared.actor) == ("coop_conflict.declare", member)
    assert declared.changes == {"coops": [None, ["hedgerow-digital", "tidewater-tech"]]}
    assert (removed.action, removed.actor) == ("coop_conflict.remove", member)
    assert not CoopConflict.objects.exists()


@pytest.mark.parametrize("who", ["delegate", "coordinator"])
def test_the_declaring_coop_or_a_coordinator_takes_it_back(coop, other_coop, member, request, who):
    conflict = coop_conflict_declare(actor=member, coop=coop, other_coop=other_coop)
    coop_conflict_remove(actor=actor(request, who), conflict=conflict)
    assert not CoopConflict.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member"])
def test_the_other_coop_cannot_take_it_back(coop, other_coop, member, request, who):
    conflict = coop_conflict_declare(actor=member, coop=coop, other_coop=other_coop)
    with pytest.raises(PermissionDenied):
        coop_conflict_remove(actor=actor(request, who), conflict=conflict)
    assert CoopConflict.objects.count() == 1
    assert not AuditEvent.objects.filter(action="coop_conflict.remove").exists()


def test_either_coop_may_take_back_a_conflict_of_unknown_origin(coop, other_coop, other_member):
    conflict = CoopConflict.objects.create(coop=coop, other_coop=other_coop)
    coop_conflict_remove(actor=other_member, conflict=conflict)
    assert not CoopConflict.objects.exists()
