"""The risk list ("Identifiera"), opening a row, decisions, the unit's CSV export, and analysts' counts.

No personnummer or pseudonym ever appears in a URL: rows not yet in the register are opened by POST, identified
persons by their opaque id; the only query parameters are the criterion filter and the page number.
"""

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nara.access import gate
from nara.core import csv_safe
from nara.identify import decisions, linking, selectors
from nara.identify.forms import DecisionForm, FilterForm, OpenRowForm


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def risk_list(request):
    actor = request.actor
    # The filter's choices are the criteria on the unit's list: the selector checks the value against them.
    result = selectors.risk_list(actor, request.GET.get("kriterium", "")[:100] or None, _page_number(request))
    form = FilterForm(request.GET or None, definitions=result.definitions)
    definition = result.definition
    query = urlencode({"kriterium": definition}) if definition else ""
    return render(request, "identify/risk_list.html", {
        "nav": "identify", "result": result, "form": form, "query": query, "definition": definition,
        "definition_name": dict(result.definitions).get(definition, ""),
        "open_form": OpenRowForm(),
    })


@require_POST
def open_row(request):
    form = OpenRowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Raden kunde inte öppnas. Ladda om listan och försök igen."))
        return redirect("identify:list")
    try:
        opened = linking.open_row(request.actor, form.cleaned_data["rad"])
    except gate.AccessDenied as exc:
        messages.error(request, exc.reason)
        return redirect("identify:list")
    if opened.outcome == "created":
        messages.success(request, _("Personen är nu upplagd i registret och listad på din vårdcentral. Namnet finns "
                                    "inte i uttaget: fyll i det från journalen."))
    elif opened.outcome == "linked":
        messages.success(request, _("Personen är nu kopplad till din vårdcentral i registret."))
    return redirect("identify:person", opened.person.pk)


@require_http_methods(["GET", "POST"])
def person(request, person_id):
    actor = request.actor
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decisions.record_decision(actor, person_id, form.cleaned_data["decision"], form.cleaned_data["note"])
        messages.success(request, _("Beslutet är sparat."))
        return redirect("identify:person", person_id)
    risk = selectors.person_risk(actor, person_id)
    return render(request, "identify/person.html", {
        "nav": "identify", "risk": risk, "person": risk.access.person, "form": form,
        "name_missing": linking.name_missing(risk.access.person),
    })


CSV_COLUMNS = (
    gettext_lazy("Namn"), gettext_lazy("Personnummer"), gettext_lazy("Ålder"), gettext_lazy("Kriterier"),
    gettext_lazy("Skäl"), gettext_lazy("Senaste beslut"), gettext_lazy("Beslutsdatum"), gettext_lazy("Beslutat av"),
    gettext_lazy("Anmärkning"),
)
OTHERS_LEFT_OUT = gettext_lazy("Uppgifter från andra vårdgivare ingår inte")


@require_POST
def export(request):
    """The unit's identified rows as CSV (semicolon, UTF-8 with BOM for Excel); one EXPORT log row per person."""
    result, rows = selectors.export_rows(request.actor, request.POST.get("kriterium", "")[:100] or None)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_safe.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(c) for c in CSV_COLUMNS])
    for r in rows:
        d = r.last_decision
        writer.writerow([
            r.person.full_name.strip(), r.person.personnummer, r.person.age(),
            ", ".join(c.name for c in r.row.flagged), r.row.reasons,
            d.get_decision_display() if d else "",
            timezone.localtime(d.created_at).strftime("%Y-%m-%d") if d else "",
            (d.recorded_by.get_full_name() or d.recorded_by.username) if d else "",
            str(OTHERS_LEFT_OUT) if r.row.others_left_out else "",
        ])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="risklista-{result.unit.hsa_id}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def statistics(request):
    stats = selectors.statistics(request.actor)
    return render(request, "identify/statistics.html", {"nav": "statistics", "stats": stats})
