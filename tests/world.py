"""A small two-organisation world used by the gate, selector and view tests."""

import datetime as dt
from dataclasses import dataclass

from nara.directory.models import Organisation, Unit
from nara.people.models import CareTeamMember, FixedContact, Relative
from tests import factories as f


@dataclass
class World:
    region: Organisation
    mark: Organisation
    vc: Unit
    hsv: Unit
    vc_nurse: object
    vc_analyst: object
    vc_manager: object
    mark_nurse: object
    outsider_nurse: object
    person: object
    stranger: object
    relative: Relative
    team_entry: CareTeamMember
    fixed: FixedContact


def build() -> World:
    region = f.organisation("Västra Götalandsregionen", kind=Organisation.Kind.REGION)
    mark = f.organisation("Marks kommun", code="1463")
    vc = f.unit(region, name="Vårdcentralen Kinna")
    other_vc = f.unit(region, name="Vårdcentralen Sätila")
    hsv = f.unit(mark, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Mark")
    vc_nurse = f.staff(vc, ["elder_nurse"], username="anna")
    mark_nurse = f.staff(hsv, ["nurse"], username="maria")
    person = f.person(listed_unit=vc, given="Astrid", family="Lindqvist", municipality=mark)
    stranger = f.person(listed_unit=other_vc, given="Bertil", family="Okänd")
    since = dt.date(2025, 1, 1)
    team_entry = CareTeamMember.objects.create(
        person=person, unit=hsv, role="Hemsjukvård", valid_from=since,
        recorded_by_unit=hsv, recorded_by_org=mark, recorded_by=mark_nurse,
    )
    relative = Relative.objects.create(
        person=person, name="Karl Lindqvist", relation="son", phone="070-1740605",
        recorded_by_unit=hsv, recorded_by_org=mark, recorded_by=mark_nurse,
    )
    fixed = FixedContact.objects.create(
        person=person, kind="navigator", staff=vc_nurse, unit=vc, valid_from=since,
        recorded_by_unit=vc, recorded_by_org=region, recorded_by=vc_nurse,
    )
    return World(
        region, mark, vc, hsv, vc_nurse, f.staff(vc, ["analyst"]), f.staff(vc, ["manager"]), mark_nurse,
        f.staff(other_vc, ["nurse"]), person, stranger, relative, team_entry, fixed,
    )
