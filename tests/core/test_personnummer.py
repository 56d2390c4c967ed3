"""Property and example tests for the personnummer parser."""
import datetime as dt
import re

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from nara.core.personnummer import (
    PNR_IN_TEXT,
    PersonnummerError,
    looks_like_personnummer,
    luhn_check_digit,
    make,
    parse,
    redact,
)

TODAY = dt.date(2026, 11, 22)
CANONICAL = re.compile(r"[0-9]{8}-[0-9]{4}", re.ASCII)
SWEDISH = re.compile(r"[a-zåäö]", re.IGNORECASE)

births = st.dates(min_value=dt.date(1890, 1, 1), max_value=TODAY)
serials = st.integers(min_value=1, max_value=999)  # the födelsenummer is 001–999, never 000


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def is_centenarian(birth: dt.date, on: dt.date = TODAY) -> bool:
    return birth <= years_before(on, 100)


def forms(canonical: str, birth: dt.date) -> list[str]:
    """Every accepted spelling of one number for a person born on `birth`, as of TODAY."""
    date12, tail = canonical[:8], canonical[9:]
    short = date12[2:]
    spelled = [canonical, date12 + tail]
    if is_centenarian(birth):
        spelled.append(f"{short}+{tail}")
    else:
        spelled += [f"{short}-{tail}", short + tail]
    return spelled


def assert_clean_error(error: PersonnummerError, text: str) -> None:
    message = str(error)
    assert SWEDISH.search(message)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        assert digits not in message.replace("-", "")
    assert not re.search(r"\d{4}", message), message  # never echoes any part of a number


# --- properties ---------------------------------------------------------------------------------------------


@given(births, serials)
@example(dt.date(1926, 11, 22), 980)  # exactly 100 today: the plus form
@example(dt.date(1926, 11, 23), 981)  # 99 until tomorrow: the minus form
@example(dt.date(2000, 2, 29), 5)
@example(TODAY, 999)
def test_make_round_trips_in_every_accepted_form(birth, serial):
    canonical = make(birth, serial)
    for text in forms(canonical, birth):
        parsed = parse(text, today=TODAY)
        assert parsed.canonical == canonical
        assert parsed.birth_date == birth
        assert parsed.sex == ("F" if serial % 2 == 0 else "M")
        assert not parsed.is_coordination_number
        assert CANONICAL.fullmatch(str(parsed))
        assert parse(parsed.canonical, today=TODAY) == parsed


@given(births, serials)
def test_spaces_around_and_inside_are_ignored(birth, serial):
    canonical = make(birth, serial)
    assert parse(f"  {canonical[:8]} {canonical[8:]} ", today=TODAY).canonical == canonical


@given(births, serials)
def test_coordination_numbers_are_recognised(birth, serial):
    canonical = make(birth, serial, coordination=True)
    assert int(canonical[6:8]) == birth.day + 60
    for text in forms(canonical, birth):
        parsed = parse(text, today=TODAY)
        assert parsed.is_coordination_number
        assert parsed.birth_date == birth
        assert parsed.canonical == canonical


@given(births, serials, st.data())
def test_a_single_changed_digit_is_caught_or_changes_the_meaning(birth, serial, data):
    canonical = make(birth, serial)
    original = parse(canonical, today=TODAY)
    digits_at = [i for i, ch in enumerate(canonical) if ch.isdigit()]
    position = data.draw(st.sampled_from(digits_at))
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != canonical[position]]))
    changed = canonical[:position] + new_digit + canonical[position + 1:]
    try:
        parsed = parse(changed, today=TODAY)
    except PersonnummerError:
        return
    # The Luhn digit covers the last ten digits, so only the century can change without being caught.
    assert position < 2
    assert parsed.birth_date != original.birth_date and parsed.canonical != original.canonical


@given(births, serials, st.integers(min_value=0, max_value=9))
def test_short_form_with_a_changed_digit_is_always_invalid(birth, serial, position):
    canonical = make(birth, serial)
    short = canonical[2:8] + canonical[9:]
    digit = str((int(short[position]) + 1 + (position % 9)) % 10)
    assume(digit != short[position])
    with pytest.raises(PersonnummerError) as caught:
        parse(short[:position] + digit + short[position + 1:], today=TODAY)
    assert_clean_error(caught.value, short)


@given(st.text(max_size=30))
@example("19380314-9800\n")
@example("١٩٣٨٠٣١٤-٩٨٠٠")  # Arabic-Indic digits (a valid number otherwise) are not a personnummer
@example("１９３８０３１４９８００")  # nor are full-width digits
@example("00000000-0000")
@example("0000-0000")
def test_any_text_either_parses_to_a_canonical_number_or_raises_a_swedish_error(text):
    try:
        parsed = parse(text, today=TODAY)
    except PersonnummerError as error:
        assert_clean_error(error, text)
    else:
        assert CANONICAL.fullmatch(parsed.canonical)
        assert parsed.birth_date <= TODAY


@given(st.from_regex(r"\A[0-9]{2}?[0-9]{6}[-+]?[0-9]{4}\Z"))
def test_any_digit_string_of_the_right_shape_never_crashes(text):
    try:
        parsed = parse(text, today=TODAY)
    except PersonnummerError as error:
        assert_clean_error(error, text)
    else:
        assert CANONICAL.fullmatch(parsed.canonical)
        assert luhn_check_digit(parsed.canonical[2:8] + parsed.canonical[9:12]) == int(parsed.canonical[-1])


