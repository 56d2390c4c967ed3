"""Small-cell suppression for every aggregate in Nära (DESIGN.md §4: cells below the limit are never shown).

The one place the rule lives. Every app's aggregate views and exports (identify counts, the transitions overview,
the statement summary, …) build their figures here as `Cell`s, and templates render a Cell only with the
`{% cell %}` tag (nara/core/templatetags/suppression.py), which marks it data-count or data-measure. `str()` of a
Cell raises, so a figure cannot be printed past the rule by mistake; exports write `Cell.text`.

The limit is NARA_SMALL_CELL_LIMIT (default 5).

Primary suppression: every count from 1 to limit − 1 is hidden ("<5"); 0 is shown (it is the absence of
persons, and hiding it would hide that a criterion flags nobody at a unit).

Secondary suppression: a table's column total is the sum of its cells (each person is listed at one unit and
lives in one municipality), so one hidden cell in a column could be computed back as total − shown cells. When a
column has exactly one hidden cell, the smallest shown cell of that column (zeros included) is hidden too; two
or more hidden cells only reveal their sum, never a single small count. A column total below the limit is
itself hidden (then every cell in the column is below the limit and hidden as well).

Measures: days and amounts summed over the persons or cases of a row (ready days, payment days, cost) would
reveal what a hidden count hides, so a measure is hidden with its row's count, and a measure's total is hidden
when its count's total is, or when the hidden rows together count fewer than the limit (the total minus the
shown rows would give their days back).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _


def small_cell_limit() -> int:
    return settings.NARA_SMALL_CELL_LIMIT


def suppress_column(cells: dict[Hashable, int], limit: int) -> tuple[dict[Hashable, int | None], int | None]:
    """Suppress one additive column: returns (cell → count or None when hidden, total or None when hidden)."""
    total = sum(cells.values())
    shown: dict[Hashable, int | None] = {
        key: (None if 0 < n < limit else n) for key, n in cells.items()
    }
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        candidates = sorted((n, str(k), k) for k, n in shown.items() if n is not None)
        if candidates:
            shown[candidates[0][2]] = None
    return shown, (None if 0 < total < limit else total)


def suppress_table(
    rows: list[Hashable], columns: list[Hashable], counts: dict[tuple, int], limit: int
) -> tuple[dict[tuple, int | None], dict[Hashable, int | None]]:
    """Apply `suppress_column` to every column of a rows × columns table of additive counts.

    Returns (cell (row, column) → count or None, column → total or None). Missing cells count as 0.
    """
    cells: dict[tuple, int | None] = {}
    totals: dict[Hashable, int | None] = {}
    for col in columns:
        shown, total = suppress_column({row: counts.get((row, col), 0) for row in rows}, limit)
        totals[col] = total
        for row, value in shown.items():
            cells[(row, col)] = value
    return cells, totals


@dataclass(frozen=True)
class Cell:
    """One figure of an aggregate as it may be shown: `value` is None when suppressed.

    A count (persons, cases) hides as "<limit"; a measure (days, an amount) hides as "dolt".
    """

    value: int | Decimal | None
    limit: int
    measure: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        """What the page or the export shows (numbers the Swedish way, like the rest of the page)."""
        if self.value is not None:
            return str(formats.localize(self.value))
        return _("dolt") if self.measure else f"<{self.limit}"

    def __str__(self) -> str:
        raise TypeError("A suppressed figure is rendered with {% cell %} or exported with Cell.text.")


def count(n: int, limit: int | None = None) -> Cell:
    """A count shown on its own (no total beside it): only the primary rule applies."""
    limit = small_cell_limit() if limit is None else limit
    return Cell(None if 0 < n < limit else n, limit)


def counts_table(
    rows: list[Hashable], columns: list[Hashable], counts: dict[tuple, int], limit: int | None = None
) -> tuple[dict[tuple, Cell], dict[Hashable, Cell]]:
    """`suppress_table` as Cells: (cell (row, column) → Cell, column → total Cell)."""
    limit = small_cell_limit() if limit is None else limit
    cells, totals = suppress_table(rows, columns, counts, limit)
    return (
        {key: Cell(value, limit) for key, value in cells.items()},
        {key: Cell(value, limit) for key, value in totals.items()},
    )


def records(
    rows: Sequence[Mapping[str, int | Decimal]],
    counts: Sequence[str],
    measures: Mapping[str, str] | None = None,
    *,
    totals: bool = True,
    limit: int | None = None,
) -> tuple[list[dict[str, Cell]], dict[str, Cell] | None]:
    """A table whose rows are records (a municipality, a month) with count fields and measure fields.

    `counts` names the fields that count persons or cases; `measures` maps each measure field to the count field
    it sums over. With `totals` the table shows a totals row (returned; secondary suppression applies); without,
    only the primary rule applies and None is returned for the totals.
    """
    limit = small_cell_limit() if limit is None else limit
    measures = measures or {}
    out: list[dict[str, Cell]] = [{} for _row in rows]
    total_cells: dict[str, Cell] = {}
    hidden_rows: dict[str, list[int]] = {}
    for name in counts:
        column = {i: int(row[name]) for i, row in enumerate(rows)}
        if totals:
            shown, total = suppress_column(column, limit)
            total_cells[name] = Cell(total, limit)
        else:
            shown = {i: (None if 0 < n < limit else n) for i, n in column.items()}
        for i, value in shown.items():
            out[i][name] = Cell(value, limit)
        hidden_rows[name] = [i for i, value in shown.items() if value is None]
    for name, by in measures.items():
        hidden = set(hidden_rows[by])
        for i, row in enumerate(rows):
            out[i][name] = Cell(None if i in hidden else row[name], limit, measure=True)
        if totals:
            hidden_count = sum(int(rows[i][by]) for i in hidden)
            reveals = total_cells[by].hidden or 0 < hidden_count < limit
            total = sum((row[name] for row in rows), 0)
            total_cells[name] = Cell(None if reveals else total, limit, measure=True)
    return out, (total_cells if totals else None)
