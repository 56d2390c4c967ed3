"""Exact access-log rows, for the tests that check what a page or a gate call logged.

    since = logrows.mark()
    ...open the page...
    assert logrows.written(since, user) == logrows.expect(
        logrows.person(p, CONTEXT), logrows.record(plan, Basis.OWN_ORG, CONTEXT), ...
    )

A row is (person_id, action, record_type, record_id, basis, context); the lists are sorted so the comparison
is of the whole multiset (a row written twice, or one too many, fails as surely as a missing one).
"""

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action


def mark() -> int:
    """The newest row's id: what `written` counts from (rows the test's set-up wrote are left out)."""
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _key(row):
    return tuple(str(v) for v in row)


def written(since: int, user=None) -> list[tuple]:
    """Every row written after `since`; with `user`, asserts that user wrote them all."""
    entries = list(AccessLogEntry.objects.filter(pk__gt=since))
    if user is not None:
        assert {e.user_id for e in entries} <= {user.pk}, "rows written by another user"
    return sorted(
        ((e.person_id, e.action, e.record_type, e.record_id, e.basis, e.context) for e in entries), key=_key
    )


def expect(*rows) -> list[tuple]:
    return sorted(rows, key=_key)


def person(p, context: str, basis: str = Basis.RELATIONSHIP, action: str = Action.READ) -> tuple:
    """The register read of person `p` (a Person or its id)."""
    pid = getattr(p, "pk", p)
    return (pid, action, "people.person", str(pid), basis, context)


def record(rec, basis: str, context: str, action: str = Action.READ, person_id=None) -> tuple:
    """The read (or print …) of one record, with the record's own basis."""
    return (
        person_id or rec.person_id, action, rec._meta.label_lower, str(rec.pk), basis, context
    )
