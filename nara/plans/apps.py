import functools

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "nara.plans"
    label = "plans"
    verbose_name = _("Planer och bedömningar")

    def ready(self):
        from nara.access import registry
        from nara.people import panels
        from nara.plans import overview_selectors, relationships
        from nara.plans.models import (
            CarePlan,
            ConditionChange,
            FrailtyAssessment,
            MedicalReferral,
            PatientContract,
            PreparedCareRequest,
            Sip,
            StructuredAssessment,
            TreatmentLimitation,
        )

        registry.register_relationship_source(relationships.unit_takes_part_in_open_sip)
        # The people overview shows the fixed contacts and care team itself (and logs those reads).
        build = functools.partial(overview_selectors.for_person, contacts_logged=True)
        panels.register_overview_panel(
            "plans", "plans/overview/_panel.html", build, order=10, banner="plans/overview/_banner.html"
        )
        registry.register_record_type(Sip, _("SIP"))
        registry.register_record_type(PatientContract, _("Patientkontrakt"))
        registry.register_record_type(FrailtyAssessment, _("CFS-bedömningar"))
        registry.register_record_type(StructuredAssessment, _("Bedömningar och samtal"))
        registry.register_record_type(ConditionChange, _("Förändrat tillstånd"))
        registry.register_record_type(CarePlan, _("Vårdplaner"))
        registry.register_record_type(TreatmentLimitation, _("Behandlingsbegränsningar"))
        registry.register_record_type(PreparedCareRequest, _("Förberedd vårdbegäran"))
        registry.register_record_type(MedicalReferral, _("Medicinsk remiss till akuten"))
