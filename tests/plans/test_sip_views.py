"""SIP pages: forms, refusals, the concurrent-edit conflict in the browser's terms, logging, print, URLs."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry, Action
from nara.plans.models import Sip, SipGoal, SipMeetingResponse, SipStatus, SipVersion
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def part_url(w, sip, part):
    return reverse("plans:sip_part", args=[w.person.pk, sip.pk, part])


def test_start_sip_from_person_page(client, w):
    client.force_login(w.vc_nurse)
    url = reverse("plans:sip_new", args=[w.person.pk])
    assert url == f"/planer/{w.person.pk}/sip/ny/"
    r = client.post(url, {"reason": ""})
    assert r.status_code == 200 and "Detta fält måste fyllas i." in r.content.decode()
    r = client.post(url, {"reason": "Behöver hemtjänst och rehab"})
    sip = Sip.objects.get()
    assert r.status_code == 302 and r.url == reverse("plans:sip_detail", args=[w.person.pk, sip.pk])
    page = client.get(r.url).content.decode()
    assert "Personens samtycke till SIP är inte registrerat." in page
    assert "Underlag" in page and "Utvärdering" in page and "Avslut" in page


def test_start_page_offers_the_open_sip_instead_of_a_second(client, w):
    sip = b.sip(w, plan=True)
    client.force_login(w.vc_nurse)
    url = reverse("plans:sip_new", args=[w.person.pk])
    page = client.get(url).content.decode()
    assert "Personen har redan en pågående SIP" in page and 'name="reason"' not in page
    assert reverse("plans:sip_detail", args=[w.person.pk, sip.pk]) in page
    r = client.post(url, {"reason": "Behöver hemtjänst och rehab"})  # a stale form posted anyway
    assert r.status_code == 200 and "redan en pågående SIP" in r.content.decode()
    assert Sip.objects.count() == 1


def test_detail_and_print_are_logged(client, w):
    sip = b.sip(w, plan=True)
    client.force_login(w.mark_nurse)
    client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk]))
    read = AccessLogEntry.objects.filter(
        user_id=w.mark_nurse.pk, action=Action.READ, record_type="plans.sip", record_id=str(sip.pk)
    )
    assert read.get().basis == "consent"
    r = client.get(reverse("plans:sip_print", args=[w.person.pk, sip.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    printed = AccessLogEntry.objects.filter(
        user_id=w.mark_nurse.pk, action=Action.PRINT, record_id=str(sip.pk)
    )
    assert printed.count() == 1
    assert "Jag vill kunna gå till affären själv." in body
    assert "1177" in body and "112" in body
    assert "@page" not in body  # the A4 rule lives in the stylesheet
    assert w.person.personnummer not in body


def test_no_personnummer_in_any_sip_url_or_link(client, w):
    sip = b.sip(w, plan=True)
    client.force_login(w.vc_nurse)
    pages = [
        reverse("plans:sip_list", args=[w.person.pk]),
        reverse("plans:sip_detail", args=[w.person.pk, sip.pk]),
        reverse("plans:sip_history", args=[w.person.pk, sip.pk]),
        reverse("plans:sip_version", args=[w.person.pk, sip.pk, 2]),
        reverse("plans:sip_print", args=[w.person.pk, sip.pk]),
        part_url(w, sip, "insatser"),
    ]
    digits = w.person.personnummer.replace("-", "")
    for url in pages:
        assert digits[-4:] not in url.replace(str(w.person.pk), "")
        body = client.get(url).content.decode()
        assert w.person.personnummer not in body
        for href in re.findall(r'href="([^"]+)"', body):
            assert w.person.personnummer not in href and digits not in href


def test_consent_form_records_consent(client, w):
    sip = b.sip(w, consent=False)
    client.force_login(w.vc_nurse)
    url = part_url(w, sip, "samtycke")
    r = client.get(url)
    assert (
        "Karl Lindqvist" not in r.content.decode()
    )  # Mark's relative is hidden from the region without consent
    r = client.post(
        url,
        {
            "form": "consent",
            "version": sip.version,
            "given_by": "Astrid",
            "method": "representative",
            "relation": "",
        },
    )
    assert r.status_code == 400 and "Ange företrädarens relation till personen." in r.content.decode()
    r = client.post(
        url, {"form": "consent", "version": sip.version, "given_by": "Astrid", "method": "verbal"}
    )
    assert r.status_code == 302
    sip.refresh_from_db()
    assert sip.consent_given_at and sip.consents.count() == 2


def test_invitation_refused_without_consent_shows_reason(client, w):
    sip = b.sip(w, consent=False)
    client.force_login(w.vc_nurse)
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        part_url(w, sip, "kallelse"),
        {
            "form": "invite",
            "version": sip.version,
            "kind": "planning",
            "starts_at": when,
            "place": "Vårdcentralen",
        },
    )
    assert r.status_code == 400
    assert "Personens samtycke till SIP är inte registrerat." in r.content.decode()
    assert not sip.meetings.exists()


def test_invitation_and_confirmation(client, w):
    sip = b.sip(w)
    client.force_login(w.vc_nurse)
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(
        part_url(w, sip, "kallelse"),
        {"form": "invite", "version": sip.version, "kind": "planning", "starts_at": when, "place": ""},
    )
    assert "Ange plats eller länk till videomöte." in r.content.decode()
    r = client.post(
        part_url(w, sip, "kallelse"),
        {
            "form": "invite",
            "version": sip.version,
            "kind": "planning",
            "starts_at": when,
            "video_link": "https://video.example/sip",
        },
    )
    assert r.status_code == 302
    sip.refresh_from_db()
    assert sip.status == SipStatus.INVITED
    client.force_login(w.mark_nurse)
    page = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk])).content.decode()
    assert "Bekräfta" in page and "Kan inte delta" in page
    resp = SipMeetingResponse.objects.get(participant__staff=w.mark_nurse)
    r = client.post(
        part_url(w, sip, "kallelse"),
        {"form": "answer", "version": sip.version, "response": resp.pk, "answer": "confirmed"},
    )
    assert r.status_code == 302
    resp.refresh_from_db()
    assert resp.answer == "confirmed"


def test_fix_plan_refusal_shown(client, w):
    sip = b.sip(w)
    Sip.objects.filter(pk=sip.pk).update(status=SipStatus.MAPPING)
    sip.refresh_from_db()
    client.force_login(w.vc_nurse)
    page = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk])).content.decode()
    assert "Fastställ planen" in page and "Planen saknar insatser." in page
    r = client.post(
        part_url(w, sip, "status"), {"form": "transition", "version": sip.version, "target": "active"}
    )
    assert r.status_code == 400 and "Planen saknar personens egna mål." in r.content.decode()
    sip.refresh_from_db()
    assert sip.status == SipStatus.MAPPING


def test_two_stale_forms_second_refused_input_kept(client, w):
    from django.test import Client

    sip = b.sip(w)
    anna, maria = client, Client()
    anna.force_login(w.vc_nurse)
    maria.force_login(w.mark_nurse)
    url = part_url(w, sip, "kartlaggning")
    # Both open the mapping form at the same version.
    for c in (anna, maria):
        assert f'name="version" value="{sip.version}"' in c.get(url).content.decode()
    r = anna.post(url, {"form": "mapping", "version": sip.version, "what_matters": "Att få bo kvar hemma"})
    assert r.status_code == 302
    r = maria.post(url, {"form": "mapping", "version": sip.version, "what_matters": "Trädgården och katten"})
    body = r.content.decode()
    assert r.status_code == 409
    assert "Någon annan har ändrat SIP:en" in body
    assert "Trädgården och katten" in body  # Maria's input is kept in the form
    assert "Att få bo kvar hemma" in body  # and she sees what is saved now
    sip.refresh_from_db()
    assert sip.what_matters == "Att få bo kvar hemma"  # the first save is kept
    # The re-shown form carries the version Maria has now seen: saving it again works.
    assert f'name="version" value="{sip.version}"' in body
    r = maria.post(
        url, {"form": "mapping", "version": sip.version, "what_matters": "Att få bo kvar hemma. Trädgården."}
    )
    assert r.status_code == 302
    assert SipVersion.objects.filter(sip=sip).count() == sip.version + 1


def test_stale_goal_form_conflict(client, w):
    sip = b.sip(w)
    client.force_login(w.vc_nurse)
    url = part_url(w, sip, "mal")
    stale = sip.version
    assert client.post(url, {"form": "goal", "version": stale, "text": "Först"}).status_code == 302
    r = client.post(url, {"form": "goal", "version": stale, "text": "Andra"})
    assert r.status_code == 409 and "Andra" in r.content.decode()
    assert list(SipGoal.objects.values_list("text", flat=True)) == ["Först"]


def test_non_participant_gets_swedish_refusal(client, w):
    from nara.access.models import Consent

    sip = b.sip(w, with_mark=False)
    # Mark may see the region's data under an ordinary consent, but does not take part in this SIP.
    Consent.objects.create(
        person=w.person,
        receiving_org=w.mark,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.hsv,
        recorded_by_org=w.mark,
        recorded_by=w.mark_nurse,
    )
    client.force_login(w.mark_nurse)
    page = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk])).content.decode()
    assert "Du kan läsa SIP:en men inte ändra den." in page and "Lägg till mål" not in page
    r = client.post(part_url(w, sip, "mal"), {"form": "goal", "version": sip.version, "text": "x"})
    assert r.status_code == 403
    assert "Din huvudman deltar inte i den här SIP:en." in r.content.decode()


def test_participant_form_lists_units_of_both_organisations(client, w):
    b.sip_needs_assessor(w)
    sip = b.sip(w, with_mark=False)
    client.force_login(w.vc_nurse)
    url = part_url(w, sip, "deltagare")
    body = client.get(url).content.decode()
    assert "Biståndsenheten Mark (Marks kommun)" in body and "Bertil" not in body
    r = client.post(
        url,
        {"form": "add", "version": sip.version, "kind": "staff", "unit": w._sip_unit.pk, "pick_unit": "1"},
    )
    assert r.status_code == 200 and w._sip_assessor.get_full_name() in r.content.decode()
    r = client.post(
        url,
        {
            "form": "add",
            "version": sip.version,
            "kind": "staff",
            "unit": w._sip_unit.pk,
            "staff": w._sip_assessor.pk,
        },
    )
    assert r.status_code == 302
    assert sip.participants.filter(staff=w._sip_assessor, unit=w._sip_unit).exists()


def test_history_and_earlier_version(client, w):
    sip = b.sip(w, plan=True)
    client.force_login(w.vc_nurse)
    body = client.get(reverse("plans:sip_history", args=[w.person.pk, sip.pk])).content.decode()
    assert "Mål tillagt" in body and "Planen fastställd." in body
    goal_v = SipVersion.objects.get(sip=sip, summary__startswith="Mål tillagt")
    earlier = client.get(
        reverse("plans:sip_version", args=[w.person.pk, sip.pk, goal_v.number - 1])
    ).content.decode()
    assert "Inga mål är skrivna." in earlier and "Det här är en tidigare version." in earlier
    this = client.get(
        reverse("plans:sip_version", args=[w.person.pk, sip.pk, goal_v.number])
    ).content.decode()
    assert "Tillagt: Jag vill kunna gå till affären själv." in this
    assert AccessLogEntry.objects.filter(context="plans:sip:version", record_id=str(sip.pk)).exists()


def test_initiative_reason_and_closure_from_status_page(client, w):
    sip = b.sip(w)
    client.force_login(w.vc_nurse)
    url = part_url(w, sip, "status")
    r = client.post(url, {"form": "initiative", "version": sip.version, "reason": "Nytt skäl"})
    assert r.status_code == 302
    sip.refresh_from_db()
    assert sip.initiative_reason == "Nytt skäl"
    r = client.post(url, {"form": "close", "version": sip.version, "reason": ""})
    assert r.status_code == 400 and "Detta fält måste fyllas i." in r.content.decode()
    r = client.post(url, {"form": "close", "version": sip.version, "reason": "Personen har flyttat"})
    assert r.status_code == 302
    sip.refresh_from_db()
    assert sip.status == SipStatus.CLOSED and sip.closed_reason == "Personen har flyttat"
    page = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk])).content.decode()
    assert "Personen har flyttat" in page and "Lägg till mål" not in page


@pytest.mark.parametrize("status", SipStatus.values)
def test_editable_plan_states_are_one_rule(client, w, status):
    """The SIP page, the part page and the service agree, for every status, on whether the plan may be changed:
    all three follow sip_rules.plan_editable."""
    from nara.plans import sip_rules, sip_services
    from nara.plans.sip_services import SipRefused
    from tests import factories as f

    sip = b.sip(w)
    Sip.objects.filter(pk=sip.pk).update(status=status)
    sip.refresh_from_db()
    expected = sip_rules.plan_editable(status)
    client.force_login(w.vc_nurse)
    detail = client.get(reverse("plans:sip_detail", args=[w.person.pk, sip.pk]))
    part = client.get(part_url(w, sip, "mal"))
    assert detail.context["plan_editable"] is expected
    assert part.context["plan_editable"] is expected
    try:
        sip_services.save_goal(f.actor(w.vc_nurse), sip.pk, sip.version, "Jag vill kunna gå ut själv.")
        accepted = True
    except SipRefused:
        accepted = False
    assert accepted is expected
    assert SipGoal.objects.filter(sip=sip).exists() is expected
