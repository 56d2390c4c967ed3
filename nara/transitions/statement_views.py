"""Views for the monthly statement of payment days per municipality: page, print (A4), CSV and closing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nara.audit.models import Action
from nara.core import csv_safe
from nara.transitions import statement_selectors as selectors
from nara.transitions import statement_services as services


def statement_index(request):
    """The municipalities the manager may see, each with a link to this month and its summary."""
    actor = request.actor
    municipalities = selectors.statement_municipalities(actor)
    if not municipalities:
        selectors.agreement_services.require(
            False, _("Betalningsansvaret visas för chefer i kommunerna och i regionen.")
        )
    return render(
        request,
        "transitions/statements/index.html",
        {
            "municipalities": municipalities,
            "is_manager": selectors.agreement_services.is_manager(actor),
            "this_month": timezone.localdate().replace(day=1),
            "last_month": selectors.add_months(timezone.localdate().replace(day=1), -1),
            "nav": "statements",
        },
    )


def statement_summary(request, municipality_id):
    this_month = timezone.localdate().replace(day=1)
    ctx = selectors.summary(request.actor, municipality_id, this_month)
    ctx["nav"] = "statements"
    return render(request, "transitions/statements/summary.html", ctx)


def statement(request, municipality_id, month):
    # `month` is the first day of the month in the URL (nara.core.converters.MonthConverter).
    ctx = selectors.statement(request.actor, municipality_id, month, "transitions:statement")
    ctx["nav"] = "statements"
    return render(request, "transitions/statements/statement.html", ctx)


def statement_print(request, municipality_id, month):
    ctx = selectors.statement(
        request.actor, municipality_id, month, "transitions:statement_print", Action.PRINT
    )
    ctx["printed_at"] = timezone.localtime()
    return render(request, "transitions/statements/print.html", ctx)


CSV_HEADER = [
    "ärende",
    "namn",
    "avdelning",
    "utskrivningsklar från",
    "utskrivningsklar till och med",
    "utskrivningsklara dagar",
    "betalningsansvariga dagar",
    "dagpris",
    "belopp",
    "rättelse av månad",
    "anmärkning",
]


def _decimal(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def csv_rows(lines):
    for line in lines:
        yield [
            line.case.pk,
            line.person_name,
            line.ward_name,
            line.ready_from.isoformat() if line.ready_from else "",
            line.ready_to.isoformat() if line.ready_to else "",
            line.ready_days,
            line.payment_days,
            _decimal(line.day_price),
            _decimal(line.amount),
            line.corrects_month.strftime("%Y-%m") if line.corrects_month else "",
            line.note,
        ]


def statement_csv(request, municipality_id, month):
    """Semicolon-separated with decimal commas (Swedish spreadsheets); one row per line, then the total."""
    ctx = selectors.statement(
        request.actor, municipality_id, month, "transitions:statement_csv", Action.EXPORT
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"betalningsansvar-{ctx['municipality'].municipality_code or municipality_id}-{month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    writer = csv_safe.writer(response, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(ctx["lines"]))
    t = ctx["totals"]
    writer.writerow(["summa", "", "", "", "", t.ready_days, t.payment_days, "", _decimal(t.amount), "", ""])
    return response


@require_POST
def statement_close(request, municipality_id, month):
    try:
        services.close_month(request.actor, municipality_id, month, "transitions:statement_close")
        messages.success(request, _("Månaden är stängd. Senare ändringar redovisas som rättelser."))
    except services.StatementError as exc:
        messages.error(request, str(exc))
    return redirect("transitions:statement", municipality_id, month)
