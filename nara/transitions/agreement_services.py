"""Writes to agreements, follow-up rules and day prices; and the one rule of who manages them.

Agreements hold no personal data, so there is no access log here; the rule below decides who may change them.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from nara.access.gate import AccessDenied
from nara.core.models import ConcurrentEditError
from nara.directory.actor import Actor
from nara.directory.models import Organisation
from nara.directory.roles import Capability, Role
from nara.transitions.models import Agreement, DayPrice, DischargeCase, FollowUpRule


def is_manager(actor: Actor) -> bool:
    return Role.MANAGER in actor.roles


def actor_is_region_manager(actor: Actor) -> bool:
    return (
        is_manager(actor)
        and Organisation.objects.filter(pk=actor.org_id, kind=Organisation.Kind.REGION).exists()
    )


def may_manage_agreement(actor: Actor, agreement: Agreement | None = None) -> bool:
    """THE rule: agreements are managed by managers (Role.MANAGER) of the region or municipality party to them.

    Without an agreement: may the actor create agreements at all (a manager of a region or a municipality)?
    """
    if not is_manager(actor):
        return False
    if agreement is None:
        return Organisation.objects.filter(
            pk=actor.org_id, kind__in=[Organisation.Kind.REGION, Organisation.Kind.MUNICIPALITY]
        ).exists()
    return actor.org_id in (agreement.region_id, agreement.municipality_id)


def may_manage_day_prices(actor: Actor) -> bool:
    """The day price is national (Socialstyrelsen); a region's managers enter it."""
    return actor_is_region_manager(actor)


def region_party_municipality_ids(region_id: int) -> set[int]:
    """The municipalities a region is party with for payment responsibility: by an agreement, or (lagens
    huvudregel, no agreement) by discharge cases its wards have addressed to the municipality."""
    agreed = Agreement.objects.filter(region_id=region_id).values_list("municipality_id", flat=True)
    addressed = DischargeCase.objects.filter(recorded_by_org_id=region_id).values_list(
        "municipality_id", flat=True
    )
    return set(agreed) | set(addressed.distinct())


def _is_party(actor: Actor, municipality_id: int) -> bool:
    if actor.org_id == municipality_id:
        return True
    if Agreement.objects.filter(region_id=actor.org_id, municipality_id=municipality_id).exists():
        return True
    return DischargeCase.objects.filter(
        recorded_by_org_id=actor.org_id, municipality_id=municipality_id
    ).exists()


def may_see_statement(actor: Actor, municipality_id: int) -> bool:
    """A municipality's statement: managers of that municipality, and of a region party with it (an agreement, or
    without one cases addressed to it, counted by lagens huvudregel)."""
    return is_manager(actor) and _is_party(actor, municipality_id)


def may_see_aggregates(actor: Actor, municipality_id: int) -> bool:
    """Totals per month without persons (small cells suppressed): analysts and managers of the same parties."""
    return actor.can(Capability.AGGREGATES) and _is_party(actor, municipality_id)


def require(allowed: bool, reason: str | None = None) -> None:
    if not allowed:
        raise AccessDenied(str(reason or _("Bara chefer hos parterna i överenskommelsen får göra detta.")))


def _check_parties(actor: Actor, agreement: Agreement) -> None:
    require(
        actor.org_id in (agreement.region_id, agreement.municipality_id),
        _("Din organisation måste vara part i överenskommelsen."),
    )


@transaction.atomic
def create_agreement(actor: Actor, form) -> Agreement:
    require(may_manage_agreement(actor))
    agreement = form.save(commit=False)
    _check_parties(actor, agreement)
    agreement.save()
    return agreement


@transaction.atomic
def change_agreement(actor: Actor, agreement: Agreement, form, expected_version: int) -> Agreement:
    require(may_manage_agreement(actor, Agreement.objects.get(pk=agreement.pk)))
    changed = form.save(commit=False)
    _check_parties(actor, changed)
    changed.save_checked(expected_version)
    return changed


@transaction.atomic
def save_follow_up_rule(actor: Actor, agreement: Agreement, form) -> FollowUpRule:
    require(may_manage_agreement(actor, agreement))
    rule = form.save(commit=False)
    rule.agreement = agreement
    rule.save()
    return rule


@transaction.atomic
def remove_follow_up_rule(actor: Actor, rule: FollowUpRule) -> None:
    """Rules already used by tasks are kept as inactive (the tasks point to them); others are deleted."""
    require(may_manage_agreement(actor, rule.agreement))
    from nara.transitions.models import FollowUpTask

    if FollowUpTask.objects.filter(rule=rule).exists():
        rule.active = False
        rule.save(update_fields=["active", "updated_at"])
    else:
        rule.delete()


@transaction.atomic
def save_day_price(actor: Actor, form, expected_updated_at: str | None = None) -> DayPrice:
    require(may_manage_day_prices(actor), _("Bara chefer i regionen får ändra dagpriset."))
    price = form.save(commit=False)
    if price.pk and expected_updated_at is not None:
        current = DayPrice.objects.filter(pk=price.pk).values_list("updated_at", flat=True).first()
        if current is None or current.isoformat() != expected_updated_at:
            raise ConcurrentEditError(str(ConcurrentEditError.message))
    price.save()
    return price
