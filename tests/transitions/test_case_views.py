"""Discharge case pages: access (receiver with and without consent, unrelated unit), the inbox, the steps through
the forms (refusals in Swedish, stale version keeps the input), and logging of every read."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry, Action
from nara.transitions import case_services
from nara.transitions.models import CaseStatus, Receipt
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = build()
    b.case_parties(world)
    return world


def detail(w, case):
    return reverse("transitions:case_detail", args=[w.person.pk, case.pk])


def step(w, case, name):
    return reverse("transitions:case_step", args=[w.person.pk, case.pk, name])


def reads(w, user):
    return AccessLogEntry.objects.filter(person=w.person, user=user, action=Action.READ)


def test_ward_sends_the_notice_through_the_form(client, w):
    client.force_login(w.ward_nurse)
    url = reverse("transitions:case_new", args=[w.person.pk])
    page = client.get(url).content.decode()
    assert "Marks kommun" in page and "Vårdcentralen Kinna" in page
    admitted = timezone.localtime() - dt.timedelta(hours=3)
    data = {
        "admitted_at": admitted.strftime("%Y-%m-%dT%H:%M"),
        "expected_discharge_on": (admitted.date() - dt.timedelta(days=1)).isoformat(),
        "reason": "Höftfraktur",
        "both_must_act": "on",
        "consent_method": "representative",
        "representative_name": "",
    }
    page = client.post(url, data).content.decode()
    assert "Datumet kan inte vara före inskrivningen." in page
    assert "Skriv företrädarens namn." in page
    assert "Ange när samtycket lämnades." in page  # a documented consent: who, how and when
    data["consent_given_at"] = admitted.strftime("%Y-%m-%dT%H:%M")
    data.update(expected_discharge_on=(admitted.date() + dt.timedelta(days=3)).isoformat())
    data.update(representative_name="Karl Lindqvist")
    response = client.post(url, data)
    case = w.person.discharge_cases.get()
    assert response.status_code == 302 and response.url == detail(w, case)
    # The municipality takes part of the region's case data; the region of nothing (docs/decisions.md).
    assert case.both_must_act and list(case.consents.values_list("receiving_org_id", flat=True)) == [w.mark.pk]
    assert w.person.personnummer not in response.url


def test_notice_refused_in_swedish_without_municipality(client, w):
    w.person.municipality = None
    w.person.save()
    client.force_login(w.ward_nurse)
    page = client.get(reverse("transitions:case_new", args=[w.person.pk])).content.decode()
    assert "saknar folkbokföringskommun" in page and '<form method="post" class="stack panel"' not in page


def test_only_a_ward_gets_the_notice_form(client, w):
    client.force_login(w.vc_nurse)
    page = client.get(reverse("transitions:case_new", args=[w.person.pk])).content.decode()
    assert "Bara en vårdavdelning kan skicka inskrivningsmeddelande." in page


def test_receiver_without_consent_sees_only_the_hidden_notice_and_may_acknowledge(client, w):
    case = b.case_start(w, consent="")
    client.force_login(w.bist_user)
    inbox = client.get(reverse("transitions:case_inbox")).content.decode()
    assert "Astrid Lindqvist" in inbox and "visas inte" in inbox and "Pneumoni" not in inbox
    page = client.get(detail(w, case)).content.decode()
    assert "visas inte" in page and "Pneumoni" not in page and "Samtycke saknas" in page
    assert reads(w, w.bist_user).exists()
    receipt = Receipt.objects.get(unit=w.case_bist)
    response = client.post(step(w, case, "kvittera"), {"version": case.version, "receipt": receipt.pk})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None
    # Planning needs the case to be visible.
    page = client.post(step(w, case, "planering"), {"version": case.version + 1, "needs": "Hemtjänst"})
    assert "Samtycke saknas" in page.content.decode()


def test_receiver_with_consent_sees_all(client, w):
    case = b.case_start(w)
    client.force_login(w.bist_user)
    page = client.get(detail(w, case)).content.decode()
    assert "Pneumoni" in page and "Händelser" in page and "Skicka planeringsunderlag" in page
    assert "Meddela utskrivningsklar" not in page  # the ward's step
    assert reads(w, w.bist_user).filter(record_type="transitions.dischargecase").exists()


def test_unrelated_unit_sees_nothing(client, w):
    case = b.case_start(w)
    client.force_login(w.outsider_nurse)
    assert client.get(detail(w, case)).status_code == 403
    inbox = client.get(reverse("transitions:case_inbox")).content.decode()
    assert "Astrid" not in inbox


def test_inbox_puts_unacknowledged_first_and_a_date_change_back_in(client, w):
    case = b.case_start(w)
    client.force_login(w.vc_nurse)
    inbox = client.get(reverse("transitions:case_inbox")).content.decode()
    unacked = inbox.split('data-testid="inbox-unacked"')[1].split("</table>")[0]
    assert "Astrid Lindqvist" in unacked
    receipt = Receipt.objects.get(unit=w.vc)
    client.post(step(w, case, "kvittera"), {"version": case.version, "receipt": receipt.pk, "next": "inbox"})
    inbox = client.get(reverse("transitions:case_inbox")).content.decode()
    assert 'data-testid="inbox-unacked"' not in inbox
    assert "Astrid Lindqvist" in inbox.split('data-testid="inbox-open"')[1]
    case.refresh_from_db()
    client.force_login(w.ward_nurse)
    new_date = case.expected_discharge_on + dt.timedelta(days=1)
    client.post(
        step(w, case, "datum"), {"version": case.version, "expected_discharge_on": new_date.isoformat()}
    )
    client.force_login(w.vc_nurse)
    inbox = client.get(reverse("transitions:case_inbox")).content.decode()
    assert "Nytt beräknat utskrivningsdatum" in inbox.split('data-testid="inbox-unacked"')[1]


def test_stale_version_keeps_the_input(client, w):
    case = b.case_start(w)
    client.force_login(w.bist_user)
    page = client.post(step(w, case, "planering"), {"version": case.version - 1, "needs": "Trygghetslarm"})
    body = page.content.decode()
    assert "Någon annan har ändrat ärendet" in body and "Trygghetslarm" in body
    assert f'name="version" value="{case.version}"' in body
    page = client.post(step(w, case, "planering"), {"version": case.version, "needs": "Trygghetslarm"})
    assert page.status_code == 302


def test_refused_step_is_explained(client, w):
    case = b.case_start(w)
    client.force_login(w.ward_nurse)
    page = client.get(step(w, case, "utskrivning")).content.decode()
    assert "Personen är inte utskrivningsklar." in page
    page = client.post(step(w, case, "fast-vardkontakt"), {"version": case.version, "staff": w.vc_nurse.pk})
    assert "Bara personens vårdcentral kan göra det här." in page.content.decode()


def test_ready_then_discharge_through_the_forms(client, w):
    case = b.case_start(w)
    client.force_login(w.ward_nurse)
    at = timezone.localtime() - dt.timedelta(minutes=30)
    client.post(
        step(w, case, "utskrivningsklar"), {"version": case.version, "at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.READY
    data = {
        "version": case.version,
        "summary": "Behandlad",
        "discharged_to": "Hemmet",
        "discharged_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post(step(w, case, "utskrivning"), data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISCHARGED
    page = client.get(detail(w, case)).content.decode()
    assert "Trygg hemgång" in page and "Behandlad" in page


def test_person_case_list(client, w):
    b.case_start(w)
    client.force_login(w.vc_nurse)
    page = client.get(reverse("transitions:case_list", args=[w.person.pk])).content.decode()
    assert "Medicinavdelning 31 SÄS" in page
    assert reads(w, w.vc_nurse).filter(record_type="transitions.dischargecase").exists()


def test_acknowledge_all_from_the_case_page(client, w):
    case = b.case_start(w)
    new_date = case.expected_discharge_on + dt.timedelta(days=1)
    case_services.change_expected_date(f.actor(w.ward_nurse), case.pk, case.version, new_date)
    case.refresh_from_db()
    client.force_login(w.vc_nurse)
    page = client.get(step(w, case, "kvittera")).content.decode()
    assert "Kvittera alla" in page and "Nytt beräknat utskrivningsdatum" in page
    response = client.post(step(w, case, "kvittera"), {"version": case.version})
    assert response.status_code == 302
    assert not Receipt.objects.filter(unit=w.vc, acknowledged_at__isnull=True).exists()


def test_without_agreement_the_case_shows_the_laws_main_rule(client, w, settings):
    """No agreement for the municipality: the case page names lagens huvudregel where the agreement would be."""
    settings.NARA_STATUTORY_DAY_KIND = "working"
    client.force_login(w.ward_nurse)
    admitted = timezone.localtime() - dt.timedelta(hours=3)
    response = client.post(
        reverse("transitions:case_new", args=[w.person.pk]),
        {
            "admitted_at": admitted.strftime("%Y-%m-%dT%H:%M"),
            "expected_discharge_on": (admitted.date() + dt.timedelta(days=3)).isoformat(),
            "reason": "Höftfraktur",
            "consent_method": "verbal",
            "consent_given_at": admitted.strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "betalningsansvaret räknas enligt lagens huvudregel" in page
    assert "kan inte beräknas" not in page
    agreement = re.search(r'<dd data-testid="payment-rule">(.*?)</dd>', page, re.S).group(1)
    assert "Lagens huvudregel" in agreement
    assert "Efter 3 dagar (vardagar) räknat från dagen efter meddelandet" in agreement
    # With an agreement, its name is shown instead.
    case = w.person.discharge_cases.get()
    case.agreement = b.ag_agreement(w)
    case.save()
    page = client.get(detail(w, case)).content.decode()
    assert "Utskrivningsöverenskommelse Mark" in page and "Lagens huvudregel" not in page


def test_sip_step_offers_the_persons_open_sip(client, w):
    """The SIP step ("Starta SIP och kalla") becomes a new meeting in the person's open SIP: offered on the case
    page, and the posted invitation goes onto that SIP; no second SIP."""
    from nara.plans.models import Sip
    from tests.plans import builders as plans

    existing = plans.sip(w)
    case = b.case_start(w)
    case = case_services.notify_ready(f.actor(w.ward_nurse), case.pk, case.version)
    client.force_login(w.vc_nurse)
    page = client.get(detail(w, case)).content.decode()
    offer = re.search(r'data-testid="step-sip">(.*?)</section>', page, re.S).group(1)
    assert "Personen har redan en pågående SIP" in offer
    assert reverse("plans:sip_detail", args=[w.person.pk, existing.pk]) in offer
    assert "Kalla till nytt möte i SIP:en" in offer and "Starta SIP och kalla" not in offer
    starts = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        step(w, case, "sip"),
        {
            "version": case.version,
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "place": "Hemma hos Astrid",
        },
    )
    assert response.status_code == 302
    assert Sip.objects.filter(person=w.person).count() == 1
    case.refresh_from_db()
    assert case.sip_id == existing.pk
    (meeting,) = existing.meetings.all()
    assert meeting.place == "Hemma hos Astrid" and case.sip_invited_at == meeting.invited_at
    page = client.get(detail(w, case)).content.decode()
    assert "kallelse skickad" in page


def test_sip_step_without_an_open_sip_still_starts_one(client, w):
    case = b.case_start(w)
    case = case_services.notify_ready(f.actor(w.ward_nurse), case.pk, case.version)
    client.force_login(w.vc_nurse)
    page = client.get(detail(w, case)).content.decode()
    offer = re.search(r'data-testid="step-sip">(.*?)</section>', page, re.S).group(1)
    assert "Starta SIP och kalla" in offer and "pågående SIP" not in offer


def test_sip_step_explains_an_open_sip_the_health_centre_cannot_change(client, w):
    from nara.plans import sip_services

    sip_services.start_sip(f.actor(w.mark_nurse), w.person.pk, "Hemtjänst och hemsjukvård behöver samordnas.")
    case = b.case_start(w)
    case = case_services.notify_ready(f.actor(w.ward_nurse), case.pk, case.version)
    client.force_login(w.vc_nurse)
    page = client.get(detail(w, case)).content.decode()
    offer = re.search(r'data-testid="step-sip">(.*?)</section>', page, re.S).group(1)
    assert "Personen har redan en pågående SIP" in offer and "En andra SIP startas inte." in offer
    assert "Din huvudman deltar inte" in offer and "<form" not in offer
