"""Roles and what each may do: the one place where a role's rights are written down."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ELDER_NURSE = "elder_nurse", _("Äldresjuksköterska/lots")
    NURSE = "nurse", _("Sjuksköterska")
    PHYSICIAN = "physician", _("Läkare")
    NEEDS_ASSESSOR = "needs_assessor", _("Biståndshandläggare")
    OCCUPATIONAL_THERAPIST = "occupational_therapist", _("Arbetsterapeut")
    PHYSIOTHERAPIST = "physiotherapist", _("Fysioterapeut")
    ASSISTANT_NURSE = "assistant_nurse", _("Undersköterska")
    MANAGER = "manager", _("Enhetschef/verksamhetschef")
    ANALYST = "analyst", _("Utvecklingsledare/analytiker")


class Capability(models.TextChoices):
    PERSON_DATA = "person_data", _("Läsa och registrera uppgifter om personer med vårdrelation")
    CONSENT = "consent", _("Registrera samtycke och spärr")
    EMERGENCY = "emergency", _("Nödåtkomst")
    LOG_REVIEW = "log_review", _("Logguppföljning")
    AGGREGATES = "aggregates", _("Sammanställd statistik")
    IMPORT = "import", _("Läsa in uttag till analyslagret")


_CLINICAL = {Capability.PERSON_DATA, Capability.CONSENT}
ROLE_CAPABILITIES: dict[str, set[str]] = {
    Role.ELDER_NURSE: _CLINICAL | {Capability.EMERGENCY},
    Role.NURSE: _CLINICAL | {Capability.EMERGENCY},
    Role.PHYSICIAN: _CLINICAL | {Capability.EMERGENCY},
    Role.NEEDS_ASSESSOR: set(_CLINICAL),
    Role.OCCUPATIONAL_THERAPIST: set(_CLINICAL),
    Role.PHYSIOTHERAPIST: set(_CLINICAL),
    Role.ASSISTANT_NURSE: {Capability.PERSON_DATA},
    # A manager appoints fixed contacts (so reads the register for the unit's persons, like any carer there) and
    # reviews the organisation's access logs.
    # Importing extracts of the whole population into the lake is for analysts and managers, never for clinicians;
    # the upload also requires a region assignment (docs/decisions.md, "Uploading extracts").
    Role.MANAGER: {Capability.PERSON_DATA, Capability.LOG_REVIEW, Capability.AGGREGATES, Capability.IMPORT},
    Role.ANALYST: {Capability.AGGREGATES, Capability.IMPORT},
}


def capabilities(roles) -> frozenset[str]:
    caps: set[str] = set()
    for role in roles:
        caps |= ROLE_CAPABILITIES.get(role, set())
    return frozenset(caps)
