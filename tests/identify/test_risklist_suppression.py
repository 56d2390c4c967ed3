"""Small-cell suppression: primary (1–4 hidden) and secondary (no single hidden cell per column)."""

from hypothesis import given
from hypothesis import strategies as st

from nara.identify.suppression import suppress_column, suppress_table


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
