"""The discharge case as plain rules (reference/rules.md §1): which step is allowed in which status, who may take
it, and the deadline warnings. Nothing here reads the database: callers pass the facts (sip_invitation_time
reads a case's loaded rows).

Who writes what:
- the ward (the actor acts for the case's ward) sends the admission notice, date changes, the utskrivningsklar
  notice and its withdrawal, the discharge with the information transfer, and cancels;
- the receivers (units with a receipt on the case: the municipality's needs assessment and home health units,
  the vårdcentral) acknowledge notices, send planning information and messages;
- the vårdcentral appoints the fast vårdkontakt and calls the SIP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.transitions.models import CaseStatus

S = CaseStatus
OPEN = (S.ADMITTED, S.READY)

WARD, RECEIVER, HEALTH_CENTRE = "ward", "receiver", "health_centre"

# step: (statuses in which it is allowed, parties who may take it)
STEPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "acknowledge": ((S.ADMITTED, S.READY, S.DISCHARGED, S.CANCELLED), (RECEIVER, WARD)),
    "change_date": (OPEN, (WARD,)),
    "planning": (OPEN, (RECEIVER,)),
    "message": ((S.ADMITTED, S.READY, S.DISCHARGED), (WARD, RECEIVER)),
    "fixed_contact": (OPEN, (HEALTH_CENTRE,)),
    "ready": ((S.ADMITTED,), (WARD,)),
    "withdraw_ready": ((S.READY,), (WARD,)),
    "sip": ((S.ADMITTED, S.READY, S.DISCHARGED), (HEALTH_CENTRE,)),
    "discharge": ((S.READY,), (WARD,)),
    "cancel": (OPEN, (WARD,)),
}


@dataclass(frozen=True)
class Parties:
    """The actor's parts in one case."""

    ward: bool = False
    receiver: bool = False
    health_centre: bool = False

    def has(self, party: str) -> bool:
        return bool(getattr(self, party))


def parties(actor_unit_id, ward_id, health_centre_id, receiver_unit_ids) -> Parties:
    return Parties(
        ward=actor_unit_id == ward_id,
        receiver=actor_unit_id in set(receiver_unit_ids),
        health_centre=health_centre_id is not None and actor_unit_id == health_centre_id,
    )


PARTY_REFUSALS = {
    WARD: lambda: _("Bara den avdelning där personen vårdas kan göra det här."),
    RECEIVER: lambda: _("Bara enheter som har tagit emot meddelanden i ärendet kan göra det här."),
    HEALTH_CENTRE: lambda: _("Bara personens vårdcentral kan göra det här."),
}

STATUS_REFUSALS = {
    S.ADMITTED: lambda: _("Personen är inte utskrivningsklar."),
    S.READY: lambda: _("Personen är redan utskrivningsklar."),
    S.DISCHARGED: lambda: _("Personen är redan utskriven."),
    S.CANCELLED: lambda: _("Ärendet är makulerat."),
}


def refusal(step: str, status: str, who: Parties) -> str | None:
    """Why the step is refused (Swedish), or None when it is allowed."""
    statuses, allowed_parties = STEPS[step]
    if not any(who.has(p) for p in allowed_parties):
        return PARTY_REFUSALS[allowed_parties[0]]()
    if status not in statuses:
        if step == "ready" and status == S.READY:
            return STATUS_REFUSALS[S.READY]()
        return STATUS_REFUSALS.get(status, lambda: _("Steget är inte tillåtet nu."))()
    return None


def allowed_steps(status: str, who: Parties) -> set[str]:
    return {step for step in STEPS if refusal(step, status, who) is None}


def start_refusal(unit_kind: str, has_municipality: bool) -> str | None:
    """Only a ward sends an admission notice; it must be addressable to a municipality."""
    if unit_kind != "ward":
        return _("Bara en vårdavdelning kan skicka inskrivningsmeddelande.")
    if not has_municipality:
        return _(
            "Personen saknar folkbokföringskommun i registret, så inskrivningsmeddelandet kan inte adresseras. "
            "Rätta registeruppgiften först."
        )
    return None


# --- Deadlines ----------------------------------------------------------------------------------------------


def notice_due(admitted_at: dt.datetime) -> dt.datetime:
    return admitted_at + dt.timedelta(hours=settings.NARA_ADMISSION_NOTICE_HOURS)


def notice_late(admitted_at: dt.datetime, notice_sent_at: dt.datetime) -> bool:
    return notice_sent_at > notice_due(admitted_at)


def planning_due(notice_sent_at: dt.datetime) -> dt.datetime:
    return notice_sent_at + dt.timedelta(hours=settings.NARA_PLANNING_HOURS)


def sip_due(ready_at: dt.datetime) -> dt.datetime:
    return ready_at + dt.timedelta(days=settings.NARA_SIP_INVITATION_DAYS)


