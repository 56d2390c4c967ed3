"""Concurrent edits (issue 11 item 16): every edit page answers a stale save the same way — 409, the Swedish message
that someone else saved first and what to do, the user's input kept in the form, the record unchanged — and the
re-shown form carries the version saved now, so saving again works.

The views that catch ConcurrentEditError are found in the source (every *views.py of nara); each must have a case
below, so a new edit view cannot skip this, and each must answer through nara.core.conflicts (one shared way)."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nara.core.models import ConcurrentEditError
from tests import factories as f
from tests.plans import builders as pb
from tests.transitions import builders as tb
from tests.world import build

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent / "nara"
TODAY = dt.date.today()
SHARED = str(ConcurrentEditError.message)
CASE_MESSAGE = "Någon annan har ändrat ärendet medan du hade det öppet."
SIP_MESSAGE = "Någon annan har ändrat SIP:en medan du hade den öppen."


# --- Finding the views -------------------------------------------------------------------------------------------


def _catches_conflict(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id == "ConcurrentEditError")
        or (isinstance(n, ast.Attribute) and n.attr == "ConcurrentEditError")
        for n in names
    )


def _calls_shared_helper(handler: ast.ExceptHandler) -> bool:
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "conflicts" and node.func.attr in ("keep_input", "tell"):
                return True
    return False


def conflict_handlers() -> dict[str, list[ast.ExceptHandler]]:
    """'nara.app.module.function' → its `except ConcurrentEditError` handlers, for every view module of nara."""
    found: dict[str, list[ast.ExceptHandler]] = {}
    for path in sorted(ROOT.rglob("*views.py")):
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, ast.FunctionDef):
                handlers = [h for h in ast.walk(fn) if isinstance(h, ast.ExceptHandler) and _catches_conflict(h)]
                if handlers:
                    found[f"{module}.{fn.name}"] = handlers
    return found


def test_the_finder_sees_the_known_edit_views():
    found = conflict_handlers()
    assert {"nara.plans.sip_views.sip_part", "nara.people.views.record_edit", "nara.access.views.blocks"} <= set(found)
    assert len(found) >= 15


def test_every_view_that_catches_a_conflict_has_a_case_here():
    covered = {view for view, _build in CASES.values()}
    assert sorted(set(conflict_handlers()) - covered) == []


@pytest.mark.parametrize("view", sorted(conflict_handlers()))
def test_every_conflict_is_answered_through_the_shared_helper(view):
    """One shared way: each `except ConcurrentEditError` calls conflicts.keep_input (a form) or conflicts.tell."""
    assert all(_calls_shared_helper(h) for h in conflict_handlers()[view])


# --- The cases ---------------------------------------------------------------------------------------------------


@dataclass
class Edit:
    url: str
    user: object
    mine: dict  # the first user's edit, posted with the version read when the page was opened
    shown: str | None  # a part of `mine` that must be in the re-shown page (None: a button without input)
    record: Callable[[], object]  # the saved state of the record(s)
    other: dict | None = None  # the second save, posted first (with the version read by the first user)
    other_user: object | None = None
    other_url: str | None = None
    second: Callable[[], None] | None = None  # a second save without a page of its own
    field: str = "version"
    message: str = SHARED
    resend: bool = True  # saving `mine` again with the version of the re-shown page succeeds


CASES: dict[str, tuple[str, Callable]] = {}


def case(view: str, name: str = ""):
    def register(fn):
        CASES[f"{view}:{name}" if name else view] = (f"nara.{view}", fn)
        return fn

    return register


def row(model, pk, *related):
    """The saved state of one record: its row, and the ids of many-to-many relations."""

    def read():
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            return None
        values = model.objects.filter(pk=pk).values().get()
        return values, {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in related}

    return read


def with_children(read, *counts):
    return lambda: (read(), [count() for count in counts])


# people


@case("people.views.record_edit", "relatives")
def _relative(w):
    from nara.people.models import Relative

    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    data = {"name": "Karl Lindqvist", "relation": "son", "phone": "070-1740605"}
    return Edit(
        url, w.mark_nurse,
        mine={**data, "note": "Nås bäst efter lunch"}, shown="Nås bäst efter lunch",
        other={**data, "phone": "070-1740606"}, record=row(Relative, w.relative.pk),
    )


@case("people.views.record_edit", "relatives-remove")
def _relative_remove(w):
    from nara.people.models import Relative

    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", w.relative.pk])
    data = {"name": "Karl Lindqvist", "relation": "son", "phone": "070-1740605"}
    return Edit(
        url, w.mark_nurse,
        mine={**data, "note": "Felregistrerad", "remove": "1"}, shown="Felregistrerad",
        other={**data, "phone": "070-1740606"}, record=row(Relative, w.relative.pk),
    )


@case("people.views.record_edit", "fixed-contacts")
def _fixed_contact(w):
    from nara.people.models import FixedContact

    url = reverse("people:record_edit", args=[w.person.pk, "fasta-kontakter", w.fixed.pk])
    data = {"kind": "navigator", "staff": w.vc_nurse.pk, "valid_from": "2025-01-01"}
    return Edit(
        url, w.vc_nurse,
        mine={**data, "valid_to": "2027-06-30"}, shown="2027-06-30",
        other={**data, "valid_to": "2027-12-31"}, record=row(FixedContact, w.fixed.pk),
    )


@case("people.views.record_edit", "care-team")
def _care_team(w):
    from nara.people.models import CareTeamMember

    url = reverse("people:record_edit", args=[w.person.pk, "vardteam", w.team_entry.pk])
    data = {"unit": w.hsv.pk, "staff": "", "valid_from": "2025-01-01"}
    return Edit(
        url, w.mark_nurse,
        mine={**data, "role": "Hemsjukvård, kväll"}, shown="Hemsjukvård, kväll",
        other={**data, "role": "Hemsjukvård, dag"}, record=row(CareTeamMember, w.team_entry.pk),
    )


# access


def _consent(w):
    from nara.access.models import Consent

    return Consent.objects.create(
        person=w.person, receiving_org=w.mark, all_sources=True, method="verbal", valid_from=TODAY,
        recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse,
    )


def _consent_data(**extra):
    return {"all_sources": "on", "method": "verbal", "valid_from": TODAY.isoformat(), **extra}


@case("access.views.consent_edit", "change")
def _consent_change(w):
    from nara.access.models import Consent

    consent = _consent(w)
    return Edit(
        reverse("access:consent_edit", args=[w.person.pk, consent.pk]), w.vc_nurse,
        mine=_consent_data(purpose="Vård i hemmet efter utskrivning"), shown="Vård i hemmet efter utskrivning",
        other=_consent_data(purpose="Samordning"), record=row(Consent, consent.pk, "source_orgs"),
    )


@case("access.views.consent_edit", "withdraw")
def _consent_withdraw(w):
    from nara.access.models import Consent

    consent = _consent(w)
    return Edit(
        reverse("access:consent_edit", args=[w.person.pk, consent.pk]), w.vc_nurse,
        mine={"withdraw": "1", "note": "Sade det i telefon i dag"}, shown="Sade det i telefon i dag",
        other=_consent_data(purpose="Samordning"), record=row(Consent, consent.pk, "source_orgs"),
    )


@case("access.views.blocks")
def _block_lift(w):
    from nara.access.models import Block

    block = Block.objects.create(
        person=w.person, blocked_org=w.region, note="Vill inte dela",
        recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse,
    )
    # Lifting is the only change of a block: the other lift comes first, the stale one keeps its comment.
    return Edit(
        reverse("access:blocks", args=[w.person.pk]), w.vc_nurse,
        mine={"lift": "1", "block": block.pk, "lift_note": "Samtycke vid hembesök"}, shown="Samtycke vid hembesök",
        other={"lift": "1", "block": block.pk, "lift_note": "Samtycke i telefon"}, record=row(Block, block.pk),
        resend=False,
    )


# plans


def _contract_data(w, **extra):
    return {
        "agreed_on": TODAY.isoformat(), "what_matters": "Att få bo kvar hemma",
        "agreement": "Anna ringer varannan tisdag.", "contact_staff": w.vc_nurse.pk, "contact_unit": w.vc.pk,
        "how_to_reach": "Ring 0320-100 00", "next_contact": "", **extra,
    }


@case("plans.contract_views.contract_edit", "change")
def _contract_change(w):
    from nara.plans.models import PatientContract

    contract = pb.contract(w)
    return Edit(
        reverse("plans:contract_edit", args=[w.person.pk, contract.pk]), w.vc_nurse,
        mine=_contract_data(w, agreement="Anna ringer varje måndag."), shown="Anna ringer varje måndag.",
        other=_contract_data(w, agreement="Anna ringer varannan onsdag."), record=row(PatientContract, contract.pk),
    )


@case("plans.contract_views.contract_edit", "end")
def _contract_end(w):
    from nara.plans.models import PatientContract

    contract = pb.contract(w)
    return Edit(
        reverse("plans:contract_edit", args=[w.person.pk, contract.pk]), w.vc_nurse,
        mine={"end": "1", "ended_on": TODAY.isoformat(), "end_reason": "Ersatt av en SIP"}, shown="Ersatt av en SIP",
        other=_contract_data(w, agreement="Anna ringer varannan onsdag."), record=row(PatientContract, contract.pk),
    )


@case("plans.assessment_views.cfs_edit")
def _cfs(w):
    from nara.plans.models import FrailtyAssessment

    rating = pb.cfs_rating(w, score=5)
    data = {
        "score": "5", "rated_on": TODAY.isoformat(), "habitual_status_confirmed": "on",
        "rater": str(w.vc_nurse.pk), "occasion": "change",
    }
    return Edit(
        reverse("plans:cfs_edit", args=[w.person.pk, rating.pk]), w.vc_nurse,
        mine={**data, "score": "6", "comment": "Går sämre sedan fallet"}, shown="Går sämre sedan fallet",
        other={**data, "comment": "Oförändrad"}, record=row(FrailtyAssessment, rating.pk),
    )


@case("plans.assessment_views.assessment_edit")
def _assessment(w):
    from nara.plans import assessment_templates as tpl
    from nara.plans.models import StructuredAssessment
    from tests.plans.test_assessment_templates import valid_answers

    record = pb.structured_assessment(w)
    data = {**valid_answers(tpl.FALLS), "performed_by": str(w.vc_nurse.pk)}
    return Edit(
        reverse("plans:assessment_edit", args=[w.person.pk, "risk-fall", record.pk]), w.vc_nurse,
        mine={**data, "summary": "Rollator hemma och ute"}, shown="Rollator hemma och ute",
        other={**data, "summary": "Halkskydd beställt"}, record=row(StructuredAssessment, record.pk),
    )


def _plan_data(established=TODAY, **extra):
    return {"established_on": established.isoformat(), "diagnoses": "", "goals_of_care": "", **extra}


@case("plans.careplan_views.care_plan_edit", "change")
def _care_plan_change(w):
    from nara.plans.models import CarePlan

    plan = pb.care_plan(w, kind="medical")
    return Edit(
        reverse("plans:careplan_edit", args=[w.person.pk, plan.pk]), pb.vc_physician(w),
        mine=_plan_data(plan="Vätskelista varje dag"), shown="Vätskelista varje dag",
        other=_plan_data(plan="Vikt varje vecka"), record=row(CarePlan, plan.pk),
    )


@case("plans.careplan_views.care_plan_edit", "end")
def _care_plan_end(w):
    from nara.plans.models import CarePlan

    started, ended = TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=3)
    plan = pb.care_plan(w, kind="medical", established_on=started)
    return Edit(
        reverse("plans:careplan_edit", args=[w.person.pk, plan.pk]), pb.vc_physician(w),
        mine={"end": "1", "ended_on": ended.isoformat()}, shown=ended.isoformat(),
        other=_plan_data(started, plan="Vikt varje vecka"), record=row(CarePlan, plan.pk),
    )


@case("plans.careplan_views.care_plan_detail", "reviewed")
def _palliative_reviewed(w):
    from nara.plans.models import CarePlan

    plan = pb.care_plan(w, kind="palliative", review_due=TODAY)
    return Edit(
        reverse("plans:careplan_detail", args=[w.person.pk, plan.pk]), pb.vc_physician(w),
        mine={"reviewed": "1"}, shown=None,
        other=_plan_data(plan="Smärtlindring enligt ordination", palliative_orders="Morfin 5 mg sc",
                         review_due=TODAY.isoformat()),
        other_url=reverse("plans:careplan_edit", args=[w.person.pk, plan.pk]), record=row(CarePlan, plan.pk),
    )


@case("plans.careplan_views.limitation_detail")
def _limitation(w):
    from nara.plans.models import TreatmentLimitation

    limitation = pb.limitation(w)

    def second():
        # Revoking is the only change of a limitation on a page (a revoked one says so, 403); this stands for
        # any other save of the row between opening the page and sending the form.
        other = TreatmentLimitation.objects.get(pk=limitation.pk)
        other.save_checked(other.version)

    return Edit(
        reverse("plans:limitation_detail", args=[w.person.pk, limitation.pk]), pb.vc_physician(w),
        mine={"reason": "Astrid vill ha HLR igen"}, shown="Astrid vill ha HLR igen",
        second=second, record=row(TreatmentLimitation, limitation.pk),
    )


@case("plans.careplan_views.care_request_edit")
def _care_request(w):
    from nara.plans.models import PreparedCareRequest

    data = {"medication_list_location": "Dosett i badrummet", "diagnoses": "", "other_information": ""}
    part = PreparedCareRequest.objects.create(
        person=w.person, medication_list_location="Dosett i köket",
        recorded_by_unit=w.hsv, recorded_by_org=w.mark, recorded_by=w.mark_nurse,
    )
    return Edit(
        reverse("plans:care_request_edit", args=[w.person.pk]), w.mark_nurse,
        mine={**data, "wishes": "Vill inte till sjukhus"}, shown="Vill inte till sjukhus",
        other={**data, "wishes": "Hemma"}, record=row(PreparedCareRequest, part.pk),
    )


@case("plans.sip_views.sip_part")
def _sip(w):
    from nara.plans.models import Sip

    sip = pb.sip(w)
    return Edit(
        reverse("plans:sip_part", args=[w.person.pk, sip.pk, "kartlaggning"]), w.mark_nurse,
        mine={"form": "mapping", "what_matters": "Trädgården och katten"}, shown="Trädgården och katten",
        other={"form": "mapping", "what_matters": "Att få bo kvar hemma"}, other_user=w.vc_nurse,
        record=row(Sip, sip.pk), message=SIP_MESSAGE,
    )


# transitions


def _agreement_data(w, **extra):
    return {
        "name": "Utskrivningsöverenskommelse Mark", "region": w.region.pk, "municipality": w.mark.pk,
        "valid_from": "2020-01-01", "valid_to": "", "day_kind": "working", "days_after_notice": "3",
        "notice_cutoff": "12:00", "extra_non_working_days": "", "require_both_notices": "on",
        "home_health_criteria": "", **extra,
    }


@case("transitions.agreement_views.agreement_edit")
def _agreement(w):
    from nara.transitions.models import Agreement

    agreement = tb.ag_agreement(w)
    return Edit(
        reverse("transitions:agreement_edit", args=[agreement.pk]), w.vc_manager,
        mine=_agreement_data(w, home_health_criteria="Kan inte ta sig till vårdcentralen"),
        shown="Kan inte ta sig till vårdcentralen",
        other=_agreement_data(w, days_after_notice="5"), other_user=tb.ag_mark_manager(w),
        record=row(Agreement, agreement.pk),
    )


@case("transitions.agreement_views.day_price_edit")
def _day_price(w):
    from nara.transitions.models import DayPrice

    price = tb.ag_day_price(TODAY.year, "9900")
    return Edit(
        reverse("transitions:day_price_edit", args=[price.pk]), w.vc_manager,
        mine={"year": TODAY.year, "price": "9950", "source": "Socialstyrelsens beslut i maj"},
        shown="Socialstyrelsens beslut i maj",
        other={"year": TODAY.year, "price": "9800", "source": "Beslut"}, record=row(DayPrice, price.pk),
        field="updated",
    )


@case("transitions.case_views.case_step")
def _case_step(w):
    from nara.transitions.models import DischargeCase

    case = tb.case_start(w)
    new_date = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    return Edit(
        reverse("transitions:case_step", args=[w.person.pk, case.pk, "planering"]), w.bist_user,
        mine={"needs": "Trygghetslarm och matlåda"}, shown="Trygghetslarm och matlåda",
        other={"expected_discharge_on": new_date}, other_user=w.ward_nurse,
        other_url=reverse("transitions:case_step", args=[w.person.pk, case.pk, "datum"]),
        record=with_children(row(DischargeCase, case.pk), lambda: case.events.count()), message=CASE_MESSAGE,
    )


@case("transitions.enrolment_views.enrolment_detail")
def _enrolment(w):
    from nara.transitions.models import HomeHealthEnrolment

    enrolment = tb.fu_enrolment(w, status="enrolled", start_on=dt.date(2026, 1, 1), next_review_on=TODAY)
    doctor = f.staff(w.vc, ["physician"], username="enrolment_doctor")
    return Edit(
        reverse("transitions:enrolment_detail", args=[w.person.pk, enrolment.pk]), w.vc_nurse,
        mine={"action": "review", "review-reviewed_on": TODAY.isoformat(), "review-outcome": "Fortsatt behov"},
        shown="Fortsatt behov",
        other={"action": "physician", "physician-physician": doctor.pk}, field="review-version",
        record=with_children(row(HomeHealthEnrolment, enrolment.pk), lambda: enrolment.reviews.count()),
    )


# --- The test ----------------------------------------------------------------------------------------------------


def _version_on(page: str, field: str) -> str:
    found = re.search(rf'name="{re.escape(field)}" value="([^"]*)"', page)
    assert found, f"no hidden {field} on the page"
    return html.unescape(found.group(1))


def _other_field(edit: Edit) -> str:
    """The version field of the other save's form (the enrolment's forms are prefixed per step)."""
    if edit.other and "action" in edit.other and "-" in edit.field:
        return f"{edit.other['action']}-{edit.field.split('-', 1)[1]}"
    return edit.field


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stale_save_answers_409_and_keeps_the_input(name):
    w = build()
    edit = CASES[name][1](w)
    first = Client()
    first.force_login(edit.user)
    page = first.get(edit.url)
    assert page.status_code == 200
    opened = _version_on(page.content.decode(), edit.field)

    # Someone else saves first.
    if edit.second:
        edit.second()
    else:
        other = Client()
        other.force_login(edit.other_user or edit.user)
        other_url = edit.other_url or edit.url
        other_version = _version_on(other.get(other_url).content.decode(), _other_field(edit))
        saved = other.post(other_url, {**edit.other, _other_field(edit): other_version})
        assert saved.status_code == 302, saved.content.decode()[:3000]
    before = edit.record()

    response = first.post(edit.url, {**edit.mine, edit.field: opened})
    body = html.unescape(response.content.decode())
    assert response.status_code == 409, f"{response.status_code}: {body[:3000]}"
    assert edit.message in body
    if edit.shown is not None:
        assert edit.shown in body
    assert edit.record() == before

    if edit.resend:
        # The re-shown page carries the version saved now: sending the user's edit again is a deliberate save.
        again = first.post(edit.url, {**edit.mine, edit.field: _version_on(body, edit.field)})
        assert again.status_code == 302, html.unescape(again.content.decode())[:3000]
        assert edit.record() != before


def test_the_fields_saved_meanwhile_are_shown_beside_the_input(client):
    """A ModelForm page lists under "Sparat nu" what the other save changed (here the relative's phone)."""
    w = build()
    edit = _relative(w)
    client.force_login(edit.user)
    opened = _version_on(client.get(edit.url).content.decode(), "version")
    assert client.post(edit.url, {**edit.other, "version": opened}).status_code == 302
    body = client.post(edit.url, {**edit.mine, "version": opened}).content.decode()
    saved_now = body.split('data-testid="saved-now"')[1].split("</section>")[0]
    assert "Sparat nu" in saved_now and "070-1740606" in saved_now and "Nås bäst efter lunch" not in saved_now
    assert 'value="070-1740605"' in body  # the user's own phone stays in the form
