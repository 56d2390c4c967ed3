"""The SQL twins in nara.identify.importing.rules equal the Python rules they stand in for."""

import datetime as dt
import hashlib
import hmac
import re
import string

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nara.core.personnummer import PNR_IN_TEXT, PNR_SHAPE, PersonnummerError, luhn_check_digit, parse
from nara.identify.icd10 import ICD10Error, normalise
from nara.identify.importing import rules
from nara.identify.pseudonym import pseudonym

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def sql_personnummer(con, values: list[str]) -> dict[str, str]:
    con.execute("CREATE OR REPLACE TABLE v AS SELECT unnest(?::VARCHAR[]) AS raw", [values])
    rules.personnummer_table(con, "pnr", "SELECT DISTINCT raw FROM v", TODAY)
    return dict(con.execute("SELECT raw, result FROM pnr").fetchall())


def python_personnummer(value: str) -> str:
    try:
        return parse(value, today=TODAY).canonical
    except PersonnummerError as error:
        return "!" + str(error)


def fast_only(con, value: str) -> str | None:
    """The SQL twin alone (no fallback to parse): the canonical form, or None."""
    con.execute("CREATE OR REPLACE TABLE v AS SELECT ?::VARCHAR AS raw", [value])
    found = con.execute(rules._pnr_fast("SELECT raw FROM v", TODAY)).fetchall()
    return found[0][1] if found else None


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
births = st.dates(min_value=dt.date(1880, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def numbers(draw):
    """Valid and nearly valid numbers in every accepted spelling."""
    birth = draw(births)
    day = birth.day + (60 if draw(st.booleans()) else 0)
    serial = draw(st.integers(0, 999) | st.just(0))  # 000 is never valid: drawn often, to prove the twin knows
    nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}"
    check = luhn_check_digit(nine) if draw(st.integers(0, 4)) else draw(st.integers(0, 9))
    month = f"{birth.month:02d}" if draw(st.integers(0, 6)) else draw(st.sampled_from(["00", "13", "19"]))
    body = f"{birth.year % 100:02d}{month}{day:02d}"
    century = f"{birth.year // 100:02d}" if draw(st.booleans()) else ""
    sep = draw(st.sampled_from(["", "-", "+"]))
    return f"{century}{body}{sep}{serial:03d}{check}"


@given(st.lists(numbers() | st.text(alphabet="0123456789-+ ", max_size=14), min_size=1, max_size=30))
@settings(max_examples=300)
@example(["19400517-1238", "400517+1238", "000101-0008", "00000101-0008", "19400270-1110", "20261231-0000"])
def test_personnummer_sql_equals_parse(con, values):
    found = sql_personnummer(con, values)
    for value in values:
        assert found[value] == python_personnummer(value), value


@given(numbers())
@settings(max_examples=500)
@example("196203090003")  # serial 000 with a right Luhn digit: no personnummer
@example("620369-0000")
def test_personnummer_twin_alone_accepts_exactly_what_parse_accepts(con, value):
    expected = python_personnummer(value)
    assert fast_only(con, value) == (None if expected.startswith("!") else expected)


codes = st.builds(
    lambda letter, dd, rest, dot, junk: letter + dd + dot + rest + junk,
    st.sampled_from(list("AIJSZaijz")), st.text(alphabet=string.digits, min_size=0, max_size=3),
    st.text(alphabet=string.ascii_letters + string.digits, max_size=5), st.sampled_from(["", ".", " ", "*"]),
    st.sampled_from(["", "†", "*", " ", "\t", "+", "é", "-"]),
)


def python_icd(code: str) -> str:
    try:
        return normalise(code)
    except ICD10Error:
        return "!"


@given(st.lists(codes | st.text(max_size=8), min_size=1, max_size=20))
@settings(max_examples=300)
@example(["I50.9", "i509", " I50.9 ", "I50.9†", "50.9", "I50\n.", "ı50", ""])
def test_icd10_sql_equals_normalise(con, values):
    con.execute("CREATE OR REPLACE TABLE v AS SELECT unnest(?::VARCHAR[]) AS raw", [values])
    rules.icd10_table(con, "icd", "SELECT DISTINCT raw FROM v")
    found = dict(con.execute("SELECT raw, value FROM icd").fetchall())
    assert [found[v] for v in values] == [python_icd(v) for v in values]


@given(st.lists(codes | st.text(max_size=8), min_size=1, max_size=20))
@settings(max_examples=200)
@example(["I50.9", "i509", " I50.9 ", "50.9", "I50 .9*"])
def test_icd10_fast_sql_is_normalise_or_leaves_it_to_normalise(con, values):
    found = con.execute(f"SELECT {rules.icd10_fast_sql('x')} FROM (SELECT unnest(?::VARCHAR[]) AS x)",
                        [values]).fetchall()
    for value, (fast,) in zip(values, found, strict=True):
        assert fast is None or fast == python_icd(value), value


@given(st.lists(codes, max_size=5), st.sampled_from(["|", ",", ";", " | ", ", "]))
@settings(max_examples=200)
def test_secondary_diagnoses_list_equals_normalise_per_element(con, items, separator):
    field = separator.join(items)
    con.execute("CREATE OR REPLACE TABLE v AS SELECT ?::VARCHAR AS raw", [field])
    rules.icd10_list_table(con, "icd_lists", "SELECT raw FROM v")
    found = con.execute("SELECT value FROM icd_lists").fetchone()[0]
    raw = con.execute(f"SELECT {rules.secondary_raw_sql('x')} FROM (SELECT ?::VARCHAR AS x)", [field]).fetchone()[0]
    assert found == [python_icd(e) for e in raw]


@given(st.lists(st.text(max_size=20), min_size=1, max_size=10), st.text(min_size=1, max_size=100))
@settings(max_examples=200)
def test_pseudonym_sql_equals_hmac(con, values, key):
    found = con.execute(f"SELECT {rules.pseudonym_sql('x', key)} FROM (SELECT unnest(?::VARCHAR[]) AS x)",
                        [values]).fetchall()
    assert [r[0] for r in found] == [pseudonym(v, key) for v in values]
    assert found[0][0] == hmac.new(key.encode(), values[0].encode(), hashlib.sha256).hexdigest()[:32]


# A personnummer inside other text: the shape from nara.core.personnummer, with the boundaries RE2 needs written
# out. Text from digits (ASCII and two other scripts), the separators, spaces, letters and a newline.
pnr_text = st.text(alphabet="0123456789 -+aZ|,.\n٣１", max_size=30)
# The HSA-id rule's Python twin: a digit run counts only when neither a letter nor a digit comes right before.
PNR_IN_HSA_ID = re.compile(rf"(?<![\dA-Za-z]){PNR_SHAPE}(?!\d)")


@st.composite
def spelled_in_text(draw):
    """A valid or nearly valid number (numbers()), with spaces put anywhere inside, between other text."""
    chars = list(draw(numbers()))
    for position in sorted(draw(st.lists(st.integers(1, len(chars) - 1), max_size=4)), reverse=True):
        chars.insert(position, " ")
    return draw(pnr_text) + "".join(chars) + draw(pnr_text)


@given(st.lists(pnr_text | spelled_in_text(), min_size=1, max_size=20))
@settings(max_examples=300)
@example(["läkare, anhörig 19511031-1239", "SE2321000131-E000000000201", "x\n5110311239\n", "1951 10 31 - 1239",
          "19511031-12390", "K-1001", "١٩٥١١٠٣١١٢٣٩"])
def test_personnummer_in_text_sql_equals_pnr_in_text(con, values):
    found = con.execute(f"SELECT {rules.pnr_in_text_sql('x')}, {rules.pnr_in_hsa_id_sql('x')} "
                        "FROM unnest(?::VARCHAR[]) WITH ORDINALITY t(x, i) ORDER BY i", [values]).fetchall()
    assert [r[0] for r in found] == [bool(PNR_IN_TEXT.search(v)) for v in values]
    assert [r[1] for r in found] == [bool(PNR_IN_HSA_ID.search(v)) for v in values]


@given(numbers(), st.lists(st.integers(1, 11), max_size=4))
def test_every_spelling_parse_accepts_is_found_in_text(con, value, spaces):
    for position in sorted({min(p, len(value) - 1) for p in spaces}, reverse=True):
        value = value[:position] + " " + value[position:]
    if python_personnummer(value).startswith("!"):
        return
    text = f"anhörig {value}, ring"
    assert con.execute(f"SELECT {rules.pnr_in_text_sql('?')}", [text]).fetchone()[0]
