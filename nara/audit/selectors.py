"""Read helpers for log review (loggkontroll), spot checks and the person's log extract.

Scope: a manager reviews the rows logged at units of their own organisation (huvudman) and the rows about data
their organisation recorded, whoever made them (`AccessLogEntry.data_org`). Each huvudman follows up its own
staff's accesses, and as the holder of the data (personuppgiftsansvarig for it) every access to its data, also by
another organisation's staff (an emergency access, a consent): it must be able to see who took part of what it
recorded. Another organisation's staff's other accesses are not its to read. The same scope applies to the log
extract the manager issues.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action, SpotCheck
from nara.directory.actor import Actor
from nara.directory.models import Assignment, Unit
from nara.people.models import Person

QUICK_EMERGENCY = "emergency"
QUICK_LAST_DAY = "last_day"
QUICK_DENIED = "denied"
QUICK_OTHER_ORG = "other_org"


@dataclass(frozen=True)
class LogFilters:
    person_id: UUID | None = None
    user: str = ""
    unit_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""
    basis: str = ""
    quick: str = ""


def review_units(actor: Actor) -> QuerySet:
    return Unit.objects.filter(organisation_id=actor.org_id)


def _own_units_q(actor: Actor) -> Q:
    return Q(unit_id__in=review_units(actor).values("pk"))


def reviewable(actor: Actor) -> QuerySet:
    """Every row the actor may review: logged at a unit of the actor's organisation, or about data the actor's
    organisation recorded (whoever read or wrote it)."""
    return AccessLogEntry.objects.filter(_own_units_q(actor) | Q(data_org_id=actor.org_id))


def my_unit_ids(actor: Actor) -> set[int]:
    """The units the user currently holds an assignment at, within the organisation under review."""
    ids = set(
        Assignment.objects.active().filter(user_id=actor.user_id, unit__organisation_id=actor.org_id)
        .values_list("unit_id", flat=True)
    )
    return ids | {actor.unit_id}


def day_start(day: dt.date) -> dt.datetime:
    """Midnight in the site's time zone: dates in filters mean Swedish calendar days."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _period_q(date_from: dt.date | None, date_to: dt.date | None) -> Q:
    q = Q()
    if date_from:
        q &= Q(logged_at__gte=day_start(date_from))
    if date_to:
        q &= Q(logged_at__lt=day_start(date_to + dt.timedelta(days=1)))
    return q


def filtered_log(actor: Actor, filters: LogFilters, now: dt.datetime | None = None) -> QuerySet:
    qs = reviewable(actor).filter(_period_q(filters.date_from, filters.date_to))
    if filters.person_id:
        qs = qs.filter(person_id=filters.person_id)
    if filters.user:
        by_username = get_user_model().objects.filter(username__iexact=filters.user).values("pk")
        qs = qs.filter(Q(user_name__icontains=filters.user) | Q(user_id__in=by_username))
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.basis:
        qs = qs.filter(basis=filters.basis)
    if filters.quick == QUICK_EMERGENCY:
        qs = qs.filter(Q(action=Action.EMERGENCY) | Q(basis=Basis.EMERGENCY))
    elif filters.quick == QUICK_DENIED:
        qs = qs.filter(action=Action.DENIED)
    elif filters.quick == QUICK_OTHER_ORG:
        qs = qs.filter(data_org_id=actor.org_id).exclude(_own_units_q(actor))
    elif filters.quick == QUICK_LAST_DAY:
        since = (now or timezone.now()) - dt.timedelta(days=1)
        qs = qs.filter(unit_id__in=my_unit_ids(actor), logged_at__gte=since)
    return qs.select_related("data_org")


def persons_by_id(ids) -> dict:
    """Name and birth date only: the personnummer is never loaded for these pages."""
    rows = Person.objects.filter(pk__in=set(ids)).only("id", "given_name", "family_name", "birth_date")
    return {p.pk: p for p in rows}


def person_label(person: Person | None) -> str:
    if person is None:
        return _("okänd person")
    return _("%(name)s, född %(birth)s") % {"name": person.full_name, "birth": person.birth_date.isoformat()}


def describe(actor: Actor, filters: LogFilters) -> str:
    """The selection in words, for a documented spot check. Never contains a personnummer."""
    parts = []
    if filters.quick == QUICK_EMERGENCY:
        parts.append(_("Nödåtkomster"))
    elif filters.quick == QUICK_DENIED:
        parts.append(_("Nekade försök"))
    elif filters.quick == QUICK_OTHER_ORG:
        parts.append(_("Andra huvudmäns åtkomst till våra uppgifter"))
    elif filters.quick == QUICK_LAST_DAY:
        parts.append(_("Mina enheters senaste dygn"))
    if filters.person_id:
        parts.append(_("Person: %(p)s") % {"p": person_label(persons_by_id([filters.person_id]).get(filters.person_id))})
    if filters.user:
        parts.append(_("Användare: %(u)s") % {"u": filters.user})
    if filters.unit_id:
        unit = review_units(actor).filter(pk=filters.unit_id).first()
        parts.append(_("Enhet: %(u)s") % {"u": unit.name if unit else filters.unit_id})
    if filters.date_from or filters.date_to:
        parts.append(_("Period: %(f)s – %(t)s") % {
            "f": filters.date_from.isoformat() if filters.date_from else "",
            "t": filters.date_to.isoformat() if filters.date_to else "",
        })
    if filters.action:
        parts.append(_("Åtgärd: %(a)s") % {"a": Action(filters.action).label})
    if filters.basis:
        parts.append(_("Åtkomstgrund: %(b)s") % {"b": Basis(filters.basis).label})
    scope = _("Enheter hos %(org)s och åtkomst till uppgifter som %(org)s har registrerat") % {"org": actor.org_name}
    return "; ".join([scope, *parts]) if parts else _("%(scope)s, inga filter") % {"scope": scope}


def spot_checks(actor: Actor) -> QuerySet:
    return (
        SpotCheck.objects.filter(reviewer_unit__organisation_id=actor.org_id)
        .select_related("reviewer", "reviewer_unit")
    )


@dataclass(frozen=True)
class ExtractRow:
    at: dt.datetime
    unit_name: str
    org_name: str
    action_label: str
    count: int


def extract_rows(actor: Actor, person_id, date_from=None, date_to=None) -> list[ExtractRow]:
    """Which units accessed the person's data and when, one row per unit, action and minute, oldest first.

    A single page view can log many records; folding them per minute keeps the extract readable for the person.
    Denied attempts are left out: nothing was shown, so they are no access to the person's data (the log review
    shows them).
    """
    rows = (
        reviewable(actor).filter(person_id=person_id).exclude(action=Action.DENIED)
        .filter(_period_q(date_from, date_to))
        .annotate(minute=TruncMinute("logged_at", tzinfo=timezone.get_current_timezone()))
        .values("minute", "unit_name", "org_name", "action")
        .annotate(n=Count("id"))
        .order_by("minute", "org_name", "unit_name", "action")
    )
    labels = dict(Action.choices)
    return [
        ExtractRow(r["minute"], r["unit_name"], r["org_name"], str(labels.get(r["action"], r["action"])), r["n"])
        for r in rows
    ]
