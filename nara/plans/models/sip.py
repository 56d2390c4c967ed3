"""SIP (samordnad individuell plan), HSL 16 kap. 4 § / SoL: reference/rules.md §2.

The Sip row is the unit of access and of locking: it is recorded by the initiating organisation, the other
participating organisations see it through the consent the person gives to the SIP (access.Consent rows created
with it), and every change of any part (goals, actions, participants …) goes through the Sip's version check, so
two people editing one plan at once are detected. Each change also writes a SipVersion snapshot (who, when, what).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.access.models import Consent
from nara.core.validators import validate_phone
from nara.directory.models import Organisation, Unit
from nara.people.models import Person, PersonRecord, Relative


class SipStatus(models.TextChoices):
    INITIATED = "initiated", _("Initierad")
    INVITED = "invited", _("Kallad")
    MAPPING = "mapping", _("Kartläggning")
    ACTIVE = "active", _("Plan fastställd")
    CLOSED = "closed", _("Avslutad")


class Sip(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sips")
    status = models.CharField(
        _("status"), max_length=20, choices=SipStatus.choices, default=SipStatus.INITIATED
    )
    initiative_reason = models.TextField(_("skäl till initiativet"))

    # The person's consent to the SIP (required before the plan is made).
    consent_given_at = models.DateTimeField(_("samtycke till SIP lämnat"), null=True, blank=True)
    consent_method = models.CharField(
        _("hur samtycket lämnades"), max_length=20, choices=Consent.Method.choices, blank=True
    )
    consent_given_by = models.CharField(
        _("samtycket lämnades av"),
        max_length=200,
        blank=True,
        help_text=_("Personen själv eller företrädare."),
    )
    relatives_take_part = models.BooleanField(_("närstående deltar"), default=False)
    relatives_note = models.CharField(_("vilka närstående deltar"), max_length=300, blank=True)
    consents = models.ManyToManyField(Consent, blank=True, related_name="sips", verbose_name=_("samtycken"))

    # Kartläggning
    what_matters = models.TextField(_("det här är viktigt för mig"), blank=True)
    situation = models.TextField(_("nuvarande situation"), blank=True)
    needs = models.TextField(_("behov"), blank=True)

    # The plan
    overall_responsible_org = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huvudman med övergripande ansvar"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samordnare"),
    )
    coordinator_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samordnarens enhet"),
    )
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    plan_agreed_at = models.DateTimeField(_("planen fastställd"), null=True, blank=True)

    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    closed_reason = models.TextField(_("skäl till avslut"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avslutad av"),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_follow_up"])]
        verbose_name = _("SIP")
        verbose_name_plural = _("SIP:ar")

    def __str__(self) -> str:
        return f"SIP {self.created_at:%Y-%m-%d}" if self.created_at else "SIP"

    @property
    def is_open(self) -> bool:
        return self.status != SipStatus.CLOSED


class SipParticipant(models.Model):
    """Someone taking part: staff of an organisation, the person, a relative or another party."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Personal")
        PERSON = "person", _("Personen själv")
        RELATIVE = "relative", _("Närstående")
        OTHER = "other", _("Annan")

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("deltagare"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huvudman"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sip_participations",
        verbose_name=_("enhet"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbetare"),
    )
    relative = models.ForeignKey(
        Relative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("närstående"),
    )
    name = models.CharField(_("namn"), max_length=200, blank=True)
    role = models.CharField(_("roll"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    added_at = models.DateTimeField(_("tillagd"), default=timezone.now)
    removed_at = models.DateTimeField(_("borttagen"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("SIP-deltagare")
        verbose_name_plural = _("SIP-deltagare")

    def __str__(self) -> str:
        if self.staff_id:
            return self.staff.get_full_name() or self.staff.username
        return self.name or str(self.unit or "")


class SipMeeting(models.Model):
    """A SIP meeting and its invitation (kallelse): time, place or video link."""

    class Kind(models.TextChoices):
        PLANNING = "planning", _("SIP-möte")
        FOLLOW_UP = "follow_up", _("Uppföljningsmöte")

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("typ av möte"), max_length=20, choices=Kind.choices, default=Kind.PLANNING)
    starts_at = models.DateTimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    video_link = models.URLField(_("länk till videomöte"), blank=True)
    message = models.TextField(_("meddelande i kallelsen"), blank=True)
    invited_at = models.DateTimeField(_("kallelse skickad"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("kallad av")
    )
    cancelled_at = models.DateTimeField(_("inställt"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("SIP-möte")
        verbose_name_plural = _("SIP-möten")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class SipMeetingResponse(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Inte svarat")
        CONFIRMED = "confirmed", _("Bekräftat")
        DECLINED = "declined", _("Kan inte delta")

    meeting = models.ForeignKey(SipMeeting, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(SipParticipant, on_delete=models.CASCADE, related_name="responses")
    answer = models.CharField(_("svar"), max_length=20, choices=Answer.choices, default=Answer.PENDING)
    answered_at = models.DateTimeField(_("svarade"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"], name="one_response_each")]

    def __str__(self) -> str:
        return self.get_answer_display()


class SipGoal(models.Model):
    """The person's own goal, in their own words."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("mål"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")

    def __str__(self) -> str:
        return self.text


class SipAction(models.Model):
    """An insats: what is done, by which organisation, unit and named person, by when."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Utförd")
        CANCELLED = "cancelled", _("Avbruten")

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        SipGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("mål"),
    )
    description = models.TextField(_("insats"))
    responsible_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarig huvudman")
    )
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig enhet"),
    )
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig person"),
    )
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    done_at = models.DateTimeField(_("utförd"), null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["responsible_unit", "status", "due_date"])]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")

    def __str__(self) -> str:
        return self.description


class SipOtherMeasure(models.Model):
    """A measure taken by someone other than the municipality and the region (relatives, civil society …)."""

    class By(models.TextChoices):
        RELATIVE = "relative", _("Närstående")
        CIVIL_SOCIETY = "civil_society", _("Civilsamhället/förening")
        DENTAL = "dental", _("Tandvården")
        PHARMACY = "pharmacy", _("Apotek")
        PRIVATE = "private", _("Privat utförare")
        OTHER = "other", _("Annan")

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="other_measures")
    by = models.CharField(_("vem"), max_length=20, choices=By.choices)
    by_name = models.CharField(_("namn"), max_length=200, blank=True)
    description = models.TextField(_("åtgärd"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("åtgärd av annan")
        verbose_name_plural = _("åtgärder av andra")

    def __str__(self) -> str:
        return self.description


class SipFollowUp(models.Model):
    """A follow-up (uppföljning) or evaluation (utvärdering) of the plan."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Uppföljning")
        EVALUATION = "evaluation", _("Utvärdering")

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.FOLLOW_UP)
    held_on = models.DateField(_("datum"), default=timezone.localdate)
    notes = models.TextField(_("anteckningar"))
    goals_outcome = models.TextField(_("hur det gått med målen"), blank=True)
    person_view = models.TextField(_("personens egen bedömning"), blank=True)
    next_follow_up = models.DateField(_("nästa uppföljning"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%Y-%m-%d}"


class SipVersion(models.Model):
    """One saved state of the whole SIP after a change: who, when, what, and a snapshot to show it again."""

    sip = models.ForeignKey(Sip, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_by_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(_("ändring"), max_length=300)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["sip", "number"], name="one_sip_version_number")]
        verbose_name = _("SIP-version")
        verbose_name_plural = _("SIP-versioner")

    def __str__(self) -> str:
        return f"v{self.number}: {self.summary}"
