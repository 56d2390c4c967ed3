"""Small-cell suppression for aggregate tables (DESIGN.md §4: cells below the limit are never shown).

Primary suppression: every count from 1 to limit − 1 is hidden ("<5"); 0 is shown (it is the absence of
persons, and hiding it would hide that a criterion flags nobody at a unit).

Secondary suppression: a table's column total is the sum of its cells (each person is listed at one unit and
lives in one municipality), so one hidden cell in a column could be computed back as total − shown cells. When a
column has exactly one hidden cell, the smallest shown cell of that column (zeros included) is hidden too; two
or more hidden cells only reveal their sum, never a single small count. A column total below the limit is
itself hidden (then every cell in the column is below the limit and hidden as well).
"""

from __future__ import annotations

from collections.abc import Hashable


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
