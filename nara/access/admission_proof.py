"""Proof that a user typed a person's whole personnummer, kept in the (server-side) session for a short time.

A ward may open a person it has no care relationship with to send the admission notice only with evidence of the
admission (docs/decisions.md "Admission basis"). Until Nära receives the hospital system's admission messages,
the evidence is that this user, at this unit, typed the whole personnummer in the search (by POST, so it is in no
URL). The search remembers the person's opaque id — never the personnummer — with the user, the unit and the time;
the admission step asks for it within NARA_ADMISSION_ACCESS_MINUTES.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from nara.directory.actor import Actor

SESSION_KEY = "nara_typed_personnummer"


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.NARA_ADMISSION_ACCESS_MINUTES)


def remember_typed(session, actor: Actor, person_id, now=None) -> None:
    """The actor typed the whole personnummer of `person_id` just now (expired entries are dropped)."""
    now = now or timezone.now()
    kept = {
        pid: entry
        for pid, entry in dict(session.get(SESSION_KEY) or {}).items()
        if now.timestamp() - entry.get("at", 0) < _window().total_seconds()
    }
    kept[str(person_id)] = {"user": actor.user_id, "unit": actor.unit_id, "at": now.timestamp()}
    session[SESSION_KEY] = kept


def typed_recently(session, actor: Actor, person_id, now=None) -> bool:
    """Did this user, acting for this unit, type the person's whole personnummer within the window?"""
    entry = (session.get(SESSION_KEY) or {}).get(str(person_id))
    if not entry or entry.get("user") != actor.user_id or entry.get("unit") != actor.unit_id:
        return False
    age = (now or timezone.now()).timestamp() - entry.get("at", 0)
    return 0 <= age < _window().total_seconds()
