"""Reads for agreements (no personal data: no access log), limited to the actor's own agreements."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from nara.directory.actor import Actor
from nara.transitions import agreement_services as services
from nara.transitions.models import Agreement, DayPrice, FollowUpRule

DENIED = _("Överenskommelser hanteras av chefer i regionen och kommunerna som är parter i dem.")


def agreements(actor: Actor):
    services.require(services.is_manager(actor), DENIED)
    from django.db.models import Q

    return (
        Agreement.objects.filter(Q(region_id=actor.org_id) | Q(municipality_id=actor.org_id))
        .select_related("region", "municipality")
        .order_by("municipality__name", "-valid_from")
    )


def agreement(actor: Actor, pk: int) -> Agreement:
    found = get_object_or_404(Agreement.objects.select_related("region", "municipality"), pk=pk)
    services.require(services.may_manage_agreement(actor, found), DENIED)
    return found


def follow_up_rule(actor: Actor, agreement_pk: int, pk: int) -> FollowUpRule:
    found = get_object_or_404(
        FollowUpRule.objects.select_related("agreement"), pk=pk, agreement_id=agreement_pk
    )
    services.require(services.may_manage_agreement(actor, found.agreement), DENIED)
    return found


def day_prices(actor: Actor):
    services.require(services.is_manager(actor), DENIED)
    return DayPrice.objects.order_by("-year")
