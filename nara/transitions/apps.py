from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionsConfig(AppConfig):
    name = "nara.transitions"
    label = "transitions"
    verbose_name = _("Övergångar")

    def ready(self):
        from nara.access import registry
        from nara.transitions import relationships
        from nara.transitions.models import DischargeCase, HomeHealthEnrolment

        registry.register_relationship_source(relationships.unit_addressed_by_open_case)
        registry.register_relationship_source(relationships.unit_handles_enrolment)
        registry.register_relationship_source(relationships.unit_has_open_follow_up)
        registry.register_record_type(DischargeCase, _("Utskrivningsärenden"))
        registry.register_record_type(HomeHealthEnrolment, _("Inskrivning i hemsjukvård"))
