from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nara.audit"
    label = "audit"
