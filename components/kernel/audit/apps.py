from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "components.kernel.audit"
    label = "audit"
    verbose_name = "Audit trail"
