"""The exact access-log rows of the SIP pages: the person and each SIP shown, with its basis."""

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from tests import logrows
from tests.plans.test_worklist_logging import _sip
from tests.world import build

pytestmark = pytest.mark.django_db


def test_sip_list_logs_each_sip_shown(client):
    """Kinna sees its own SIP; Mark's SIP about the same person needs a consent to the region, which is absent."""
    w = build()
    own = _sip(w, w.person, w.vc, w.vc_nurse, [w.vc])
    theirs = _sip(w, w.person, w.hsv, w.mark_nurse, [w.hsv])
    ctx = "plans:sip:list"
    for user, shown in ((w.vc_nurse, own), (w.mark_nurse, theirs)):
        client.force_login(user)
        since = logrows.mark()
        assert client.get(reverse("plans:sip_list", args=[w.person.pk])).status_code == 200
        assert logrows.written(since, user) == logrows.expect(
            logrows.person(w.person, ctx), logrows.record(shown, Basis.OWN_ORG, ctx)
        )
