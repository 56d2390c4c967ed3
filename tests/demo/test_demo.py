"""The demo region generator: `nara demo` on a small region."""
import datetime as dt
import io
import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from nara.access.models import Block, Consent
from nara.audit.models import AccessLogEntry
from nara.core import personnummer
from nara.demo import data, generator
from nara.directory.models import Assignment, Organisation, StaffProfile, Unit
from nara.people.models import CareTeamMember, FixedContact, Person

PERSONS = 2000


def run_demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", "--persons", str(PERSONS), *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded(db):
    return run_demo()


class _Rollback(Exception):
    pass


def snapshot(seed: int, today: dt.date) -> list[tuple]:
    """Generate inside a transaction that is rolled back, and return what was written."""
    rows = []
    try:
        with transaction.atomic():
            generator.generate(seed=seed, persons=500, today=today)
            rows = list(Person.objects.order_by("personnummer").values_list(
                "id", "personnummer", "given_name", "family_name", "listed_unit__name", "street_address"
            ))
            rows += list(get_user_model().objects.order_by("username").values_list("username", "first_name"))
            raise _Rollback
    except _Rollback:
        pass
    assert not Person.objects.exists()
    return rows


@pytest.mark.django_db
def test_same_seed_gives_the_same_region_and_another_seed_does_not():
    today = dt.date(2026, 11, 22)
    first = snapshot(7, today)
    assert first and first == snapshot(7, today)
    assert snapshot(8, today) != first


def test_personnummer_are_valid_unique_test_numbers_and_sex_follows_the_serial(loaded):
    rows = list(Person.objects.values_list("personnummer", "birth_date", "sex", "is_coordination_number"))
    assert len(rows) == PERSONS
    numbers = [r[0] for r in rows]
    assert len(set(numbers)) == len(numbers)
    for number, birth, sex, coordination in rows:
        parsed = personnummer.parse(number)
        assert parsed.canonical == number
        assert (parsed.birth_date, parsed.sex, parsed.is_coordination_number) == (birth, sex, coordination)
        assert int(number[9:12]) in data.TEST_SERIALS


def test_a_day_out_of_test_serials_still_gives_valid_numbers_never_serial_000():
    from nara.demo.population import NumberPool

    today = dt.date(2026, 11, 22)
    birth = dt.date(1940, 5, 17)
    for seed in range(60):
        pool, rng = NumberPool(today), random.Random(seed)
        taken = [pool.take(rng, birth) for _ in range(len(data.TEST_SERIALS) + 10)]
        extra = [p for p in taken if p is not None and int(p.canonical[9:12]) not in data.TEST_SERIALS]
        assert extra, "the pool never went past the test serials"
        assert all(1 <= int(p.canonical[9:12]) <= 999 for p in taken if p is not None)


def test_age_mix_is_like_swedens(loaded):
    today = timezone.localdate()
    ages = [p.age(today) for p in Person.objects.only("birth_date")]
    share = lambda lo: sum(a >= lo for a in ages) / len(ages)  # noqa: E731
    assert 0.15 <= share(65) <= 0.25
    assert 0.07 <= share(75) <= 0.12
    assert 0.01 <= share(85) <= 0.05
    assert min(ages) >= 0 and max(ages) < 110
    assert Person.objects.filter(date_of_death__isnull=False).exists() or PERSONS < 5000


