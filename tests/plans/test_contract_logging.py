"""The exact access-log rows of writing a patientkontrakt through its pages: the person read, the contract read
where the page shows it first, and each write (create, change, end) with the writer's basis."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.plans.models import PatientContract
from tests import logrows
from tests.plans.test_contract_views import form_data
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def post(client, user, url, data):
    client.force_login(user)
    since = logrows.mark()
    assert client.post(url, data).status_code == 302
    return logrows.written(since, user)


def test_creating_changing_and_ending_a_contract_log_each_write(client):
    w = build()
    new = "plans:contract:new"
    rows = post(client, w.vc_nurse, reverse("plans:contract_new", args=[w.person.pk]), form_data(w))
    contract = PatientContract.objects.get()
    assert rows == logrows.expect(
        logrows.person(w.person, new), logrows.record(contract, Basis.RELATIONSHIP, new, Action.CREATE)
    )
    edit = "plans:contract:edit"
    url = reverse("plans:contract_edit", args=[w.person.pk, contract.pk])
    opened = [logrows.person(w.person, edit), logrows.record(contract, Basis.OWN_ORG, edit)]
    rows = post(client, w.vc_nurse, url, form_data(w, version=contract.version, agreement="Ny överenskommelse"))
    assert rows == logrows.expect(*opened, logrows.record(contract, Basis.RELATIONSHIP, edit, Action.CHANGE))
    version = PatientContract.objects.get(pk=contract.pk).version
    rows = post(client, w.vc_nurse, url, {"end": "1", "version": version, "ended_on": TODAY.isoformat(),
                                          "end_reason": "Ersatt av SIP"})
    assert PatientContract.objects.get(pk=contract.pk).ended_on == TODAY
    assert rows == logrows.expect(*opened, logrows.record(contract, Basis.RELATIONSHIP, f"{edit}:end",
                                                          Action.CHANGE))


def test_printing_a_contract_logs_the_read_and_the_print_with_its_basis(client):
    from tests.plans import builders as b

    w = build()
    contract = b.contract(w)
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    assert client.get(reverse("plans:contract_print", args=[w.person.pk, contract.pk])).status_code == 200
    ctx = "plans:contract:print"
    assert logrows.written(since, w.vc_nurse) == logrows.expect(
        logrows.person(w.person, ctx),
        logrows.record(contract, Basis.OWN_ORG, ctx),
        logrows.record(contract, Basis.OWN_ORG, ctx, Action.PRINT),
        logrows.record(w.fixed, Basis.OWN_ORG, ctx),  # the fixed contacts printed on it
    )
