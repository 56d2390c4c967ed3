from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentifyConfig(AppConfig):
    name = "nara.identify"
    label = "identify"

    def ready(self):
        from nara.access import registry
        from nara.identify import timeline
        from nara.identify.models import RiskDecision
        from nara.people import panels

        panels.register_overview_panel("timeline", "identify/_timeline.html", timeline.for_person, 30)

        registry.register_record_type(RiskDecision, _("Beslut från risklistan"))
