"""The Clinical Frailty Scale's levels: the one place their short labels come from.

The labels are read from nara/plans/reference/cfs_levels.csv (level, label_en, label_sv, label_sv_status). Only the
short labels are shown; the scale's full descriptive text needs a permission-for-use agreement with Dalhousie
University and is deliberately not reproduced here. The label follows the active language: label_en in English,
label_sv otherwise (Swedish is the interface language).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

CSV_PATH = Path(__file__).parent / "reference" / "cfs_levels.csv"
MIN_SCORE, MAX_SCORE = 1, 9


@dataclass(frozen=True)
class Level:
    score: int
    label_sv: str
    label_en: str
    label_sv_verified: bool

    @property
    def label(self) -> str:
        """The label in the active language."""
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv

    def __str__(self) -> str:
        return f"{self.score} – {self.label}"


@cache
def levels() -> dict[int, Level]:
    """All levels 1–9 by score (read once)."""
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        rows = {
            int(row["level"]): Level(
                int(row["level"]),
                row["label_sv"].strip(),
                row["label_en"].strip(),
                row.get("label_sv_status", "").strip() == "verified",
            )
            for row in csv.DictReader(fh)
        }
    expected = set(range(MIN_SCORE, MAX_SCORE + 1))
    if set(rows) != expected:
        raise ValueError(f"{CSV_PATH} must hold exactly the CFS levels 1–9")
    return rows


def level(score: int) -> Level:
    return levels()[int(score)]


def label(score: int | None) -> str:
    """The short label of a score in the active language; empty for None."""
    return "" if score is None else level(score).label


def choices() -> list[tuple[int, str]]:
    """(score, "5 – Lätt skör") for form fields, in the active language at the time of the call."""
    return [(lv.score, str(lv)) for lv in levels().values()]