def test_organisations_and_units(loaded):
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    assert dict(municipalities.values_list("municipality_code", "name")) == {
        "1463": "Marks kommun", "1490": "Borås stad", "1443": "Bollebygds kommun",
    }
    assert Organisation.objects.get(kind=Organisation.Kind.REGION).name == "Västra Götalandsregionen"
    assert 1 <= Organisation.objects.filter(kind=Organisation.Kind.PRIVATE).count() <= 2
    kinds = dict(Unit.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[Unit.Kind.HEALTH_CENTRE] == 8
    assert kinds[Unit.Kind.WARD] == 2
    assert kinds[Unit.Kind.MOBILE_TEAM] == 1
    assert kinds[Unit.Kind.HOME_HEALTH] == kinds[Unit.Kind.HOME_CARE] == kinds[Unit.Kind.NEEDS_ASSESSMENT] == 3
    assert kinds[Unit.Kind.ANALYSIS] == 1
    private_centres = Unit.objects.filter(kind=Unit.Kind.HEALTH_CENTRE, organisation__kind=Organisation.Kind.PRIVATE)
    assert 1 <= private_centres.count() <= 2
    hsa = list(Unit.objects.values_list("hsa_id", flat=True))
    assert len(set(hsa)) == len(hsa) and all(re.fullmatch(r"SE\d{10}-E\d{12}", h) for h in hsa)
    # Every resident lives in one of the municipalities, listed (if at all) at a vårdcentral there or nearby.
    assert not Person.objects.filter(municipality__isnull=True).exists()
    assert not Person.objects.exclude(listed_unit__isnull=True).exclude(listed_unit__kind=Unit.Kind.HEALTH_CENTRE).exists()


def test_staff_and_sign_ins(loaded):
    users = get_user_model().objects.all()
    assert 35 <= users.count() <= 45
    assert StaffProfile.objects.count() == users.count()
    roles = {role for roles in Assignment.objects.values_list("roles", flat=True) for role in roles}
    assert roles == {"elder_nurse", "nurse", "physician", "needs_assessor", "occupational_therapist",
                     "physiotherapist", "assistant_nurse", "manager", "analyst"}
    long_ago = timezone.localdate() - dt.timedelta(days=365)
    assert not Assignment.objects.filter(valid_from__gt=long_ago).exists()
    anna = users.get(username="anna.ssk")
    assert Assignment.objects.active().filter(user=anna).count() == 2
    assert users.values("password").distinct().count() == 1  # hashed once, shared
    assert anna.check_password(data.DEMO_PASSWORD)
    for signin in generator.demo_signins():
        user = users.get(username=signin["username"])
        assert [a.unit.name for a in user.assignments.order_by("pk")] == [a["unit"] for a in signin["assignments"]]
    assert FixedContact.objects.filter(staff=anna).count() >= 5
    assert FixedContact.objects.filter(staff__username="erik.lakare").count() >= 5


def test_demo_users_sign_in_with_the_demo_password_the_staff_policy_would_refuse(loaded, client):
    """The shared demo password is shorter than the staff password policy allows (issue 11): the demo hashes it
    directly, so the printed sign-ins keep working; a real staff password is checked by the policy."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(data.DEMO_PASSWORD)
    response = client.post("/logga-in/", {"username": "anna.ssk", "password": data.DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/uppdrag/"


def test_demo_persons_have_municipal_data_and_no_consent(loaded):
    mark = Organisation.objects.get(municipality_code="1463")
    for spec in data.DEMO_PERSONS:
        person = Person.objects.get(given_name=spec.given, family_name=spec.family)
        assert person.listed_unit.name == "Vårdcentralen Kinna"
        assert person.municipality == mark and person.date_of_death is None
        assert CareTeamMember.objects.filter(person=person, recorded_by_org=mark, unit__kind="home_health").exists()
        if spec.given == "Ingvar":  # his consent to the SIP lets Kinna and Mark see each other's data
            assert set(Consent.objects.filter(person=person).values_list("purpose", flat=True)) == {"SIP"}
        else:
            assert not Consent.objects.filter(person=person).exists()
        assert not Block.objects.filter(person=person).exists()
        assert f"{spec.given} {spec.family} (född {spec.birth[0]})" in loaded


def test_records_consents_and_blocks(loaded):
    assert CareTeamMember.objects.exclude(recorded_by_org=Organisation.objects.get(kind="region")).exists()
    # SIP and discharge-planning consents are checked with the SIP and the cases.
    consents = Consent.objects.exclude(purpose__in=["SIP", "Utskrivningsplanering"])
    assert consents.exists()
    for consent in consents.prefetch_related("source_orgs").select_related("person__listed_unit"):
        assert consent.receiving_org_id == consent.person.listed_unit.organisation_id
        assert consent.all_sources or [o.kind for o in consent.source_orgs.all()] == ["municipality"]
        assert consent.valid_from < timezone.localdate()
    assert consents.filter(valid_to__lt=timezone.localdate()).exists()
    assert consents.filter(withdrawn_at__isnull=False).exists()
    assert Block.objects.count() >= 2
    for block in Block.objects.all():
        assert block.blocked_org == block.person.municipality
    # Every record is written by a user who works at the recording unit.
    for model in (CareTeamMember, FixedContact, Consent, Block):
        for unit_id, user_id in model.objects.values_list("recorded_by_unit_id", "recorded_by_id").distinct():
            assert Assignment.objects.filter(unit_id=unit_id, user_id=user_id).exists()
    assert not AccessLogEntry.objects.exists()


def test_output_never_contains_a_personnummer(loaded):
    assert "anna.ssk" in loaded and data.DEMO_PASSWORD in loaded
    assert not personnummer.PNR_IN_TEXT.search(loaded)


def test_if_empty_on_a_loaded_database_does_nothing(loaded):
    before = Person.objects.count(), get_user_model().objects.count()
    out = run_demo("--if-empty")
    assert "finns redan" in out
    assert (Person.objects.count(), get_user_model().objects.count()) == before


def test_refuses_a_loaded_database_without_if_empty(loaded):
    with pytest.raises(CommandError, match="redan personer"):
        run_demo()
    assert Person.objects.count() == PERSONS


@pytest.mark.django_db
def test_refuses_when_the_demo_directory_exists_without_persons():
    Organisation.objects.create(name="Marks kommun", kind=Organisation.Kind.MUNICIPALITY, municipality_code="1463")
    with pytest.raises(CommandError, match="demoregionens"):
        run_demo()
    with pytest.raises(CommandError, match="demoregionens"):
        run_demo("--if-empty")
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_too_few_persons_is_refused():
    with pytest.raises(CommandError, match="minst"):
        call_command("demo", "--persons", "2", stdout=io.StringIO())


def test_plans_and_assessments_in_the_demo(loaded):
    from nara.plans.models import CarePlan, FrailtyAssessment, PreparedCareRequest, TreatmentLimitation

    mark = Organisation.objects.get(municipality_code="1463")
    astrid = Person.objects.get(given_name="Astrid", family_name="Lindqvist")
    margit = Person.objects.get(given_name="Margit", family_name="Ekholm")
    gosta = Person.objects.get(given_name="Gösta", family_name="Karlsson")
    # Astrid's ratings are Mark's data: Kinna sees them only after she consents (the consent story).
    assert set(FrailtyAssessment.objects.filter(person=astrid).values_list("recorded_by_org", flat=True)) == {mark.pk}
    assert CarePlan.objects.filter(person=margit, kind="palliative", palliative_orders__contains="Morfin").exists()
    assert TreatmentLimitation.objects.filter(person=margit, kind="no_cpr", revoked_at__isnull=True).exists()
    assert PreparedCareRequest.objects.filter(person=margit).exists()
    assert not FrailtyAssessment.objects.filter(person=gosta).exists()  # his story is made live
    # Home health care patients 75+ are rated; every rating is valid and made by staff of the recording unit.
    ratings = FrailtyAssessment.objects.exclude(person__in=[astrid, margit])
    assert ratings.count() > 20
    assert all(1 <= s <= 9 for s in ratings.values_list("score", flat=True))
    assert not ratings.filter(habitual_status_confirmed=False).exists()
    for model in (FrailtyAssessment, CarePlan, TreatmentLimitation):
        for unit_id, user_id in model.objects.values_list("recorded_by_unit_id", "recorded_by_id").distinct():
            assert Assignment.objects.filter(unit_id=unit_id, user_id=user_id).exists()
    # Some are overdue for their yearly reassessment, so the work lists have something to show.
    year_ago = timezone.localdate() - dt.timedelta(days=365)
    latest = ratings.values("person").annotate(last=models.Max("rated_on"))
    assert any(row["last"] < year_ago for row in latest)
    assert "CFS-bedömningar" in loaded


def test_ingvars_sip_is_agreed_and_followed_up_this_week(loaded):
    from nara.plans.due import week_bounds
    from nara.plans.models import Sip

    ingvar = Person.objects.get(given_name="Ingvar", family_name="Sjöholm")
    sip = Sip.objects.get(person=ingvar)
    assert sip.status == "active" and sip.consent_given_at is not None
    assert sip.next_follow_up <= week_bounds(timezone.localdate())[1]
    assert {p.unit.name for p in sip.participants.filter(kind="staff")} >= {
        "Vårdcentralen Kinna", "Biståndsenheten Mark"}
    assert sip.goals.count() == 2 and sip.actions.count() == 4
    assert sip.consents.count() == 2 and sip.versions.get().snapshot["status"] == "active"


def test_plan_records_carry_their_own_dates(loaded):
    from nara.plans.models import FrailtyAssessment

    for rating in FrailtyAssessment.objects.all()[:50]:
        assert timezone.localtime(rating.created_at).date() == rating.rated_on == timezone.localtime(
            rating.updated_at).date()


def test_discharge_agreements_for_every_municipality(loaded):
    from nara.transitions.models import Agreement, DayPrice

    municipalities = Organisation.objects.filter(kind="municipality", municipality_code__in=["1463", "1490", "1443"])
    for m in municipalities:
        agreement = Agreement.objects.get(municipality=m)
        assert agreement.region.kind == "region" and agreement.days_after_notice == 3
        assert agreement.home_health_criteria and agreement.follow_up_rules.filter(responsible="home_health").exists()
    assert {a.day_kind for a in Agreement.objects.all()} == {"calendar", "working"}
    assert DayPrice.objects.filter(year=timezone.localdate().year).exists()
    assert DayPrice.objects.get(year=2022).price == 9300


def test_discharge_cases_in_every_state(loaded):
    from nara.transitions import daycount
    from nara.transitions.models import DischargeCase, FollowUpTask, Receipt

    cases = DischargeCase.objects.all()
    assert {c.status for c in cases} == {"admitted", "ready", "discharged"}
    assert Receipt.objects.filter(acknowledged_at__isnull=True).exists()  # something in the inboxes
    assert FollowUpTask.objects.filter(done_at__isnull=True).exists()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    paid = [d for c in cases for d in daycount.case_days(c, today).payment_dates if d >= last_month]
    assert paid, "the monthly statements have payment days to show"
    for case in cases:
        assert case.agreement is not None
        # The receivers take part of the region's case data only; the region receives nothing (issue 11).
        consents = list(case.consents.prefetch_related("source_orgs"))
        assert consents and all(c.scope == "discharge_case" and c.given_at for c in consents)
        assert {c.receiving_org_id for c in consents} == (
            {case.municipality_id, case.health_centre.organisation_id} - {case.recorded_by_org_id}
        )
        assert all([o.pk for o in c.source_orgs.all()] == [case.recorded_by_org_id] for c in consents)
    assert "utskrivningsärenden" in loaded