@given(births, st.booleans())
@example(dt.date(1962, 3, 9), False)  # 19620309-0003: the Luhn digit is right, the serial is not
@example(dt.date(1962, 3, 9), True)
def test_serial_000_is_rejected_in_every_form(birth, coordination):
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}000"
    canonical = f"{birth.year:04d}{birth.month:02d}{day:02d}-000{luhn_check_digit(nine)}"
    for text in forms(canonical, birth):
        with pytest.raises(PersonnummerError, match="Födelsenumret") as caught:
            parse(text, today=TODAY)
        assert_clean_error(caught.value, text)


@given(births, st.integers(min_value=-5, max_value=0) | st.integers(min_value=1000, max_value=1005), st.booleans())
def test_make_refuses_a_serial_outside_001_999(birth, serial, coordination):
    with pytest.raises(ValueError):
        make(birth, serial, coordination)


@given(births, serials)
def test_redact_hides_every_accepted_form(birth, serial):
    canonical = make(birth, serial)
    for text in forms(canonical, birth):
        assert looks_like_personnummer(text)
        redacted = redact(f"Sökte på {text} i rutan")
        assert text not in redacted and "[personnummer]" in redacted


@given(births, serials, st.booleans(), st.data())
@example(dt.date(1951, 10, 31), 123, False, None)
def test_redact_hides_every_spelling_parse_accepts_spaces_included(birth, serial, coordination, data):
    """parse() drops every space, so '19511031 1239' and '1951 10 31 - 1239' are personnummer too."""
    canonical = make(birth, serial, coordination)
    if data is None:  # the example: spaces between the groups
        text = f"{canonical[:4]} {canonical[4:6]} {canonical[6:8]} - {canonical[9:]}"
    else:
        chars = list(data.draw(st.sampled_from(forms(canonical, birth))))
        for position in sorted(data.draw(st.lists(st.integers(1, len(chars) - 1), max_size=5)), reverse=True):
            chars.insert(position, " " * data.draw(st.integers(1, 2)))
        text = "".join(chars)
    assert parse(text, today=TODAY).canonical == canonical
    redacted = redact(f"Sökte på {text} i rutan")
    assert "[personnummer]" in redacted and not re.search(r"\d", redacted), redacted
    assert PNR_IN_TEXT.search(f"anhörig: {text}.")


@pytest.mark.parametrize("text", [
    "1 480 177 rader", "2026-03-01 14:05", "2026-03-01T14:05:00.123456", "tel 08-123 45 67", "K-1001",
    "123456789", "1234567890123", "19511031-12390", "I50.9|E11.9",
])
def test_pnr_in_text_does_not_flag_ordinary_numbers(text):
    assert not PNR_IN_TEXT.search(text)


# --- examples -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("", "Ange ett personnummer"),
    ("   ", "Ange ett personnummer"),
    ("19381314-9806", "Månaden"),
    ("19380014-9806", "Månaden"),
    ("19380230-9800", "finns inte"),
    ("20270101-9800", "framtiden"),
    ("19380314-9801", "Kontrollsiffran"),
    ("1938-03-14-9802", "fel format"),
    ("19380314-980", "fel format"),
    ("abc", "fel format"),
    ("19380314+9800", "Plustecken"),
    ("380291-9802", "samordningsnumret"),
    ("196203090003", "Födelsenumret"),
    ("620369-0000", "Födelsenumret"),
])
def test_specific_errors(text, message):
    with pytest.raises(PersonnummerError, match=message) as caught:
        parse(text, today=TODAY)
    assert_clean_error(caught.value, text)


def test_a_known_number():
    parsed = parse("19380314-9800", today=TODAY)
    assert parsed.birth_date == dt.date(1938, 3, 14)
    assert parsed.sex == "F"
    assert parsed.masked == "19380314-****"
    assert make(dt.date(1938, 3, 14), 980) == "19380314-9800"


def test_two_digit_year_picks_the_latest_past_century():
    assert parse("261122-9804", today=TODAY).birth_date == dt.date(2026, 11, 22)  # born today
    assert parse(make(dt.date(1926, 11, 23), 980)[2:], today=TODAY).birth_date == dt.date(1926, 11, 23)
    assert parse("261122+9804", today=TODAY).birth_date == dt.date(1926, 11, 22)  # 100 today
    assert parse("101010+9815", today=TODAY).birth_date == dt.date(1910, 10, 10)
    assert parse("101010-9815", today=TODAY).birth_date == dt.date(2010, 10, 10)


def test_leap_days():
    assert parse(make(dt.date(2000, 2, 29), 980), today=TODAY).birth_date == dt.date(2000, 2, 29)
    with pytest.raises(PersonnummerError, match="finns inte"):
        parse("19000229-9806", today=TODAY)  # 1900 was not a leap year


@settings(max_examples=50)
@given(births, serials)
def test_luhn_digit_makes_the_weighted_sum_divisible_by_ten(birth, serial):
    ten = make(birth, serial)[2:8] + make(birth, serial)[9:]
    total = 0
    for i, ch in enumerate(ten):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    assert total % 10 == 0
