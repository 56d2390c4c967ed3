"""The extract contract in code: column names, required columns and the accepted words for each code.

docs/extract-contract.md is the human version; keep the two in step.
"""

from __future__ import annotations

import unicodedata

from nara.identify import schema

POPULATION = "population"
ENCOUNTERS = "encounters"
KINDS = (POPULATION, ENCOUNTERS)

COLUMNS = {
    POPULATION: [
        "personnummer", "fodelsedatum", "kon", "kommunkod", "listad_enhet_hsaid", "dodsdatum", "uttagsdatum",
    ],
    ENCOUNTERS: [
        "kallsystem", "kontakt_id", "personnummer", "enhet_hsaid", "vardtyp", "kontaktform", "yrke", "start",
        "slut", "planerad", "huvuddiagnos", "bidiagnoser", "utskrivning_till", "andrad",
    ],
}
REQUIRED = {
    POPULATION: ["personnummer", "kommunkod"],
    ENCOUNTERS: ["kallsystem", "kontakt_id", "personnummer", "enhet_hsaid", "vardtyp", "kontaktform", "start"],
}
# The lake's English names are accepted as column names too.
ALIASES = {
    "birth_date": "fodelsedatum", "sex": "kon", "municipality_code": "kommunkod",
    "listed_unit_hsa": "listad_enhet_hsaid", "date_of_death": "dodsdatum", "extract_date": "uttagsdatum",
    "source_system": "kallsystem", "encounter_id": "kontakt_id", "unit_hsa": "enhet_hsaid",
    "care_type": "vardtyp", "contact_form": "kontaktform", "profession": "yrke", "start_at": "start",
    "end_at": "slut", "planned": "planerad", "main_diagnosis": "huvuddiagnos",
    "secondary_diagnoses": "bidiagnoser", "discharge_disposition": "utskrivning_till", "version_at": "andrad",
}


def fold(text: str) -> str:
    """Lower case, å/ä/ö/é → a/a/o/e, so 'Primärvårdsbesök', 'primarvardsbesok' and 'PRIMÄRVÅRDSBESÖK' match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def column_name(header: str) -> str:
    """The contract name for a file's column header ('Källsystem', 'kontakt-id', 'care_type' …)."""
    name = fold(header.strip().lstrip("\ufeff").strip('"')).replace("-", "_").replace(" ", "_")
    return ALIASES.get(name, name)


def _words(codes: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accepted word (lower case) → code: the English code, the Swedish word from schema.py and any extras, each
    as written and folded (so SQL needs only lower(), which is fast, not strip_accents)."""
    pairs = [(code, code) for code in codes] + [(word, code) for code, word in codes.items()]
    pairs += list((extra or {}).items())
    words = {word.lower(): code for word, code in pairs}
    words.update({fold(word): code for word, code in pairs})
    return words


CARE_TYPES = _words(schema.CARE_TYPES)
CONTACT_FORMS = _words(schema.CONTACT_FORMS, {"fysiskt": "physical", "fysisk": "physical", "digital": "digital",
                                              "video": "digital", "telefonkontakt": "phone"})
DISPOSITIONS = _words(schema.DISPOSITIONS, {"annan_enhet": "other_unit", "död": "deceased"})
PLANNED = {"ja": True, "j": True, "1": True, "planerad": True, "true": True, "yes": True,
           "nej": False, "n": False, "0": False, "oplanerad": False, "false": False, "no": False}
SEX = {"k": "F", "f": "F", "kvinna": "F", "2": "F", "female": "F", "m": "M", "man": "M", "1": "M", "male": "M"}
