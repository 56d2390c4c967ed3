"""The shared register: persons, relatives, fixed contacts and care teams."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nara.core.models import VersionedModel
from nara.core.validators import validate_phone
from nara.directory.models import Organisation, Unit


class Sex(models.TextChoices):
    FEMALE = "F", _("Kvinna")
    MALE = "M", _("Man")


class Person(VersionedModel):
    """A resident or patient. The primary key is opaque and is the only id used in URLs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    personnummer = models.CharField(_("personnummer"), max_length=13, unique=True)
    is_coordination_number = models.BooleanField(_("samordningsnummer"), default=False)
    given_name = models.CharField(_("förnamn"), max_length=100)
    family_name = models.CharField(_("efternamn"), max_length=100)
    birth_date = models.DateField(_("födelsedatum"))
    sex = models.CharField(_("juridiskt kön"), max_length=1, choices=Sex.choices)
    municipality = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        limit_choices_to={"kind": Organisation.Kind.MUNICIPALITY},
        verbose_name=_("folkbokföringskommun"),
    )
    listed_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listed_persons",
        limit_choices_to={"kind": Unit.Kind.HEALTH_CENTRE},
        verbose_name=_("listad på vårdcentral"),
    )
    street_address = models.CharField(_("adress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    date_of_death = models.DateField(_("dödsdatum"), null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"]), models.Index(fields=["birth_date"])]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.full_name

    def set_personnummer(self, value: str) -> None:
        """Store the canonical number and derive birth date, legal sex and the samordningsnummer flag from it.

        Raises PersonnummerError (a ValueError with a Swedish message) for an invalid number.
        """
        from nara.core.personnummer import parse

        parsed = parse(value)
        self.personnummer = parsed.canonical
        self.birth_date = parsed.birth_date
        self.sex = parsed.sex
        self.is_coordination_number = parsed.is_coordination_number

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age(self, on=None) -> int:
        on = on or self.date_of_death or timezone.localdate()
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


class PersonRecord(VersionedModel):
    """Anything recorded about a person by some unit; the recording organisation decides who may see it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_by_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av enhet")
    )
    recorded_by_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av huvudman")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrerad av")
    )

    class Meta:
        abstract = True

    def stamp(self, actor) -> None:
        """Record who records it: the actor's unit, organisation and user (a directory.actor.Actor)."""
        self.recorded_by_unit_id = actor.unit_id
        self.recorded_by_org_id = actor.org_id
        self.recorded_by_id = actor.user_id


class DatedQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on)
        )


class Relative(PersonRecord):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relatives")
    name = models.CharField(_("namn"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, help_text=_("T.ex. make, dotter, granne."))
    phone = models.CharField(_("telefon"), max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-post"), blank=True)
    is_contact_person = models.BooleanField(_("kontaktperson"), default=False)
    needs_support = models.BooleanField(_("behöver själv stöd"), default=False)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("närstående")
        verbose_name_plural = _("närstående")

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class FixedContact(PersonRecord):
    class Kind(models.TextChoices):
        PHYSICIAN = "physician", _("Fast läkarkontakt")
        CARE_CONTACT = "care_contact", _("Fast vårdkontakt")
        NAVIGATOR = "navigator", _("Namngiven äldresjuksköterska/lots")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="fixed_contacts")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="fixed_contact_for",
        verbose_name=_("medarbetare"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("enhet"))
    valid_from = models.DateField(_("från"), default=timezone.localdate)
    valid_to = models.DateField(_("till"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("fast kontakt")
        verbose_name_plural = _("fasta kontakter")


class CareTeamMember(PersonRecord):
    """A unit (and optionally a named staff member) involved in the person's care."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="care_team")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="care_team_memberships", verbose_name=_("enhet")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbetare"),
    )
    role = models.CharField(_("roll i teamet"), max_length=100)
    valid_from = models.DateField(_("från"), default=timezone.localdate)
    valid_to = models.DateField(_("till"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["unit", "valid_to"])]
        verbose_name = _("vårdteam")
        verbose_name_plural = _("vårdteam")
