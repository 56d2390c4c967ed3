"""The lake's tables as DuckDB types: the one contract between the import and the risk definitions.

Rows are keyed by pseudonym (nara.identify.pseudonym), never by personnummer. Codes are the English values below;
the extract contract (docs/extract-contract.md) maps the Swedish words in source files onto them.
"""

POPULATION = {
    "pseudonym": "VARCHAR",
    "birth_date": "DATE",
    "sex": "VARCHAR",  # 'F' or 'M' (derived from the personnummer)
    "municipality_code": "VARCHAR",  # kommunkod, 4 digits
    "listed_unit_hsa": "VARCHAR",  # HSA-id of the listed vårdcentral, may be NULL
    "date_of_death": "DATE",
    "extract_date": "DATE",  # the extract this row came from; a newer extract replaces an older row
}

ENCOUNTERS = {
    "source_system": "VARCHAR",
    "encounter_id": "VARCHAR",
    "pseudonym": "VARCHAR",
    "unit_hsa": "VARCHAR",
    "care_type": "VARCHAR",  # one of CARE_TYPES
    "contact_form": "VARCHAR",  # one of CONTACT_FORMS
    "profession": "VARCHAR",
    "start_at": "TIMESTAMP",  # local time (Europe/Stockholm), as the source systems give it
    "end_at": "TIMESTAMP",  # NULL while ongoing
    "planned": "BOOLEAN",
    "main_diagnosis": "VARCHAR",  # normalised ICD-10 (nara.identify.icd10), may be NULL
    "secondary_diagnoses": "VARCHAR[]",  # normalised ICD-10 codes
    "discharge_disposition": "VARCHAR",  # one of DISPOSITIONS or NULL
    "version_at": "TIMESTAMP",  # when the source produced this version; the newest version of an encounter wins
}

CARE_TYPES = {
    "primary_care": "primärvårdsbesök",
    "emergency": "akutbesök",
    "inpatient": "slutenvårdstillfälle",
    "specialist_outpatient": "specialiserad öppenvård",
    "home_health": "hemsjukvårdsbesök",
}
CONTACT_FORMS = {"physical": "fysiskt besök", "home_visit": "hembesök", "phone": "telefon", "digital": "digitalt"}
DISPOSITIONS = {"home": "hem", "other_unit": "annan enhet", "deceased": "avliden"}


def create_sql(table: str, columns: dict[str, str]) -> str:
    cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
    return f"CREATE TABLE {table} ({cols})"
