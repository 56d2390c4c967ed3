"""The monthly statement of payment days per municipality: lines, totals, months, closing and corrections,
CSV and print (logged per person), and who may see it."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from nara.audit.models import AccessLogEntry
from nara.transitions import statement_selectors as sel
from nara.transitions import statement_services
from nara.transitions.models import StatementLine
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
D = dt.date
OCT, NOV = D(2025, 10, 1), D(2025, 11, 1)


def setup_cases(w):
    """Two cases in October 2025 and one spanning September–October. Day price 2025: 9 000 kr."""
    b.ag_day_price(2025, "9000.00")
    agreement = b.ag_agreement(w)
    astrid = b.ag_case(w, D(2025, 10, 1), agreement)
    astrid_notice = b.ag_ready(astrid, b.ag_local(D(2025, 10, 2), 10))  # paid from 6 Oct
    b.ag_discharge(astrid, b.ag_local(D(2025, 10, 12), 10))  # ready 2-11 (10), paid 6-11 (6)
    bertil = b.ag_case(w, D(2025, 9, 20), agreement, person=w.stranger)
    b.ag_ready(bertil, b.ag_local(D(2025, 9, 25), 9))  # paid from 29 Sep
    b.ag_discharge(bertil, b.ag_local(D(2025, 10, 4), 10))  # Sep 25-30 (6 ready, 2 paid), Oct 1-3 (3, 3)
    return astrid, astrid_notice, bertil


def test_lines_and_totals_add_up():
    w = build()
    astrid, _n, bertil = setup_cases(w)
    actor = f.actor(w.vc_manager)
    october = sel.statement(actor, w.mark.pk, OCT, "test")
    by_case = {line.case.pk: line for line in october["lines"]}
    assert (by_case[astrid.pk].ready_days, by_case[astrid.pk].payment_days) == (10, 6)
    assert (by_case[astrid.pk].ready_from, by_case[astrid.pk].ready_to) == (D(2025, 10, 2), D(2025, 10, 11))
    assert by_case[astrid.pk].amount == Decimal("54000.00")
    assert (by_case[bertil.pk].ready_days, by_case[bertil.pk].payment_days) == (3, 3)
    t = october["totals"]
    assert t.ready_days == sum(line.ready_days for line in october["lines"]) == 13
    assert t.payment_days == sum(line.payment_days for line in october["lines"]) == 9
    assert t.amount == sum(line.amount for line in october["lines"]) == Decimal("81000.00")
    assert t.cases == 2
    # The months of a stay add up to the whole stay.
    september = sel.statement(actor, w.mark.pk, D(2025, 9, 1), "test")
    (sep_line,) = september["lines"]
    assert (sep_line.ready_days, sep_line.payment_days) == (6, 2)
    whole = b.ag_fresh(bertil)
    from nara.transitions.daycount import case_days

    total = case_days(whole, D(2025, 12, 31))
    assert (len(total.ready_dates), len(total.payment_dates)) == (6 + 3, 2 + 3)
    # Every person shown is logged.
    logged = AccessLogEntry.objects.filter(user_id=w.vc_manager.pk, action="read", context="test")
    assert {e.person_id for e in logged} == {w.person.pk, w.stranger.pk}


def test_close_then_a_late_change_gives_a_correction_line():
    w = build()
    astrid, astrid_notice, _bertil = setup_cases(w)
    actor = f.actor(b.ag_mark_manager(w))
    statement_services.close_month(actor, w.mark.pk, OCT, "test", today=D(2025, 11, 5))
    frozen = list(StatementLine.objects.filter(statement__month=OCT))
    assert len(frozen) == 2 and all(line.corrects_month is None for line in frozen)
    # A late withdrawal: Astrid was in fact not ready from 8 October 07:00 (re-ready 9 Oct 10:00).
    b.ag_withdraw(astrid_notice, b.ag_local(D(2025, 10, 8), 7))
    b.ag_ready(astrid, b.ag_local(D(2025, 10, 9), 10))  # new waiting period: paid from 13 Oct: none
    # The closed month still shows its frozen lines, unchanged.
    closed = sel.statement(actor, w.mark.pk, OCT, "test")
    assert closed["closed"] and [line.payment_days for line in closed["lines"]] == [
        line.payment_days for line in sorted(frozen, key=lambda r: r.pk)
    ]
    assert closed["totals"].payment_days == 9
    # November (being stated now) shows the correction of October, never an edit of October's lines.
    november = sel.statement(actor, w.mark.pk, NOV, "test")
    (correction,) = november["corrections"]
    assert correction.case.pk == astrid.pk and correction.corrects_month == OCT
    # Before: ready 2-11 (10), paid 6-11 (6). Now: ready 2-7 and 9-11 (9), paid 6-7 (2; the renewed notice
    # of 9 October starts a new waiting period 10-12 and the patient left on the 12th).
    assert (correction.ready_days, correction.payment_days) == (-1, -4)
    assert correction.amount == Decimal("-36000.00")
    assert november["totals"].amount == sum(line.amount for line in november["lines"])
    # Closing November freezes the correction; afterwards nothing more is due for October.
    statement_services.close_month(actor, w.mark.pk, NOV, "test", today=D(2025, 12, 2))
    assert StatementLine.objects.filter(statement__month=NOV, corrects_month=OCT).count() == 1
    december = sel.statement(actor, w.mark.pk, D(2025, 12, 1), "test")
    assert december["corrections"] == []
    # October's own lines were never edited.
    assert [(r.pk, r.payment_days) for r in StatementLine.objects.filter(statement__month=OCT)] == [
        (r.pk, r.payment_days) for r in frozen
    ]


def test_month_cannot_close_twice_or_before_it_ends():
    w = build()
    setup_cases(w)
    actor = f.actor(w.vc_manager)
    with pytest.raises(statement_services.StatementError):
        statement_services.close_month(actor, w.mark.pk, OCT, "test", today=D(2025, 10, 31))
    statement_services.close_month(actor, w.mark.pk, OCT, "test", today=D(2025, 11, 1))
    with pytest.raises(statement_services.StatementError):
        statement_services.close_month(actor, w.mark.pk, OCT, "test", today=D(2025, 11, 2))


def test_page_csv_and_print_are_logged_and_agree_with_the_lines(client):
    w = build()
    setup_cases(w)
    client.force_login(w.vc_manager)
    url = reverse("transitions:statement", args=[w.mark.pk, "2025-10"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Astrid Lindqvist" in body and "81000,00" in body  # Swedish decimal comma
    assert AccessLogEntry.objects.filter(context="transitions:statement", action="read").count() == 2
    response = client.get(reverse("transitions:statement_csv", args=[w.mark.pk, "2025-10"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header[0] == "ärende"
    expected = sel.computed_lines(w.mark.pk, OCT)
    assert [[int(r[0]), r[1], int(r[5]), int(r[6]), r[8]] for r in lines] == [
        [
            line.case.pk,
            line.person_name,
            line.ready_days,
            line.payment_days,
            f"{line.amount:.2f}".replace(".", ","),
        ]
        for line in expected
    ]
    assert total[0] == "summa" and int(total[6]) == sum(int(r[6]) for r in lines) == 9
    assert AccessLogEntry.objects.filter(context="transitions:statement_csv", action="export").count() == 2
    printed = client.get(reverse("transitions:statement_print", args=[w.mark.pk, "2025-10"]))
    assert printed.status_code == 200 and "Skriv ut" in printed.content.decode()
    assert AccessLogEntry.objects.filter(context="transitions:statement_print", action="print").count() == 2
    # Closing through the page.
    response = client.post(reverse("transitions:statement_close", args=[w.mark.pk, "2025-10"]))
    assert response.status_code == 302
    assert "Stängd" in client.get(url).content.decode()
    summary = client.get(reverse("transitions:statement_summary", args=[w.mark.pk]))
    assert summary.status_code == 200
    assert client.get(reverse("transitions:statements")).status_code == 200
    assert client.get(f"/overgangar/betalningsansvar/{w.mark.pk}/2025-1/").status_code == 404


def test_who_may_see_a_statement(client):
    w = build()
    setup_cases(w)
    url = reverse("transitions:statement", args=[w.mark.pk, "2025-10"])
    other_municipality = f.organisation("Bollebygds kommun")
    other_manager = f.staff(f.unit(other_municipality), ["manager"])
    other_region = f.organisation("Region Halland", kind="region")
    other_region_manager = f.staff(f.unit(other_region), ["manager"])
    for user in (w.mark_nurse, w.vc_nurse, w.vc_analyst, other_manager, other_region_manager):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
        assert (
            client.get(reverse("transitions:statement_csv", args=[w.mark.pk, "2025-10"])).status_code == 403
        )
        assert (
            client.post(reverse("transitions:statement_close", args=[w.mark.pk, "2025-10"])).status_code
            == 403
        )
    assert not AccessLogEntry.objects.filter(context__startswith="transitions:statement").exists()
    assert not StatementLine.objects.exists()
    for user in (w.vc_manager, b.ag_mark_manager(w)):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_analysts_see_totals_with_small_cells_suppressed(client, settings):
    w = build()
    setup_cases(w)  # two cases in October 2025, one in September
    summary_url = reverse("transitions:statement_summary", args=[w.mark.pk])
    client.force_login(w.vc_analyst)
    assert client.get(reverse("transitions:statement", args=[w.mark.pk, "2025-10"])).status_code == 403
    settings.NARA_SMALL_CELL_LIMIT = 2
    ctx = sel.summary(f.actor(w.vc_analyst), w.mark.pk, OCT, months=2)
    october, september = (row["cells"] for row in ctx["rows"])
    assert october["cases"].value == 2 and october["payment_days"].value == 9
    # One case: "<2", and its days and amount hidden with it.
    assert september["cases"].hidden and september["ready_days"].hidden and september["amount"].hidden
    page = client.get(summary_url)
    assert page.status_code == 200
    assert "Astrid" not in page.content.decode()
    assert not AccessLogEntry.objects.exclude(action="denied").exists()  # only the refusals are logged
    # A manager sees the same suppressed summary; the month's statement (every line shown and logged) is exact.
    ctx = sel.summary(f.actor(w.vc_manager), w.mark.pk, OCT, months=2)
    assert ctx["exact"] and ctx["rows"][1]["cells"]["cases"].hidden
    index = client.get(reverse("transitions:statements")).content.decode()
    assert "Marks kommun" in index and "2025-10/" not in index


def test_an_earlier_month_cannot_be_closed_after_a_later_one():
    w = build()
    setup_cases(w)
    actor = f.actor(w.vc_manager)
    statement_services.close_month(actor, w.mark.pk, OCT, "test", today=D(2025, 11, 2))
    with pytest.raises(statement_services.StatementError):
        statement_services.close_month(actor, w.mark.pk, D(2025, 9, 1), "test", today=D(2025, 11, 2))
    assert not StatementLine.objects.filter(statement__month=D(2025, 9, 1)).exists()


def test_statement_of_a_municipality_without_an_agreement(client):
    """No agreement between the region and Mark: the days follow lagens huvudregel (3 calendar days after the
    notice), priced with the national day price of the year, and the region's managers see the statement."""
    w = build()
    astrid = b.ag_case(w, D(2025, 10, 1), None)
    b.ag_ready(astrid, b.ag_local(D(2025, 10, 2), 10))  # waiting 3-5 Oct, paid from 6 Oct
    b.ag_discharge(astrid, b.ag_local(D(2025, 10, 12), 10))  # ready 2-11 (10), paid 6-11 (6)
    url = reverse("transitions:statement", args=[w.mark.pk, "2025-10"])
    client.force_login(w.vc_manager)
    # Without a day price for the year the amounts are not invented: the page says the price is missing.
    page = client.get(url)
    assert page.status_code == 200
    assert "Dagpris saknas för 2025" in page.content.decode()
    b.ag_day_price(2025, "9000.00")
    october = sel.statement(f.actor(w.vc_manager), w.mark.pk, OCT, "test")
    (line,) = october["lines"]
    assert (line.ready_days, line.payment_days, line.amount) == (10, 6, Decimal("54000.00"))
    assert "Lagens huvudregel" in line.note
    body = client.get(url).content.decode()
    assert "Lagens huvudregel" in body and "54000,00" in body
    assert "Marks kommun" in client.get(reverse("transitions:statements")).content.decode()
    # Closing freezes the line with its note.
    statement_services.close_month(f.actor(w.vc_manager), w.mark.pk, OCT, "test", today=D(2025, 11, 5))
    frozen = StatementLine.objects.get(statement__month=OCT)
    assert (frozen.payment_days, frozen.amount) == (6, Decimal("54000.00")) and "Lagens huvudregel" in frozen.note
    # A region without cases for Mark and without an agreement still sees nothing.
    other_region = f.organisation("Region Halland", kind="region")
    client.force_login(f.staff(f.unit(other_region), ["manager"]))
    assert client.get(url).status_code == 403
