from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionsConfig(AppConfig):
    name = "nara.transitions"
    label = "transitions"
    verbose_name = _("Övergångar")

    def ready(self):
        from nara.access import registry
        from nara.people import panels
        from nara.transitions import case_services, person_panel, relationships
        from nara.transitions.models import DischargeCase, HomeHealthEnrolment

        panels.register_overview_panel("transitions", "transitions/person/_panel.html", person_panel.for_person, 20)
        registry.register_relationship_source(relationships.unit_addressed_by_open_case)
        registry.register_relationship_source(relationships.unit_handles_enrolment)
        registry.register_relationship_source(relationships.unit_has_open_follow_up)
        registry.register_record_type(DischargeCase, _("Utskrivningsärenden"))
        registry.register_record_type(HomeHealthEnrolment, _("Inskrivning i hemsjukvård"))
        # The consent recorded with the admission notice covers the discharge case only (docs/decisions.md).
        registry.register_consent_scope(
            case_services.CONSENT_SCOPE,
            _("uppgifterna i utskrivningsärendet"),
            [DischargeCase._meta.label_lower],
        )
