"""Pages of the register: every view that shows personal data writes access-log rows, and no personnummer
ever reaches a URL, a server log line or an error page."""

import io
import logging
import re

import pytest
from django.urls import get_resolver, reverse

from nara.access.models import Consent
from nara.audit.models import AccessLogEntry
from nara.people.models import Relative
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


@pytest.fixture
def anna(client, w):
    client.force_login(w.vc_nurse)
    return client


def person_views(w):
    p = w.person.pk
    return [
        reverse("people:overview", args=[p]),
        reverse("people:records", args=[p, "narstaende"]),
        reverse("people:records", args=[p, "fasta-kontakter"]),
        reverse("people:records", args=[p, "vardteam"]),
        reverse("people:record_edit", args=[p, "fasta-kontakter", w.fixed.pk]),
        reverse("access:consents", args=[p]),
        reverse("access:blocks", args=[p]),
    ]


def test_every_person_view_writes_log_rows(anna, w):
    for url in person_views(w):
        before = AccessLogEntry.objects.filter(person=w.person).count()
        response = anna.get(url)
        assert response.status_code == 200, url
        assert AccessLogEntry.objects.filter(person=w.person).count() > before, f"{url} wrote no log row"
    before = AccessLogEntry.objects.count()
    assert anna.get(reverse("directory:start")).status_code == 200
    assert AccessLogEntry.objects.filter(id__gt=0).count() == before + 1  # anna is lots for one person


def test_denied_page_says_why_and_logs_only_the_denial(client, w):
    """Nothing of the person was shown (no read row); the attempt itself is logged (tests/access/test_denied_logging)."""
    client.force_login(w.outsider_nurse)
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse("people:overview", args=[w.person.pk]))
    assert response.status_code == 403
    assert "Din enhet har ingen aktuell vårdrelation med personen." in response.content.decode()
    assert list(AccessLogEntry.objects.filter(pk__gt=before).values_list("action", "person_id")) == [
        ("denied", w.person.pk)
    ]


def test_consent_makes_other_org_data_appear_and_withdrawal_hides_it(anna, w):
    overview = reverse("people:overview", args=[w.person.pk])
    assert "Karl Lindqvist" not in anna.get(overview).content.decode()
    assert "Samtycke saknas för delning från Marks kommun." in anna.get(overview).content.decode()
    response = anna.post(
        reverse("access:consents", args=[w.person.pk]),
        {"source_orgs": [w.mark.pk], "method": "verbal", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=w.person)
    assert (consent.receiving_org, consent.recorded_by_org) == (w.region, w.region)
    assert "Karl Lindqvist" in anna.get(overview).content.decode()
    row = AccessLogEntry.objects.filter(record_type="people.relative").latest("id")
    assert (row.basis, row.user_id) == ("consent", w.vc_nurse.pk)
    edit = reverse("access:consent_edit", args=[w.person.pk, consent.pk])
    response = anna.post(edit, {"withdraw": "1", "version": consent.version, "note": "Muntligt i telefon"})
    assert response.status_code == 302
    assert "Karl Lindqvist" not in anna.get(overview).content.decode()


def test_consent_form_errors_are_swedish_and_nothing_is_saved(anna, w):
    response = anna.post(reverse("access:consents", args=[w.person.pk]),
                         {"method": "representative", "valid_from": "2026-02-01", "valid_to": "2026-01-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Välj minst en huvudman" in body and "Ange vem som företräder personen." in body
    assert "Slutdatum kan inte vara före startdatum." in body
    assert not Consent.objects.exists()


def test_concurrent_edit_is_detected(client, w):
    client.force_login(w.mark_nurse)
    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    stale = w.relative.version
    data = {"name": "Karl Lindqvist", "relation": "son", "phone": "070-1740606", "version": stale}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "phone": "070-1740607"})
    assert "Någon annan har ändrat uppgiften" in response.content.decode()
    assert Relative.objects.get(pk=w.relative.pk).phone == "070-1740606"


def test_other_org_record_cannot_be_changed(client, w):
    client.force_login(w.vc_nurse)
    Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                           recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "X", "relation": "Y", "version": 1}).status_code == 403
    assert Relative.objects.get(pk=w.relative.pk).name == "Karl Lindqvist"


def _pnr_forms(pnr):
    return {pnr, pnr.replace("-", ""), pnr[2:], pnr[2:].replace("-", "")}


@pytest.fixture
def server_log():
    """The text our configured log handlers would write (the redacting filter included)."""
    stream = io.StringIO()
    handlers = {h for name in ("", "django", "django.request", "django.server")
                for h in logging.getLogger(name).handlers if isinstance(h, logging.StreamHandler)}
    old = {h: h.setStream(stream) for h in handlers}
    yield stream
    for h, s in old.items():
        h.setStream(s)


def test_no_personnummer_in_urls_logs_or_error_pages(anna, w, server_log):
    pnr = w.person.personnummer
    forms = _pnr_forms(pnr)
    bodies, urls = [], []
    r = anna.post(reverse("people:search"), {"q": pnr})  # search is a POST: the number stays out of the URL
    bodies.append(r.content.decode())
    r = anna.post(reverse("people:search"), {"q": pnr[:-1] + str((int(pnr[-1]) + 1) % 10)})
    assert "Kontrollsiffran" in r.content.decode()
    bodies.append(r.content.decode())
    for url in person_views(w):
        body = anna.get(url).content.decode()
        # Only the overview shows the number, as data on the page; no other view repeats it.
        assert any(f in body for f in forms) == (url == person_views(w)[0]), url
        bodies.append(body)
    for form in forms:  # someone pastes a number into the address bar
        r = anna.get(f"/personer/{form}/")
        assert r.status_code == 404
        bodies.append(r.content.decode())
    logging.getLogger("django.request").warning("Not Found: /personer/%s/", pnr)
    for body in bodies:
        urls += re.findall(r'(?:href|action|src)="([^"]*)"', body)
    assert urls and not [u for u in urls if any(f in u for f in forms)]
    error_pages = [b for b in bodies if "Sidan finns inte" in b] + [bodies[1]]
    assert error_pages and not [b for b in error_pages if any(f in b for f in forms)]
    log_text = server_log.getvalue()
    assert "Not Found" in log_text and "[personnummer]" in log_text
    assert not any(f in log_text for f in forms)


def test_no_url_pattern_takes_a_personnummer():
    patterns = []

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                walk(p, prefix + str(p.pattern))
            else:
                patterns.append(prefix + str(p.pattern))

    walk(get_resolver())
    assert patterns
    assert not [p for p in patterns if re.search(r"pnr|personnummer|ssn", p)]


@pytest.mark.parametrize("phone, message", [
    ("abc", "Telefonnumret får bara innehålla siffror"),
    ("12 34", "Telefonnumret har för få siffror"),
])
def test_a_phone_number_that_is_no_number_is_refused_on_the_field(client, w, phone, message):
    client.force_login(w.mark_nurse)
    url = reverse("people:records", args=[w.person.pk, "narstaende"])
    response = client.post(url, {"name": "Eva Lindqvist", "relation": "dotter", "phone": phone})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert response.context["form"].errors["phone"]
    assert not Relative.objects.filter(name="Eva Lindqvist").exists()
    # Changing a relative's number the same way keeps the old one.
    edit = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    response = client.post(edit, {"name": "Karl Lindqvist", "relation": "son", "phone": phone,
                                  "version": w.relative.version})
    assert message in response.content.decode()
    assert Relative.objects.get(pk=w.relative.pk).phone == "070-1740605"
