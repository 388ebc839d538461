"""Keep each co-op's `search_tags` (read by the full-text index) in step with its taxonomies."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from coopnet.directory.models import CaseStudy, Client, Coop, Service, Technology


@receiver(m2m_changed, sender=Coop.services.through)
@receiver(m2m_changed, sender=Coop.technologies.through)
@receiver(m2m_changed, sender=Coop.clients.through)
def coop_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        # A term gained or lost co-ops: refresh those co-ops.
        for coop in Coop.objects.filter(pk__in=pk_set or []):
            coop.refresh_search_tags()
    else:
        instance.refresh_search_tags()


@receiver(m2m_changed, sender=CaseStudy.coops.through)
def case_study_coops_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    coops = [instance] if reverse else Coop.objects.filter(pk__in=pk_set or [])
    for coop in coops:
        coop.refresh_search_tags()


@receiver(post_save, sender=Service)
@receiver(post_save, sender=Technology)
@receiver(post_save, sender=Client)
@receiver(post_save, sender=CaseStudy)
def term_renamed(sender, instance, created, **kwargs):
    if created:
        return
    coops = instance.coops.prefetch_related("services", "technologies", "clients", "case_studies")
    for coop in coops:
        coop.refresh_search_tags()