def sip_invitation_time(case) -> dt.datetime | None:
    """When the SIP invitation for this stay was sent: the one reading for the case page, the overview and the
    day count. The case's own record (the SIP step), else the first invitation in the linked SIP sent after the
    admission (the meeting may be called from the SIP page), else a SIP invitation event on the case. A meeting
    called before the admission belongs to an earlier episode and does not count. Reads the case's rows
    (prefetch `sip__meetings` and `events` when reading many cases)."""
    if case.sip_invited_at:
        return case.sip_invited_at
    if case.sip_id:
        sent = [
            m.invited_at
            for m in case.sip.meetings.all()
            if m.cancelled_at is None and m.invited_at >= case.admitted_at
        ]
        if sent:
            return min(sent)
    events = [e.at for e in case.events.all() if e.kind == "sip_invitation"]
    return min(events) if events else None


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: dt.datetime | dt.date
    done_at: dt.datetime | None
    state: str  # "met", "late" (done after the deadline), "pending", "overdue"
    message: str

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, dt.datetime)

    @property
    def warning(self) -> bool:
        return self.state in ("late", "overdue")


def _state(due, done_at, now) -> str:
    def cmp(value):
        if isinstance(due, dt.date) and not isinstance(due, dt.datetime):
            return timezone.localtime(value).date()
        return value

    if done_at is not None:
        return "late" if cmp(done_at) > due else "met"
    return "overdue" if cmp(now) > due else "pending"


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def deadlines(
    *,
    status: str,
    admitted_at: dt.datetime,
    notice_sent_at: dt.datetime,
    planning_due_at: dt.datetime | None,
    first_planning_at: dt.datetime | None,
    both_must_act: bool,
    ready_at: dt.datetime | None,
    sip_invited_at: dt.datetime | None,
    expected_discharge_on: dt.date,
    discharged_at: dt.datetime | None,
    fixed_contact_set: bool,
    now: dt.datetime,
) -> list[Deadline]:
    """The law's deadlines for one case and where each stands at `now` (pure; tests pass fixed times)."""
    out = []
    due = notice_due(admitted_at)
    state = _state(due, notice_sent_at, now)
    out.append(
        Deadline(
            "notice",
            _("Inskrivningsmeddelande inom %(h)s timmar") % {"h": settings.NARA_ADMISSION_NOTICE_HOURS},
            due,
            notice_sent_at,
            state,
            _("Inskrivningsmeddelandet skickades för sent (senast %(due)s).") % {"due": _local(due)}
            if state == "late"
            else _("Skickat i tid."),
        )
    )
    closed = status == S.CANCELLED
    if planning_due_at is not None:
        state = _state(planning_due_at, first_planning_at, now)
        if closed and state == "overdue":
            state = "pending"
        messages = {
            "met": _("Planeringsunderlag har kommit in i tid."),
            "late": _("Planeringsunderlaget kom in efter tidsgränsen."),
            "pending": _("Inväntar planeringsunderlag senast %(due)s.") % {"due": _local(planning_due_at)},
            "overdue": _("Planeringsunderlag saknas – tidsgränsen %(due)s har passerat.")
            % {"due": _local(planning_due_at)},
        }
        out.append(
            Deadline(
                "planning",
                _("Planeringsunderlag"),
                planning_due_at,
                first_planning_at,
                state,
                messages[state],
            )
        )
    if both_must_act and ready_at is not None:
        due = sip_due(ready_at)
        state = _state(due, sip_invited_at, now)
        if closed and state == "overdue":
            state = "pending"
        messages = {
            "met": _("Kallelse till SIP skickad i tid."),
            "late": _("Kallelsen till SIP skickades efter tidsgränsen."),
            "pending": _("Kallelse till SIP ska skickas senast %(due)s.") % {"due": _local(due)},
            "overdue": _("Kallelse till SIP saknas – tidsgränsen %(due)s har passerat.")
            % {"due": _local(due)},
        }
        out.append(
            Deadline(
                "sip",
                _("Kallelse till SIP inom %(d)s dagar") % {"d": settings.NARA_SIP_INVITATION_DAYS},
                due,
                sip_invited_at,
                state,
                messages[state],
            )
        )
    if not closed:
        if discharged_at is not None:
            state, message = "met", _("Informationen överfördes vid utskrivningen.")
        elif timezone.localtime(now).date() >= expected_discharge_on:
            state = "overdue" if timezone.localtime(now).date() > expected_discharge_on else "pending"
            message = _(
                "Beräknat utskrivningsdatum %(d)s: informationen ska överföras senast utskrivningsdagen."
            ) % {"d": expected_discharge_on.isoformat()}
        else:
            state, message = "pending", _("Informationen överförs senast utskrivningsdagen.")
        out.append(
            Deadline(
                "information",
                _("Informationsöverföring"),
                expected_discharge_on,
                discharged_at,
                state,
                message,
            )
        )
        if not fixed_contact_set:
            state = "overdue" if status == S.READY or discharged_at is not None else "pending"
            out.append(
                Deadline(
                    "fixed_contact",
                    _("Fast vårdkontakt före utskrivning"),
                    expected_discharge_on,
                    None,
                    state,
                    _("Vårdcentralen har inte utsett någon fast vårdkontakt."),
                )
            )
    return out
