"""Reads of CFS ratings, condition changes and structured assessments, all through the access gate.

Public functions other parts of Nära use (the person overview, the work lists, the prepared care request):

``latest_cfs(actor, access, context) -> dict | None``
    The newest CFS rating the actor may see for a person opened with ``gate.open_person`` (None when there is
    none). Keys: ``pk``, ``score`` (1–9), ``label`` (short level label in the active language), ``rated_on``,
    ``rater`` (name), ``occasion`` (words), ``recorded_by_unit`` (name), ``previous_score`` and
    ``previous_rated_on`` (the visible rating before it, or None), ``trend`` ("rising" = more frail, "stable",
    "falling" = less frail, or None without an earlier rating), ``trend_text`` (the trend in words),
    ``last_change_on`` (newest visible noted change in condition, or None), ``due_on`` (when a new rating is due,
    by ``due.cfs_due``), ``overdue`` (due_on before today) and ``under_min_age`` (the person was younger than
    NARA_CFS_MIN_AGE at the rating). Only other organisations' ratings allowed by ``gate.filter_records``
    (consent, no block) are used; the ratings and the change used are logged as read.

``cfs_history(actor, access, context) -> gate.Visible``
    Every CFS rating the actor may see, newest first (``.shown``), and the hidden groups (``.hidden``); logged.

The work list's CFS due dates are computed in worklist_selectors, per organisation as the gate allows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access import gate
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.plans import assessment_templates, cfs, due
from nara.plans.assessment_chart import CfsChart
from nara.plans.models import ConditionChange, FrailtyAssessment, StructuredAssessment

RISING, STABLE, FALLING = "rising", "stable", "falling"


def staff_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def trend(score: int, previous: int | None) -> str | None:
    """Compared with the previous rating: a higher CFS level means more frail."""
    if previous is None:
        return None
    if score > previous:
        return RISING
    if score < previous:
        return FALLING
    return STABLE


def trend_text(score: int, previous: int | None) -> str:
    t = trend(score, previous)
    if t is None:
        return _("Första bedömningen – ingen tidigare att jämföra med")
    values = {"prev": previous, "now": score}
    if t == RISING:
        return _("Stigande (mer skör): från %(prev)s till %(now)s") % values
    if t == FALLING:
        return _("Sjunkande (mindre skör): från %(prev)s till %(now)s") % values
    return _("Oförändrad: %(now)s som förra gången") % values


def _ratings_qs(person_id):
    return FrailtyAssessment.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "rater"
    )


def _changes_qs(person_id):
    return ConditionChange.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "recorded_by"
    )


def under_min_age(person, on: dt.date | None = None) -> bool:
    return person.age(on) < settings.NARA_CFS_MIN_AGE


def summarise(person, ratings: list, changes: list, today: dt.date | None = None) -> dict | None:
    """The latest-CFS dict from already visible ratings and changes (newest first). No access check or log."""
    if not ratings:
        return None
    today = today or timezone.localdate()
    latest = ratings[0]
    previous = ratings[1] if len(ratings) > 1 else None
    last_change_on = changes[0].noted_on if changes else None
    due_on = due.cfs_due(latest.rated_on, last_change_on)
    prev_score = previous.score if previous else None
    return {
        "pk": latest.pk,
        "score": latest.score,
        "label": cfs.label(latest.score),
        "rated_on": latest.rated_on,
        "rater": staff_name(latest.rater),
        "occasion": latest.get_occasion_display(),
        "recorded_by_unit": latest.recorded_by_unit.name,
        "previous_score": prev_score,
        "previous_rated_on": previous.rated_on if previous else None,
        "trend": trend(latest.score, prev_score),
        "trend_text": trend_text(latest.score, prev_score),
        "last_change_on": last_change_on,
        "due_on": due_on,
        "overdue": due_on is not None and due_on < today,
        "under_min_age": under_min_age(person, latest.rated_on),
    }


def cfs_history(actor: Actor, access: gate.PersonAccess, context: str) -> gate.Visible:
    return gate.filter_records(actor, access, _ratings_qs(access.person.pk), context)


def condition_changes(actor: Actor, access: gate.PersonAccess, context: str) -> gate.Visible:
    return gate.filter_records(actor, access, _changes_qs(access.person.pk), context)


def latest_cfs(actor: Actor, access: gate.PersonAccess, context: str) -> dict | None:
    ratings = gate.filter_records(actor, access, _ratings_qs(access.person.pk), context, log=False).shown
    if not ratings:
        return None
    changes = gate.filter_records(actor, access, _changes_qs(access.person.pk), context, log=False).shown
    used = [*ratings[:2], *changes[:1]]
    gate.filter_records(actor, access, used, context)  # logs exactly what the summary is built from
    return summarise(access.person, ratings, changes, access.now.date())


# --- pages -----------------------------------------------------------------------------------------------------


def _due_without_rating(changes: list) -> dt.date | None:
    return due.cfs_due(None, changes[0].noted_on) if changes else None


def cfs_page(actor: Actor, person_id, context: str = "plans:cfs") -> dict:
    """The CFS page: history (chart and table, each with its trend), latest summary, due date, changes."""
    access = gate.open_person(actor, person_id, context)
    history = cfs_history(actor, access, context)
    changes = condition_changes(actor, access, context)
    ratings = history.shown
    rows = []
    for i, r in enumerate(ratings):
        prev = ratings[i + 1].score if i + 1 < len(ratings) else None
        rows.append({"record": r, "label": cfs.label(r.score), "trend_text": trend_text(r.score, prev)})
    latest = summarise(access.person, ratings, changes.shown, access.now.date())
    due_on = latest["due_on"] if latest else _due_without_rating(changes.shown)
    return {
        "access": access,
        "person": access.person,
        "history": history,
        "rows": rows,
        "latest": latest,
        "due_on": due_on,
        "overdue": due_on is not None and due_on < access.now.date(),
        "chart": CfsChart(ratings),
        "changes": changes,
        "under_min_age": under_min_age(access.person),
        "min_age": settings.NARA_CFS_MIN_AGE,
    }


def _one(actor: Actor, access: gate.PersonAccess, qs, pk, context: str):
    record = qs.filter(pk=pk, person_id=access.person.pk).first()
    if record is None:
        raise Http404
    visible = gate.filter_records(actor, access, [record], context)
    if not visible.shown:
        h = visible.hidden[0]
        raise gate.AccessDenied(h.reason, access.person.pk, h.blocked)
    return record


def cfs_rating(actor: Actor, access: gate.PersonAccess, pk, context: str) -> FrailtyAssessment:
    """One CFS rating the actor may see (404 if it is not this person's; AccessDenied when hidden). Logged."""
    return _one(actor, access, _ratings_qs(access.person.pk), pk, context)


def cfs_detail(actor: Actor, person_id, pk, context: str = "plans:cfs_detail") -> dict:
    access = gate.open_person(actor, person_id, context)
    record = cfs_rating(actor, access, pk, context)
    earlier = gate.filter_records(
        actor,
        access,
        _ratings_qs(access.person.pk).filter(rated_on__lte=record.rated_on).exclude(pk=record.pk)[:20],
        context,
        log=False,
    ).shown
    previous = next((r for r in earlier if (r.rated_on, r.pk) < (record.rated_on, record.pk)), None)
    if previous is not None:
        gate.filter_records(actor, access, [previous], context)
    return {
        "access": access,
        "person": access.person,
        "record": record,
        "label": cfs.label(record.score),
        "previous": previous,
        "trend_text": trend_text(record.score, previous.score if previous else None),
        "under_min_age": under_min_age(access.person, record.rated_on),
        "min_age": settings.NARA_CFS_MIN_AGE,
        "may_change": gate.may_change_record(actor, record),
    }


def _assessments_qs(person_id):
    return StructuredAssessment.objects.filter(person_id=person_id).select_related(
        "recorded_by_org", "recorded_by_unit", "performed_by"
    )


def template_or_404(key: str) -> assessment_templates.Template:
    template = assessment_templates.get(key)
    if template is None:
        raise Http404
    return template


def assessment_rows(records: list) -> list[dict]:
    out = []
    for r in records:
        template = assessment_templates.get(r.template)
        out.append(
            {
                "record": r,
                "template": template,
                "title": template.title if template else r.template,
                "result": template.outcome_label(r.result) if template else r.result,
            }
        )
    return out


def assessments_index(actor: Actor, person_id, context: str = "plans:assessments") -> dict:
    """All the person's assessments by kind (CFS first), each list filtered by the gate and logged."""
    access = gate.open_person(actor, person_id, context)
    visible = gate.filter_records(actor, access, _assessments_qs(access.person.pk), context)
    by_key: dict = {key: [] for key in assessment_templates.TEMPLATES}
    for row in assessment_rows(visible.shown):
        by_key.setdefault(row["record"].template, []).append(row)
    groups = [{"template": t, "rows": by_key[t.key]} for t in assessment_templates.TEMPLATES.values()]
    return {
        "access": access,
        "person": access.person,
        "groups": groups,
        "hidden": visible.hidden,
        "latest_cfs": latest_cfs(actor, access, context),
    }


def assessment_list(actor: Actor, person_id, key: str, context: str = "plans:assessment_list") -> dict:
    template = template_or_404(key)
    access = gate.open_person(actor, person_id, context)
    visible = gate.filter_records(
        actor, access, _assessments_qs(access.person.pk).filter(template=key), context
    )
    return {
        "access": access,
        "person": access.person,
        "template": template,
        "rows": assessment_rows(visible.shown),
        "hidden": visible.hidden,
    }


def assessment(actor: Actor, access: gate.PersonAccess, key: str, pk, context: str) -> StructuredAssessment:
    """One structured assessment of the given template (404 otherwise; AccessDenied when hidden). Logged."""
    return _one(actor, access, _assessments_qs(access.person.pk).filter(template=key), pk, context)


def assessment_detail(
    actor: Actor, person_id, key: str, pk, context: str = "plans:assessment_detail", action: str = Action.READ
) -> dict:
    """One structured assessment with its answers in words; with action=Action.PRINT also logged as printed."""
    template = template_or_404(key)
    access = gate.open_person(actor, person_id, context)
    record = assessment(actor, access, key, pk, context)
    if action == Action.PRINT:
        gate.log_records(actor, access, [record], context, Action.PRINT)
    return {
        "access": access,
        "person": access.person,
        "template": template,
        "record": record,
        "sections": template.answered_sections(record.answers),
        "result": template.outcome_label(record.result),
        "actions": [template.action_label(a) for a in record.actions],
        "points": template.points(record.answers)
        if template.result.mode == assessment_templates.DERIVED
        else None,
        "version_differs": record.template_version != template.version,
        "may_change": gate.may_change_record(actor, record),
    }
