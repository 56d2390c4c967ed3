"""The access bases an access-log row can name (DESIGN.md §4, docs/decisions.md "Access bases").

They live with the log, the lowest layer that records them, so that the policy, the log and every domain app can
name a basis without importing the access app.
"""

from django.db import models
from django.utils.translation import gettext_lazy


class Basis(models.TextChoices):
    OWN_ORG = "own_org", gettext_lazy("Egen huvudman")
    CONSENT = "consent", gettext_lazy("Samtycke")
    EMERGENCY = "emergency", gettext_lazy("Nödåtkomst")
    RELATIONSHIP = "relationship", gettext_lazy("Vårdrelation (gemensamt register)")
    LOG_REVIEW = "log_review", gettext_lazy("Logguppföljning")
    ADMISSION = "admission", gettext_lazy("Inskrivning på avdelning")
