"""Loading definition files: what an analyst may change, and the Swedish messages when a file is wrong."""

from __future__ import annotations

import shutil

import pytest

from nara.identify.definitions import DefinitionError, load_all, loader

GOOD_TOML = """
id = "demo"
name = "Demo"
version = 2
source = "test"
description = "Minst {min_age} år."

[parameters.min_age]
default = 65
description = "Lägsta ålder."

[output]
value = "Antal."
unit = "st"
reason = "{value} st"
"""
GOOD_SQL = "-- a comment with $not_a_parameter\nSELECT pseudonym, 1 AS value, TRUE AS flagged FROM persons WHERE age >= $min_age;\n"


def write(directory, toml=GOOD_TOML, sql=GOOD_SQL, name="demo"):
    (directory / f"{name}.toml").write_text(toml, encoding="utf-8")
    (directory / f"{name}.sql").write_text(sql, encoding="utf-8")
    return directory


def test_shipped_definitions_load_with_ids_versions_and_parameters():
    defs = load_all()
    assert [d.id for d in defs] == sorted(d.id for d in defs)
    assert {d.id for d in defs} == {
        "mangbesokare_vardcentral", "frekventa_akutbesok", "aterinskrivning_30d", "multisjuk_aldre", "hfrs",
        "undvikbar_slutenvard", "akutbesok_80plus", "fallskada_65plus",
    }
    for d in defs:
        assert d.version >= 1 and d.sql and d.name and d.source and len(d.sha256) == 64
        assert "{" not in d.description  # every placeholder filled from the parameters
    assert loader.names()["hfrs"] == "Hospital Frailty Risk Score (HFRS)"


def test_a_good_file_loads_and_keeps_comments(tmp_path):
    (d,) = load_all(directory=write(tmp_path))
    assert d.params() == {"min_age": 65}
    assert d.description == "Minst 65 år."
    assert d.sql.startswith("-- a comment") and not d.sql.endswith(";")
    assert loader.sql_placeholders(d.sql) == {"min_age"}


def test_overrides_apply_with_type_checks(tmp_path):
    write(tmp_path)
    (d,) = load_all({"demo": {"min_age": 70}}, directory=tmp_path)
    assert d.params() == {"min_age": 70} and d.description == "Minst 70 år."
    with pytest.raises(DefinitionError, match="fel typ"):
        load_all({"demo": {"min_age": "70"}}, directory=tmp_path)
    with pytest.raises(DefinitionError, match="fel typ"):
        load_all({"demo": {"min_age": True}}, directory=tmp_path)
    with pytest.raises(DefinitionError, match="okända parametrar"):
        load_all({"demo": {"max_age": 90}}, directory=tmp_path)
    with pytest.raises(DefinitionError, match="okända definitioner"):
        load_all({"nope": {}}, directory=tmp_path)


def test_overrides_file(tmp_path):
    definitions = tmp_path / "sql"
    definitions.mkdir()
    write(definitions)
    path = tmp_path / "region.toml"
    path.write_text("[demo]\nmin_age = 80\n", encoding="utf-8")
    assert load_all(path, directory=definitions)[0].params() == {"min_age": 80}
    with pytest.raises(DefinitionError, match="saknas"):
        load_all(tmp_path / "missing.toml", directory=definitions)


@pytest.mark.parametrize(("toml", "sql", "message"), [
    (GOOD_TOML, "SELECT pseudonym FROM persons WHERE age >= $min_age AND x = $other", "okända parametrar i SQL"),
    (GOOD_TOML, "SELECT pseudonym, 1 AS value, TRUE AS flagged FROM persons", "inte använder: min_age"),
    (GOOD_TOML, "DELETE FROM persons WHERE age >= $min_age", "SELECT eller WITH"),
    (GOOD_TOML, "SELECT 1 WHERE $min_age > 0; DROP TABLE persons", "en SQL-sats"),
    (GOOD_TOML.replace('id = "demo"', 'id = "other"'), GOOD_SQL, "id ska vara filens namn"),
    (GOOD_TOML.replace("version = 2", 'version = "2"'), GOOD_SQL, "”version” saknas eller har fel typ"),
    (GOOD_TOML.replace("{value} st", "{value:.1f} st"), GOOD_SQL, "utan format"),
    (GOOD_TOML.replace("Minst {min_age}", "Minst {max_age}"), GOOD_SQL, "okänt fält"),
    (GOOD_TOML.replace("{value} st", "{value} ({band})"), GOOD_SQL, "inga riskgrupper"),
    (GOOD_TOML.replace("[parameters.min_age]", "[parameters.nara_x]"), GOOD_SQL, "ogiltigt parameternamn"),
    (GOOD_TOML.replace("version = 2", "version = 2\n[broken"), GOOD_SQL, "ogiltig TOML"),
])
def test_broken_files_are_refused_in_swedish(tmp_path, toml, sql, message):
    write(tmp_path, toml, sql)
    with pytest.raises(DefinitionError, match=message):
        load_all(directory=tmp_path)


def test_bands_must_rise_and_the_last_takes_the_rest(tmp_path):
    bands = GOOD_TOML + """
[[output.bands]]
code = "low"
label = "låg"
below = 5.0

[[output.bands]]
code = "high"
label = "hög"
"""
    (d,) = load_all(directory=write(tmp_path, bands))
    assert [(b.code, b.below, b.at_most) for b in d.output.bands] == [("low", 5.0, None), ("high", None, None)]
    write(tmp_path, bands.replace('label = "hög"', 'label = "hög"\nat_most = 9.0'))
    with pytest.raises(DefinitionError, match="sista riskgruppen"):
        load_all(directory=tmp_path)


def test_shipped_directory_copy_with_an_edit_changes_the_checksum(tmp_path):
    for path in loader.SQL_DIR.glob("hfrs.*"):
        shutil.copy(path, tmp_path / path.name)
    (before,) = load_all(directory=tmp_path)
    sql = tmp_path / "hfrs.sql"
    sql.write_text(sql.read_text() + "\n-- local note\n")
    (after,) = load_all(directory=tmp_path)
    assert before.version == after.version and before.sha256 != after.sha256
