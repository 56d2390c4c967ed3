"""FHIR R4 NDJSON (Encounter + Condition, one resource per line) → rows in the encounter contract's columns.

Tolerant in what it reads (R4 and R5 shapes of `class`, codes or display words, several identifier systems),
strict in what it lets through: every row still goes through the same SQL validation as CSV and Parquet. The
mapping is documented in docs/extract-contract.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from nara.identify.importing import contract

PERSON_SYSTEMS = {
    "http://electronichealth.se/identifier/personnummer",
    "http://electronichealth.se/identifier/samordningsnummer",
    "urn:oid:1.2.752.129.2.1.3.1",  # personnummer
    "urn:oid:1.2.752.129.2.1.3.3",  # samordningsnummer
}
ICD10_SYSTEM_HINT = "icd-10"
CLASS_CARE_TYPE = {"IMP": "inpatient", "ACUTE": "inpatient", "NONAC": "inpatient", "EMER": "emergency",
                   "HH": "home_health"}
CLASS_CONTACT_FORM = {"VR": "digital", "HH": "home_visit", "AMB": "physical", "IMP": "physical",
                      "ACUTE": "physical", "NONAC": "physical", "EMER": "physical"}
UNPLANNED_PRIORITIES = {"EM", "UR", "A", "S", "CR"}
PLANNED_PRIORITIES = {"R", "EL", "P", "RR", "CS", "PRN", "T", "UD"}
DISCHARGE = {"home": "home", "alt-home": "home", "aama": "home", "exp": "deceased", "hosp": "other_unit",
             "other-hcf": "other_unit", "snf": "other_unit", "rehab": "other_unit", "long": "other_unit",
             "psy": "other_unit"}
IGNORED_STATUSES = {"entered-in-error", "refuted"}
LOCAL = ZoneInfo("Europe/Stockholm")


def encounter_rows(path: Path) -> Iterator[tuple[int, dict | None, tuple | None]]:
    """(line, row, None) per Encounter, or (line, None, (field, reason, value)) per unreadable line."""
    encounters: dict[str, tuple[int, dict]] = {}
    conditions: list[tuple[int, dict]] = []
    problems: list[tuple[int, tuple]] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                resource = json.loads(text)
            except json.JSONDecodeError:
                problems.append((line, (None, _("Raden är inte giltig JSON."), None)))
                continue
            kind = resource.get("resourceType") if isinstance(resource, dict) else None
            if kind == "Encounter":
                encounters[resource.get("id") or f"line-{line}"] = (line, resource)
            elif kind == "Condition":
                conditions.append((line, resource))
            # Other resource types (Patient, Organization …) may come along in a bulk export; they are skipped.
    # A Condition names its encounter (Condition.encounter), or an Encounter lists it (Encounter.diagnosis).
    listed = {
        (entry.get("condition") or {}).get("reference", "").rsplit("/", 1)[-1]: encounter_id
        for encounter_id, (_line, encounter) in encounters.items()
        for entry in encounter.get("diagnosis") or []
    }
    diagnoses: dict[str, list[tuple[tuple, dict]]] = {}
    for line, condition in conditions:
        if (condition.get("verificationStatus") or {}).get("coding", [{}])[0].get("code") in IGNORED_STATUSES:
            continue
        ref = (condition.get("encounter") or {}).get("reference", "")
        encounter_id = ref.rsplit("/", 1)[-1] if ref else listed.get(condition.get("id") or "", "")
        if encounter_id not in encounters:
            problems.append((line, ("Condition.encounter",
                                    _("Diagnosen hänvisar till en vårdkontakt som inte finns i filen."), ref[:100])))
            continue
        diagnoses.setdefault(encounter_id, []).append((_rank(encounters[encounter_id][1], condition, line),
                                                       condition))
    for line, problem in problems:
        yield line, None, problem
    for encounter_id, (line, encounter) in encounters.items():
        row = _encounter(encounter)
        codes = [_code(c) for _, c in sorted(diagnoses.get(encounter_id, []), key=lambda item: item[0])]
        if codes:
            row["huvuddiagnos"] = codes[0]
            row["bidiagnoser"] = "|".join(codes[1:])
        yield line, row, None


def _rank(encounter: dict, condition: dict, line: int) -> tuple:
    """Main diagnosis first: Encounter.diagnosis.rank (1 = main), then file order for unranked conditions."""
    for entry in encounter.get("diagnosis") or []:
        ref = (entry.get("condition") or {}).get("reference", "")
        if condition.get("id") and ref.rsplit("/", 1)[-1] == condition["id"] and entry.get("rank") is not None:
            return (0, int(entry["rank"]), line)
    return (1, 0, line)


def _code(condition: dict) -> str:
    codings = (condition.get("code") or {}).get("coding") or []
    for coding in codings:
        if ICD10_SYSTEM_HINT in (coding.get("system") or "").lower():
            return coding.get("code") or ""
    return (codings[0].get("code") or "") if codings else ""


def _codings(value) -> list[dict]:
    """Codings of a Coding, a CodeableConcept or a list of either (R4 `class` is a Coding, R5 a list)."""
    items = value if isinstance(value, list) else [value] if value else []
    out = []
    for item in items:
        if isinstance(item, dict):
            out.extend(item.get("coding") or ([item] if "code" in item else []))
    return out


def _words(value) -> list[str]:
    out = []
    for coding in _codings(value):
        out += [coding.get("code") or "", coding.get("display") or ""]
    items = value if isinstance(value, list) else [value] if value else []
    out += [item.get("text") or "" for item in items if isinstance(item, dict)]
    return [w for w in out if w]


def _first_known(words: list[str], known: dict[str, str]) -> str | None:
    for word in words:
        if contract.fold(word) in known:
            return known[contract.fold(word)]
    return None


def _local(value: str | None) -> str | None:
    """FHIR instants carry an offset; the lake holds Swedish local time."""
    if not value or len(value) <= 10:
        return value
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value  # validation reports it
    if moment.tzinfo:
        moment = moment.astimezone(LOCAL).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="seconds")


def _identifier(reference: dict | None) -> str | None:
    return ((reference or {}).get("identifier") or {}).get("value")


def _encounter(e: dict) -> dict:
    identifiers = e.get("identifier") or [{}]
    subject = (e.get("subject") or {}).get("identifier") or {}
    classes = [c.get("code") for c in _codings(e.get("class"))]
    type_words = _words(e.get("type"))
    care_type = _first_known(type_words, contract.CARE_TYPES) or next(
        (CLASS_CARE_TYPE[c] for c in classes if c in CLASS_CARE_TYPE), None)
    if care_type is None:  # keep what was there, so the report can say which care type was not understood
        care_type = (type_words or classes or [None])[0]
    contact_form = _first_known(type_words, contract.CONTACT_FORMS) or next(
        (CLASS_CONTACT_FORM[c] for c in classes if c in CLASS_CONTACT_FORM), None)
    priority = [c.get("code") for c in _codings(e.get("priority"))]
    planned = "ja" if set(priority) & PLANNED_PRIORITIES else "nej" if set(priority) & UNPLANNED_PRIORITIES else None
    disposition_codes = [c.get("code") for c in _codings((e.get("hospitalization") or {}).get("dischargeDisposition"))]
    disposition = next((DISCHARGE[c] for c in disposition_codes if c in DISCHARGE), None) or (
        disposition_codes[0] if disposition_codes else None)
    participants = e.get("participant") or [{}]
    kinds = _codings(participants[0].get("type"))  # the display ("Läkare") says more than a local code
    profession = next((c.get("display") or c.get("code") for c in kinds if c.get("display") or c.get("code")), None)
    locations = e.get("location") or [{}]
    return {
        "kallsystem": (e.get("meta") or {}).get("source") or identifiers[0].get("system"),
        "kontakt_id": identifiers[0].get("value") or e.get("id"),
        "personnummer": subject.get("value") if subject.get("system") in PERSON_SYSTEMS else None,
        "enhet_hsaid": _identifier(e.get("serviceProvider")) or _identifier(locations[0].get("location")),
        "vardtyp": care_type,
        "kontaktform": contact_form,
        "yrke": profession,
        "start": _local((e.get("period") or {}).get("start")),
        "slut": _local((e.get("period") or {}).get("end")),
        "planerad": planned,
        "utskrivning_till": disposition,
        "andrad": _local((e.get("meta") or {}).get("lastUpdated")),
    }
