from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "coopnet.audit"
    verbose_name = "Audit log"
