"""Log review (loggkontroll), spot checks and the person's log extract. Managers only (Capability.LOG_REVIEW).

Reading the log is itself an access to personal data: every page writes one row per person it shows.
"""
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nara.audit import selectors, services
from nara.audit.forms import LogFilterForm, PeriodForm, PersonChoiceForm, SpotCheckForm
from nara.audit.models import Action
from nara.audit.selectors import QUICK_DENIED, QUICK_EMERGENCY, QUICK_LAST_DAY, QUICK_OTHER_ORG
from nara.directory.roles import Capability

PAGE_SIZE = 50


def log_reviewer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        actor = getattr(request, "actor", None)
        if actor is None or not actor.can(Capability.LOG_REVIEW):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.elided = list(page.paginator.get_elided_page_range(page.number))
    return page


def _clean_query(form, *, without=()) -> str:
    """The current filters, rebuilt from validated data only: raw query parameters are never echoed back."""
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({
        name: _param(value) for name, value in form.cleaned_data.items()
        if name not in without and value not in (None, "")
    })


def _param(value) -> str:
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _review_page(request, person_form=None, spot_form=None, status=200):
    actor = request.actor
    form = LogFilterForm(request.GET or None, actor=actor)
    ctx = {
        "nav": "log", "form": form, "person_form": person_form or PersonChoiceForm(),
        "spot_form": spot_form or SpotCheckForm(), "page": None, "filter_person": None,
        "query": _clean_query(form), "query_no_person": _clean_query(form, without=("person",)),
        "quick_emergency": QUICK_EMERGENCY, "quick_last_day": QUICK_LAST_DAY, "quick_denied": QUICK_DENIED,
        "quick_other_org": QUICK_OTHER_ORG,
    }
    # An unbound form is valid-empty: no filters, every reviewable row.
    if form.is_bound and not form.is_valid():
        return render(request, "audit/review.html", ctx, status=status)
    filters = form.filters() if form.is_bound else selectors.LogFilters()
    page = _paginate(request, selectors.filtered_log(actor, filters))
    shown = [row.person_id for row in page.object_list]
    persons = selectors.persons_by_id([*shown, filters.person_id] if filters.person_id else shown)
    for row in page.object_list:
        row.person_obj = persons.get(row.person_id)
    services.record_log_review(actor, [filters.person_id, *shown], Action.READ, "audit:review")
    ctx.update(page=page, filters=filters, filter_person=persons.get(filters.person_id),
               description=selectors.describe(actor, filters))
    return render(request, "audit/review.html", ctx, status=status)


@log_reviewer_required
@require_http_methods(["GET", "POST"])
def review(request):
    """GET: filtered log. POST: document a spot check of the current selection (the filters stay in the URL)."""
    if request.method != "POST":
        return _review_page(request)
    spot_form = SpotCheckForm(request.POST)
    form = LogFilterForm(request.GET or None, actor=request.actor)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Rätta urvalet innan du dokumenterar loggkontrollen."))
        return _review_page(request, spot_form=spot_form, status=400)
    if not spot_form.is_valid():
        return _review_page(request, spot_form=spot_form, status=400)
    filters = form.filters() if form.is_bound else selectors.LogFilters()
    services.record_spot_check(
        request.actor, spot_form.cleaned_data, filters,
        description=selectors.describe(request.actor, filters),
        rows=selectors.filtered_log(request.actor, filters).count(),
    )
    messages.success(request, _("Loggkontrollen är dokumenterad."))
    return redirect("audit:spot_checks")


@log_reviewer_required
@require_POST
def choose_person(request):
    """Turn a personnummer (POST body only) into a filter on the person's opaque id."""
    person_form = PersonChoiceForm(request.POST)
    if not person_form.is_valid():
        return _review_page(request, person_form=person_form, status=400)
    filters = LogFilterForm(request.GET, actor=request.actor)
    query = _clean_query(filters, without=("person",))
    person = urlencode({"person": person_form.cleaned_data["personnummer"]})
    return redirect(f"{reverse('audit:review')}?{query + '&' if query else ''}{person}")


@log_reviewer_required
@require_GET
def spot_checks(request):
    page = _paginate(request, selectors.spot_checks(request.actor))
    services.record_log_review(request.actor, [c.person_id for c in page.object_list], Action.READ,
                               "audit:spot_checks")
    return render(request, "audit/spot_checks.html", {"nav": "log", "page": page})


def _extract_context(request, person_id):
    person = selectors.persons_by_id([person_id]).get(person_id)
    if person is None:
        raise Http404
    form = PeriodForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    period = form.cleaned_data if form.is_bound and valid else {}
    rows = selectors.extract_rows(request.actor, person_id, period.get("date_from"), period.get("date_to")) \
        if valid else []
    return {
        "nav": "log", "person": person, "form": form, "rows": rows, "valid": valid,
        "date_from": period.get("date_from"), "date_to": period.get("date_to"),
        "issued": timezone.localdate(), "query": _clean_query(form),
    }


@log_reviewer_required
@require_GET
def extract(request, person_id):
    ctx = _extract_context(request, person_id)
    services.record_log_review(request.actor, [person_id], Action.READ, "audit:extract")
    return render(request, "audit/extract.html", ctx, status=200 if ctx["valid"] else 400)


@log_reviewer_required
@require_GET
def extract_print(request, person_id):
    ctx = _extract_context(request, person_id)
    if not ctx["valid"]:
        return render(request, "audit/extract.html", ctx, status=400)
    services.record_log_review(request.actor, [person_id], Action.PRINT, "audit:extract_print")
    return render(request, "audit/extract_print.html", ctx)
