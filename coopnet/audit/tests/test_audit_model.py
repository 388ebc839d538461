import pytest

from coopnet.audit.models import AuditEvent
from coopnet.audit.services import audit_record, diff_fields


@pytest.fixture
def event(coop, coordinator):
    return audit_record(
        actor=coordinator,
        action="coop.update",
        target=coop,
        changes={"name": ("Old name", "Hedgerow Digital"), "workers": (4, 6)},
    )


def test_it_records_who_what_on_what_and_old_and_new_values(event, coop, coordinator):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == coordinator
    assert stored.actor_label == "coordinator"
    assert stored.action == "coop.update"
    assert (stored.target_type, stored.target_id) == ("directory.coop", str(coop.pk))
    assert stored.target_label == "Hedgerow Digital"
    assert stored.changes == {"name": ["Old name", "Hedgerow Digital"], "workers": [4, 6]}
    assert stored.created_at is not None
    assert list(AuditEvent.objects.for_object(coop)) == [stored]


def test_it_keeps_the_actors_name_when_the_actor_is_a_process(coop):
    event = audit_record(actor="importer:cotech", action="coop.import", target=coop)
    assert event.actor is None
    assert event.actor_label == "importer:cotech"


def test_it_keeps_the_event_when_the_actor_is_deleted(event, coordinator):
    coordinator.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor is None
    assert stored.actor_label == "coordinator"


def test_it_refuses_to_save_an_existing_event_again(event):
    event.action = "coop.something_else"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "coop.update"


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_queryset_updates_and_deletes(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "coop.update"


def test_it_diffs_only_the_fields_that_changed():
    before = {"name": "A", "workers": 3, "languages": ["en"]}
    after = {"name": "A", "workers": 4, "languages": ["en"]}
    assert diff_fields(before, after) == {"workers": (3, 4)}
