"""case_rules: who may take which step in which status, and the deadline warnings (pure, fixed times)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from nara.transitions import case_rules as r

TZ = ZoneInfo("Europe/Stockholm")
ADMITTED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
WARD = r.Parties(ward=True)
RECEIVER = r.Parties(receiver=True)
VC = r.Parties(receiver=True, health_centre=True)
NOBODY = r.Parties()


def facts(**over):
    base = {
        "status": "admitted",
        "admitted_at": ADMITTED,
        "notice_sent_at": ADMITTED + dt.timedelta(hours=2),
        "planning_due_at": ADMITTED + dt.timedelta(hours=50),
        "first_planning_at": None,
        "both_must_act": True,
        "ready_at": None,
        "sip_invited_at": None,
        "expected_discharge_on": dt.date(2026, 3, 6),
        "discharged_at": None,
        "fixed_contact_set": False,
        "now": ADMITTED + dt.timedelta(hours=3),
    }
    base.update(over)
    return base


def by_key(**over):
    return {d.key: d for d in r.deadlines(**facts(**over))}


def test_steps_by_party_and_status():
    assert r.allowed_steps("admitted", WARD) == {
        "acknowledge",
        "change_date",
        "message",
        "ready",
        "cancel",
    }
    assert r.allowed_steps("ready", WARD) == {
        "acknowledge",
        "change_date",
        "message",
        "withdraw_ready",
        "discharge",
        "cancel",
    }
    assert r.allowed_steps("admitted", VC) == {
        "acknowledge",
        "planning",
        "message",
        "fixed_contact",
        "sip",
    }
    assert r.allowed_steps("discharged", RECEIVER) == {"acknowledge", "message"}
    assert r.allowed_steps("cancelled", WARD) == {"acknowledge"}
    assert r.allowed_steps("admitted", NOBODY) == set()


@pytest.mark.parametrize(
    "step,status,who,text",
    [
        ("discharge", "admitted", WARD, "inte utskrivningsklar"),
        ("ready", "ready", WARD, "redan utskrivningsklar"),
        ("planning", "admitted", WARD, "tagit emot meddelanden"),
        ("fixed_contact", "admitted", RECEIVER, "vårdcentral"),
        ("cancel", "discharged", WARD, "redan utskriven"),
        ("message", "cancelled", WARD, "makulerat"),
    ],
)
def test_refusals_are_swedish_sentences(step, status, who, text):
    assert text in r.refusal(step, status, who)


def test_start_refusal():
    assert r.start_refusal("ward", True) is None
    assert "vårdavdelning" in r.start_refusal("health_centre", True)
    assert "folkbokföringskommun" in r.start_refusal("ward", False)


def test_notice_within_24_hours():
    assert not r.notice_late(ADMITTED, ADMITTED + dt.timedelta(hours=24))
    assert r.notice_late(ADMITTED, ADMITTED + dt.timedelta(hours=24, minutes=1))
    d = by_key(notice_sent_at=ADMITTED + dt.timedelta(hours=30))["notice"]
    assert d.state == "late" and d.warning and "för sent" in d.message
    assert by_key()["notice"].state == "met"


def test_planning_deadline():
    assert r.planning_due(ADMITTED) == ADMITTED + dt.timedelta(hours=48)
    assert by_key()["planning"].state == "pending"
    overdue = by_key(now=ADMITTED + dt.timedelta(hours=51))["planning"]
    assert overdue.state == "overdue" and overdue.warning and "saknas" in overdue.message
    late = by_key(first_planning_at=ADMITTED + dt.timedelta(hours=51))["planning"]
    assert late.state == "late"
    assert by_key(first_planning_at=ADMITTED + dt.timedelta(hours=20))["planning"].state == "met"


def test_sip_invitation_within_3_days_when_both_must_act():
    ready = ADMITTED + dt.timedelta(days=1)
    assert "sip" not in by_key()  # not yet utskrivningsklar
    assert "sip" not in by_key(ready_at=ready, both_must_act=False)
    assert by_key(ready_at=ready, now=ready + dt.timedelta(days=2))["sip"].state == "pending"
    overdue = by_key(ready_at=ready, now=ready + dt.timedelta(days=3, minutes=1))["sip"]
    assert overdue.state == "overdue" and overdue.warning
    assert by_key(ready_at=ready, sip_invited_at=ready + dt.timedelta(days=1))["sip"].state == "met"
    assert by_key(ready_at=ready, sip_invited_at=ready + dt.timedelta(days=4))["sip"].state == "late"


def test_information_transfer_on_the_day_of_discharge():
    assert by_key()["information"].state == "pending"
    on_the_day = by_key(now=dt.datetime(2026, 3, 6, 8, 0, tzinfo=TZ))["information"]
    assert on_the_day.state == "pending" and "senast utskrivningsdagen" in on_the_day.message
    after = by_key(now=dt.datetime(2026, 3, 7, 0, 30, tzinfo=TZ))["information"]
    assert after.state == "overdue" and after.warning
    done = by_key(discharged_at=dt.datetime(2026, 3, 6, 14, 0, tzinfo=TZ), status="discharged")
    assert done["information"].state == "met"


def test_fixed_contact_before_discharge():
    assert by_key()["fixed_contact"].state == "pending"
    assert by_key(status="ready")["fixed_contact"].warning
    assert "fixed_contact" not in by_key(fixed_contact_set=True)


def test_cancelled_case_warns_no_more():
    d = by_key(status="cancelled", now=ADMITTED + dt.timedelta(days=10))
    assert not any(x.warning for x in d.values() if x.key != "notice")
    assert "information" not in d


def test_settings_change_the_numbers(settings):
    settings.NARA_ADMISSION_NOTICE_HOURS = 12
    settings.NARA_PLANNING_HOURS = 24
    settings.NARA_SIP_INVITATION_DAYS = 2
    assert r.notice_late(ADMITTED, ADMITTED + dt.timedelta(hours=13))
    assert r.planning_due(ADMITTED) == ADMITTED + dt.timedelta(hours=24)
    assert r.sip_due(ADMITTED) == ADMITTED + dt.timedelta(days=2)
