"""Who sees a SIP: the participating organisations under the person's consent only; a withdrawal or a block hides
it again; a non-participating organisation and a unit without a care relationship never see it."""

import datetime as dt

import pytest

from nara.access.gate import AccessDenied
from nara.access.models import Block
from nara.directory.models import Organisation, Unit
from nara.people.models import CareTeamMember
from nara.plans import sip_selectors as sel
from nara.plans import sip_services as s
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def sees(user, w, sip) -> bool:
    ctx = sel.person_sips(f.actor(user), w.person.pk)
    return sip in ctx["visible"].shown


def test_initiating_org_sees_its_sip_without_consent(w):
    sip = b.sip(w, consent=False)
    assert sees(w.vc_nurse, w, sip)


def test_participating_org_sees_sip_only_under_consent(w):
    sip = b.sip(w, consent=False)
    assert not sees(w.mark_nurse, w, sip)
    ctx = sel.person_sips(f.actor(w.mark_nurse), w.person.pk)
    assert "Samtycke saknas" in ctx["visible"].hidden[0].reason
    with pytest.raises(AccessDenied):
        sel.sip_page(f.actor(w.mark_nurse), w.person.pk, sip.pk)
    vc = f.actor(w.vc_nurse)
    s.record_consent(
        vc, sip.pk, sip.version, {"method": "written", "given_by": "Astrid", "relatives_take_part": False}
    )
    assert sees(w.mark_nurse, w, sip)
    page = sel.sip_page(f.actor(w.mark_nurse), w.person.pk, sip.pk)
    assert page["can_write"]


def test_withdrawn_consent_hides_sip_again(w):
    sip = b.sip(w)
    assert sees(w.mark_nurse, w, sip)
    s.withdraw_consent(f.actor(w.vc_nurse), sip.pk, sip.version, "Återkallat i telefon")
    assert not sees(w.mark_nurse, w, sip)
    with pytest.raises(AccessDenied):
        sel.print_view(f.actor(w.mark_nurse), w.person.pk, sip.pk)
    assert sees(w.vc_nurse, w, sip)


def test_block_hides_sip_with_blocked_notice(w):
    sip = b.sip(w)
    Block.objects.create(
        person=w.person,
        blocked_org=w.region,
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    ctx = sel.person_sips(f.actor(w.mark_nurse), w.person.pk)
    assert sip not in ctx["visible"].shown and ctx["visible"].hidden[0].blocked
    with pytest.raises(AccessDenied) as exc:
        sel.sip_page(f.actor(w.mark_nurse), w.person.pk, sip.pk)
    assert exc.value.blocked


def test_non_participating_org_with_relationship_does_not_see_it(w):
    sip = b.sip(w)
    other = f.organisation("Borås stad", kind=Organisation.Kind.MUNICIPALITY)
    unit = f.unit(other, kind=Unit.Kind.HOME_CARE, name="Hemtjänsten Borås")
    nurse = f.staff(unit, ["nurse"])
    CareTeamMember.objects.create(
        person=w.person,
        unit=unit,
        role="Hemtjänst",
        valid_from=dt.date(2025, 1, 1),
        recorded_by_unit=unit,
        recorded_by_org=other,
        recorded_by=nurse,
    )
    assert not sees(nurse, w, sip)
    with pytest.raises(AccessDenied):
        s.save_goal(f.actor(nurse), sip.pk, sip.version, "x")


def test_unit_without_relationship_sees_nothing(w):
    sip = b.sip(w)
    with pytest.raises(AccessDenied, match="vårdrelation"):
        sel.person_sips(f.actor(w.outsider_nurse), w.person.pk)
    with pytest.raises(AccessDenied):
        sel.sip_page(f.actor(w.outsider_nurse), w.person.pk, sip.pk)


def test_added_unit_gets_relationship_while_sip_is_open(w):
    assessor = b.sip_needs_assessor(w)
    sip = b.sip(w)
    with pytest.raises(AccessDenied, match="vårdrelation"):
        sel.person_sips(f.actor(assessor), w.person.pk)
    vc = f.actor(w.vc_nurse)
    sip = s.add_participant(
        vc, sip.pk, sip.version, {"kind": "staff", "unit": w._sip_unit, "staff": assessor}
    )
    assert sees(assessor, w, sip)  # relationship through the SIP, consent extended to the unit's organisation
    sip = s.close_sip(vc, sip.pk, sip.version, "Klar")
    with pytest.raises(AccessDenied, match="vårdrelation"):
        sel.person_sips(f.actor(assessor), w.person.pk)


def test_unit_choices_cover_both_organisations_and_no_persons(w):
    b.sip_needs_assessor(w)
    sip = b.sip(w, with_mark=False)
    units = set(sel.unit_choices(f.actor(w.vc_nurse), w.person, sip))
    assert {w.vc, w.hsv, w._sip_unit} <= units  # the region user may choose the municipality's units
    units_for_mark = set(sel.unit_choices(f.actor(w.mark_nurse), w.person))
    assert w.vc in units_for_mark  # and vice versa
    assert set(sel.staff_of_unit(w._sip_unit.pk)) == {w._sip_assessor}
