"""The path converters match only values a view can use (nara/core/converters.py)."""
import datetime as dt

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import example, given
from hypothesis import strategies as st

from nara.core.converters import FIRST_DAY, LAST_DAY, MAX_ID, IdConverter, MonthConverter, parse_id


@given(st.integers(min_value=-(10**25), max_value=10**25))
@example(0)
@example(MAX_ID)
@example(MAX_ID + 1)
def test_parse_id_accepts_exactly_the_ids_a_bigint_holds(number):
    expected = number if 1 <= number <= MAX_ID else None
    assert parse_id(str(number)) == expected
    assert parse_id(number) == expected


@given(st.text(max_size=25))
@example(" 12 ")
@example("１２")  # full-width digits are not an id
@example("1e3")
def test_parse_id_of_any_text_is_an_id_or_none(text):
    found = parse_id(text)
    assert found is None or (1 <= found <= MAX_ID and str(found) == text.strip().lstrip("0"))


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_id_converter_round_trips(number):
    converter = IdConverter()
    assert converter.to_python(converter.to_url(number)) == number


@pytest.mark.parametrize("text", ["0", str(MAX_ID + 1), "9" * 19])
def test_id_converter_refuses_what_no_row_can_have(text):
    with pytest.raises(ValueError):
        IdConverter().to_python(text)


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
@example(FIRST_DAY)
@example(LAST_DAY)
@example(dt.date(9999, 12, 1))
@example(dt.date(1, 1, 1))
def test_month_converter_takes_the_months_of_naras_dates(day):
    converter = MonthConverter()
    text = f"{day.year:04d}-{day.month:02d}"
    if FIRST_DAY <= day.replace(day=1) <= LAST_DAY:
        assert converter.to_python(text) == day.replace(day=1)
        assert converter.to_url(converter.to_python(text)) == text
    else:
        with pytest.raises(ValueError):
            converter.to_python(text)


@pytest.mark.parametrize("text", ["0000-00", "2026-00", "2026-13", "2026-99"])
def test_month_converter_refuses_months_that_do_not_exist(text):
    with pytest.raises(ValueError):
        MonthConverter().to_python(text)


def test_urls_use_the_converters():
    assert resolve("/overgangar/betalningsansvar/7/2025-10/").kwargs == {"municipality_id": 7,
                                                                         "month": dt.date(2025, 10, 1)}
    assert reverse("transitions:statement", args=[7, dt.date(2025, 10, 1)]) == "/overgangar/betalningsansvar/7/2025-10/"
    for path in ("/overgangar/betalningsansvar/7/9999-12/", "/overgangar/betalningsansvar/7/2026-13/",
                 f"/overgangar/betalningsansvar/{MAX_ID + 1}/2025-10/", "/overgangar/betalningsansvar/0/"):
        with pytest.raises(Resolver404):
            resolve(path)
    with pytest.raises(NoReverseMatch):
        reverse("transitions:statement", args=[10**20, "2025-10"])
