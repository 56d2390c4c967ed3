"""The rejected-rows report (a CSV file: rad;falt;orsak;varde) and the short list shown in messages."""

from __future__ import annotations

from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from nara.core import csv_safe
from nara.identify.lake import sql_literal

SHOWN = 20


def write(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Every error, in file order. `errors.varde` never holds a personnummer (see validate.Checks.run). The
    text columns go through csv_safe: `varde` is what the file held, and the report is opened in a spreadsheet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"""
        COPY (SELECT _rad AS rad, {csv_safe.sql("falt")} AS falt, {csv_safe.sql("orsak")} AS orsak,
                     {csv_safe.sql("varde")} AS varde FROM errors)  -- already in file order
        TO {sql_literal(str(path))} (FORMAT csv, DELIMITER ';', HEADER true)
    """)


def lines(con: duckdb.DuckDBPyConnection, limit: int = SHOWN) -> list[str]:
    """The first errors as sentences: 'Rad 5, vardtyp: Okänd vårdtyp … (värde: ”x”)'."""
    out = []
    for rad, field, reason, value in con.execute(f"SELECT * FROM errors LIMIT {limit}").fetchall():
        where = _("Rad %(rad)s, %(field)s") % {"rad": rad, "field": field} if field else _("Rad %(rad)s") % {"rad": rad}
        text = f"{where}: {reason}"
        if value is not None:
            text += " " + _("(värde: ”%(value)s”)") % {"value": value}
        out.append(text)
    return out
