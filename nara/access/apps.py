from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "nara.access"
    label = "access"

    def ready(self):
        from nara.access import registry
        from nara.access.models import Block, Consent

        registry.register_record_type(Consent, _("Samtycken"))
        registry.register_record_type(Block, _("Spärrar"))
