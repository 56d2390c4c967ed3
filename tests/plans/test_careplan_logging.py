"""The exact access-log rows of the care-plan pages and the prepared care request (page, edit, print): every
record the page is built from, with its own basis; the register read of the person; and with the print also the
print rows. A third organisation's record that the person's consent does not cover is never logged.

Kinna's nurse reads. The region's (own organisation) records: a hospital care plan, a treatment limitation, a
patient contract, a recent CFS rating, the fixed contact and its part of the care request. Marks kommun's
(consent to the region): a palliative plan, a referral, the relative and the care-team entry. Kungsbacka's
(no consent): a care plan.
"""

import datetime as dt

import pytest
from django.urls import reverse

from nara.access.models import Consent
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.directory.models import Unit
from nara.plans.models import PreparedCareRequest
from tests import factories as f
from tests import logrows
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def plans_world():
    """The world of tests/world.py with the records described above (shared by tests/plans/*_logging.py)."""
    w = build()
    consent = Consent.objects.create(person=w.person, receiving_org=w.region, method="verbal",
                                     valid_from=dt.date(2025, 1, 1), recorded_by_unit=w.vc, recorded_by_org=w.region,
                                     recorded_by=w.vc_nurse)
    consent.source_orgs.set([w.mark])
    w.plan = b.care_plan(w)
    w.limitation = b.limitation(w)
    w.contract = b.contract(w)
    w.rating = b.cfs_rating(w, rated_on=TODAY - dt.timedelta(days=3))
    w.part = PreparedCareRequest.objects.create(person=w.person, diagnoses="Hjärtsvikt", recorded_by_unit=w.vc,
                                                recorded_by_org=w.region, recorded_by=w.vc_nurse)
    w.mark_plan = b.care_plan(w, kind="palliative", user=w.mark_nurse, unit=w.hsv, org=w.mark)
    w.referral = b.referral(w)
    kungsbacka = f.organisation("Kungsbacka kommun", code="1384")
    k_unit = f.unit(kungsbacka, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Kungsbacka")
    w.k_unit, w.k_user = k_unit, f.staff(k_unit, ["physician"])
    b.care_plan(w, kind="palliative", user=w.k_user, unit=k_unit, org=kungsbacka)
    return w


@pytest.fixture
def w():
    return plans_world()


def opened(client, w, name, **kwargs):
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    assert client.get(reverse(name, kwargs={"person_id": w.person.pk, **kwargs})).status_code == 200
    return logrows.written(since, w.vc_nurse)


def read(w, context, *, own=(), consented=()):
    return [logrows.record(r, Basis.OWN_ORG, context) for r in own] + [
        logrows.record(r, Basis.CONSENT, context) for r in consented
    ]


def test_care_plans_page_logs_each_plan_and_limitation_shown(client, w):
    ctx = "plans:careplans"
    assert opened(client, w, "plans:careplans") == logrows.expect(
        logrows.person(w.person, ctx), *read(w, ctx, own=[w.plan, w.limitation], consented=[w.mark_plan])
    )


def _care_request_reads(w, ctx):
    return [
        logrows.person(w.person, ctx),
        *read(w, ctx, own=[w.limitation, w.plan, w.part, w.rating, w.contract, w.fixed],
              consented=[w.mark_plan, w.referral, w.relative, w.team_entry]),
    ]


def distinct(rows):
    """The rows as a set: the care request logs the recent CFS rating twice today (its recent changes and its
    CFS summary both read it); which of the two writes it is not what these tests are about."""
    return logrows.expect(*set(rows))


def test_care_request_logs_every_record_it_is_built_from(client, w):
    ctx = "plans:care_request"
    assert distinct(opened(client, w, "plans:care_request")) == logrows.expect(*_care_request_reads(w, ctx))


def test_care_request_print_logs_the_reads_and_what_is_printed(client, w):
    ctx = "plans:care_request:print"
    # Each printed record with its own basis, as when it is read (Mark's plan through the consent).
    printed = [logrows.record(r, Basis.OWN_ORG, ctx, Action.PRINT) for r in (w.limitation, w.plan, w.part)]
    printed.append(logrows.record(w.mark_plan, Basis.CONSENT, ctx, Action.PRINT))
    assert distinct(opened(client, w, "plans:care_request_print")) == logrows.expect(
        *_care_request_reads(w, ctx), logrows.person(w.person, ctx, action=Action.PRINT), *printed
    )


def test_care_request_edit_logs_the_own_part(client, w):
    ctx = "plans:care_request:edit"
    assert opened(client, w, "plans:care_request_edit") == logrows.expect(
        logrows.person(w.person, ctx), logrows.record(w.part, Basis.OWN_ORG, ctx)
    )


def test_referral_print_logs_the_referral_printed_with_its_basis(client, w):
    ctx = "plans:referral:print"
    printed = [logrows.record(r, Basis.OWN_ORG, ctx, Action.PRINT) for r in (w.limitation, w.plan, w.part)]
    printed += [logrows.record(r, Basis.CONSENT, ctx, Action.PRINT) for r in (w.mark_plan, w.referral)]
    assert distinct(opened(client, w, "plans:referral_print", pk=w.referral.pk)) == logrows.expect(
        *_care_request_reads(w, ctx), logrows.person(w.person, ctx, action=Action.PRINT), *printed
    )
