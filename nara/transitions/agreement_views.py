"""Views for agreements (payment rule, follow-up rules, home health criteria) and day prices (thin)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nara.core import conflicts
from nara.core.models import ConcurrentEditError
from nara.transitions import agreement_selectors as selectors
from nara.transitions import agreement_services as services
from nara.transitions.agreement_forms import AgreementForm, DayPriceForm, FollowUpRuleForm
from nara.transitions.models import DayPrice


def _expected_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def agreement_list(request):
    actor = request.actor
    return render(
        request,
        "transitions/agreements/list.html",
        {
            "agreements": selectors.agreements(actor),
            "may_create": services.may_manage_agreement(actor),
            "may_edit_prices": services.may_manage_day_prices(actor),
            "nav": "agreements",
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_new(request):
    actor = request.actor
    services.require(services.may_manage_agreement(actor), selectors.DENIED)
    form = AgreementForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        agreement = services.create_agreement(actor, form)
        messages.success(request, _("Överenskommelsen är sparad."))
        return redirect("transitions:agreement_detail", agreement.pk)
    return render(request, "transitions/agreements/form.html", {"form": form, "agreement": None})


def agreement_detail(request, pk):
    agreement = selectors.agreement(request.actor, pk)
    return render(
        request,
        "transitions/agreements/detail.html",
        {"agreement": agreement, "rules": agreement.follow_up_rules.all(), "nav": "agreements"},
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    actor = request.actor
    agreement = selectors.agreement(actor, pk)
    form = AgreementForm(request.POST or None, instance=agreement, actor=actor)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_agreement(actor, agreement, form, _expected_version(request))
            messages.success(request, _("Ändringen är sparad."))
            return redirect("transitions:agreement_detail", pk)
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, agreement, exc)
    return render(
        request,
        "transitions/agreements/form.html",
        {"form": form, "agreement": agreement},
        status=conflicts.status(form),
    )


@require_http_methods(["GET", "POST"])
def rule_new(request, pk):
    actor = request.actor
    agreement = selectors.agreement(actor, pk)
    form = FollowUpRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_follow_up_rule(actor, agreement, form)
        messages.success(request, _("Regeln är sparad."))
        return redirect("transitions:agreement_detail", pk)
    return render(request, "transitions/agreements/rule_form.html", {"form": form, "agreement": agreement})


@require_http_methods(["GET", "POST"])
def rule_edit(request, pk, rule_pk):
    actor = request.actor
    rule = selectors.follow_up_rule(actor, pk, rule_pk)
    if request.method == "POST" and "remove" in request.POST:
        services.remove_follow_up_rule(actor, rule)
        messages.success(request, _("Regeln är borttagen."))
        return redirect("transitions:agreement_detail", pk)
    form = FollowUpRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_follow_up_rule(actor, rule.agreement, form)
        messages.success(request, _("Ändringen är sparad."))
        return redirect("transitions:agreement_detail", pk)
    return render(
        request,
        "transitions/agreements/rule_form.html",
        {"form": form, "agreement": rule.agreement, "rule": rule},
    )


@require_http_methods(["GET", "POST"])
def day_prices(request):
    actor = request.actor
    prices = selectors.day_prices(actor)
    may_edit = services.may_manage_day_prices(actor)
    form = DayPriceForm(request.POST or None) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        services.save_day_price(actor, form)
        messages.success(request, _("Dagpriset är sparat."))
        return redirect("transitions:day_prices")
    return render(
        request,
        "transitions/agreements/day_prices.html",
        {"prices": prices, "form": form, "may_edit": may_edit, "nav": "agreements"},
    )


@require_http_methods(["GET", "POST"])
def day_price_edit(request, pk):
    actor = request.actor
    services.require(services.may_manage_day_prices(actor), _("Bara chefer i regionen får ändra dagpriset."))
    price = get_object_or_404(DayPrice, pk=pk)
    form = DayPriceForm(request.POST or None, instance=price)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_day_price(actor, form, form.cleaned_data.get("updated") or None)
            messages.success(request, _("Ändringen är sparad."))
            return redirect("transitions:day_prices")
        except ConcurrentEditError as exc:
            conflicts.keep_input(form, price, exc, field="updated", token=lambda p: p.updated_at.isoformat())
    return render(
        request,
        "transitions/agreements/day_price_form.html",
        {"form": form, "price": price},
        status=conflicts.status(form),
    )
