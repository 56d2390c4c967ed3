from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "nara.people"
    label = "people"

    def ready(self):
        from nara.access import registry
        from nara.people import relationships
        from nara.people.models import CareTeamMember, FixedContact, Relative

        registry.register_relationship_source(relationships.listed_at_unit)
        registry.register_relationship_source(relationships.unit_on_care_team)
        registry.register_relationship_source(relationships.unit_holds_fixed_contact)
        registry.register_record_type(Relative, _("Närstående"))
        registry.register_record_type(FixedContact, _("Fasta kontakter"))
        registry.register_record_type(CareTeamMember, _("Vårdteam"))
