"""Small-cell suppression (nara/core/suppression.py): primary (1–4 hidden), secondary (no single hidden cell per
column), measures hidden with their counts, and the {% cell %} tag that is the only way to render a figure."""

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from nara.core import suppression
from nara.core.suppression import suppress_column, suppress_table


def test_small_cells_hidden_zero_shown():
    shown, total = suppress_column({"a": 3, "b": 0, "c": 40, "d": 12}, 5)
    assert shown["a"] is None
    assert shown["b"] is None  # the smallest other cell hides with it, so 3 cannot be computed from the total
    assert shown["c"] == 40 and shown["d"] == 12 and total == 55


def test_two_hidden_cells_need_no_more():
    shown, total = suppress_column({"a": 3, "b": 2, "c": 40}, 5)
    assert shown == {"a": None, "b": None, "c": 40} and total == 45


def test_small_total_hidden():
    shown, total = suppress_column({"a": 3, "b": 0}, 5)
    assert total is None and shown["a"] is None


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 30), min_size=1, max_size=8))
def test_no_single_small_cell_can_be_computed_back(cells):
    shown, total = suppress_column(cells, 5)
    hidden = [k for k, v in shown.items() if v is None]
    assert all(shown[k] is None for k, n in cells.items() if 0 < n < 5)
    if total is not None and hidden:
        assert len(hidden) >= 2 or len(cells) == 1 and total == 0


def test_table_per_column():
    cells, totals = suppress_table(["u1", "u2", "u3"], ["x", "y"], {("u1", "x"): 2, ("u2", "x"): 50,
                                                                     ("u3", "x"): 9, ("u1", "y"): 7}, 5)
    assert cells[("u1", "x")] is None and cells[("u3", "x")] is None and cells[("u2", "x")] == 50
    assert cells[("u1", "y")] == 7 and cells[("u2", "y")] == 0 and totals == {"x": 61, "y": 7}


# --- Cells, records and the {% cell %} tag (what every aggregate view and export uses) -----------------------


def test_the_limit_is_configurable(settings):
    assert suppression.count(4).hidden
    settings.NARA_SMALL_CELL_LIMIT = 3
    assert suppression.count(4).value == 4 and suppression.count(2).text == "<3"
    assert suppression.count(0).value == 0


def test_a_cell_cannot_be_printed_past_the_rule():
    with pytest.raises(TypeError):
        str(suppression.Cell(7, 5))
    with pytest.raises(TypeError):
        f"{suppression.Cell(None, 5)}"  # noqa: B018
    assert suppression.Cell(None, 5).text == "<5"
    assert suppression.Cell(None, 5, measure=True).text == "dolt"


def test_the_tag_marks_each_figure_and_refuses_raw_numbers():
    template = Template("{% load suppression %}{% cell a %}|{% cell b %}|{% cell c %}")
    html = template.render(Context({"a": suppression.Cell(7, 5), "b": suppression.Cell(None, 5),
                                    "c": suppression.Cell(None, 5, measure=True)}))
    assert html == ('<span data-count="7">7</span>|<span data-count="hidden">&lt;5</span>|'
                    '<span data-measure="hidden">dolt</span>')
    with pytest.raises(TypeError):
        Template("{% load suppression %}{% cell n %}").render(Context({"n": 1}))
    with pytest.raises(TypeError):
        Template("{{ n }}").render(Context({"n": suppression.Cell(40, 5)}))


def test_records_hide_the_days_of_a_hidden_count():
    rows = [{"cases": 6, "days": 40}, {"cases": 1, "days": 9}, {"cases": 7, "days": 50}]
    cells, totals = suppression.records(rows, ["cases"], {"days": "cases"}, limit=5)
    assert [c["cases"].value for c in cells] == [None, None, 7]  # 1 is hidden, and 6 with it (complementary)
    assert [c["days"].value for c in cells] == [None, None, 50]
    assert all(c["days"].measure for c in cells)
    assert totals["cases"].value == 14 and totals["days"].value == 99  # the two hidden rows count 7 together


def test_a_measure_total_is_hidden_when_the_hidden_rows_count_fewer_than_the_limit():
    rows = [{"cases": 0, "days": 0}, {"cases": 2, "days": 9}, {"cases": 30, "days": 200}]
    cells, totals = suppression.records(rows, ["cases"], {"days": "cases"}, limit=5)
    # 2 is hidden with the 0 (the smallest other): total − shown days would give the 2 cases' 9 days back.
    assert [c["cases"].hidden for c in cells] == [True, True, False]
    assert totals["cases"].value == 32 and totals["days"].hidden


def test_records_without_totals_apply_only_the_primary_rule():
    rows = [{"cases": 6, "days": 40}, {"cases": 1, "days": 9}]
    cells, totals = suppression.records(rows, ["cases"], {"days": "cases"}, totals=False, limit=5)
    assert totals is None
    assert [(c["cases"].value, c["days"].value) for c in cells] == [(6, 40), (None, None)]


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 90)), min_size=1, max_size=6))
def test_records_never_give_a_small_count_back(data):
    rows = [{"a": a, "b": b, "days": d * (b > 0)} for a, b, d in data]
    cells, totals = suppression.records(rows, ["a", "b"], {"days": "b"}, limit=5)
    for name in ("a", "b"):
        shown = [c[name] for c in cells]
        assert all(c.hidden for c, row in zip(shown, rows, strict=True) if 0 < row[name] < 5)
        hidden = [i for i, c in enumerate(shown) if c.hidden]
        if not totals[name].hidden and hidden:
            assert len(hidden) >= 2  # the total minus the shown cells is the sum of two or more hidden cells
    hidden_b = sum(rows[i]["b"] for i, c in enumerate(cells) if c["b"].hidden)
    if not totals["days"].hidden and 0 < hidden_b:
        assert hidden_b >= 5
