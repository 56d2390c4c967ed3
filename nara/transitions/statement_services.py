"""Closing a month's statement of payment days: its lines (regular and corrections) are frozen as StatementLine
rows. Closed lines are never edited; later changes appear as correction lines in the month stated next."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.transitions import statement_selectors as selectors
from nara.transitions.models import StatementLine, StatementMonth


class StatementError(ValueError):
    """Shown to the user: why the month cannot be closed."""


@transaction.atomic
def close_month(
    actor: Actor, municipality_id: int, month: dt.date, context: str, today=None
) -> StatementMonth:
    selectors.municipality_for(actor, municipality_id)  # access: managers of the municipality or the region
    today = today or timezone.localdate()
    if selectors.last_of_month(month) >= today:
        raise StatementError(_("Månaden kan stängas först när den är slut."))
    statement, _created = StatementMonth.objects.select_for_update().get_or_create(
        municipality_id=municipality_id, month=month
    )
    if statement.closed_at is not None:
        raise StatementError(_("Månaden är redan stängd."))
    later = StatementMonth.objects.filter(
        municipality_id=municipality_id, month__gt=month, closed_at__isnull=False
    )
    if later.exists():
        raise StatementError(_("En senare månad är redan stängd; ändringar redovisas som rättelser där."))
    lines = selectors.computed_lines(municipality_id, month, today)
    StatementLine.objects.bulk_create(
        StatementLine(statement=statement, **selectors.line_values(line)) for line in lines
    )
    statement.closed_at = timezone.now()
    statement.closed_by_id = actor.user_id
    statement.save(update_fields=["closed_at", "closed_by", "updated_at"])
    selectors.log_persons(actor, lines, Action.CREATE, context)
    return statement
