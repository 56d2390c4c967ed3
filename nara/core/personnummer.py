"""Swedish personnummer and samordningsnummer: parse, validate and normalise.

Accepted forms: YYYYMMDD-NNNC, YYYYMMDDNNNC, YYMMDD-NNNC, YYMMDDNNNC and YYMMDD+NNNC (the plus marks a person aged
100 or more). A samordningsnummer has 60 added to the day. The last digit is a Luhn check digit over the nine
digits YYMMDDNNN. The födelsenummer NNN is 001–999 (Skatteverket never gives 000), for samordningsnummer too. The
canonical form stored everywhere is YYYYMMDD-NNNC. This module is the one rule: every other check of a
personnummer (the import's SQL twin in nara.identify.importing.rules) is proven equal to parse().
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# ASCII digits only: `\d` alone would also accept e.g. Arabic-Indic or full-width digits and store them as-is.
_PATTERN = re.compile(
    r"^(?P<century>\d{2})?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})(?P<sep>[-+]?)(?P<serial>\d{3})(?P<check>\d)$",
    re.ASCII,
)


class PersonnummerError(ValueError):
    """Invalid input; the message is in the user's language and never repeats the number itself."""


@dataclass(frozen=True)
class Personnummer:
    canonical: str  # YYYYMMDD-NNNC
    birth_date: dt.date
    sex: str  # "F" or "M", from the second-to-last digit (even = female)
    is_coordination_number: bool

    def __str__(self) -> str:
        return self.canonical

    @property
    def masked(self) -> str:
        """Birth date and hidden last four, for places where the full number is not needed."""
        return self.canonical[:9] + "****"


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def parse(value: str, today: dt.date | None = None) -> Personnummer:
    """Parse a personnummer or samordningsnummer; raise PersonnummerError with a Swedish message when invalid."""
    today = today or timezone.localdate()
    text = (value or "").strip().replace(" ", "")
    if not text:
        raise PersonnummerError(_("Ange ett personnummer."))
    match = _PATTERN.match(text)
    if not match:
        raise PersonnummerError(
            _("Personnumret har fel format. Skriv det som ÅÅÅÅMMDD-NNNN (12 siffror) eller ÅÅMMDD-NNNN.")
        )
    g = match.groupdict()
    if g["century"] and g["sep"] == "+":
        raise PersonnummerError(_("Plustecken används bara med tvåsiffrigt årtal (ÅÅMMDD+NNNN)."))
    day = int(g["dd"])
    coordination = day > 60
    if coordination:
        day -= 60
    month = int(g["mm"])
    yy = int(g["yy"])
    if g["century"]:
        years = [int(g["century"]) * 100 + yy]
    else:
        # The latest year with these two digits that is not in the future; '+' means 100 years earlier.
        year = today.year - (today.year - yy) % 100
        if year > today.year:
            year -= 100
        years = [year - 100 if g["sep"] == "+" else year, year - 100]
    birth = None
    for year in years:
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= today:
            birth = candidate
            break
    if birth is None:
        if not 1 <= month <= 12:
            raise PersonnummerError(_("Månaden i personnumret finns inte (måste vara 01–12)."))
        if coordination:
            raise PersonnummerError(_("Dagen i samordningsnumret ger inget riktigt datum (dag + 60)."))
        raise PersonnummerError(_("Datumet i personnumret finns inte eller ligger i framtiden."))
    if g["serial"] == "000":
        raise PersonnummerError(_("Födelsenumret (de tre siffrorna efter datumet) kan inte vara 000."))
    digits10 = g["yy"] + g["mm"] + g["dd"] + g["serial"]
    if luhn_check_digit(digits10) != int(g["check"]):
        raise PersonnummerError(_("Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret."))
    canonical = f"{birth.year:04d}{g['mm']}{g['dd']}-{g['serial']}{g['check']}"
    sex = "F" if int(g["serial"][2]) % 2 == 0 else "M"
    return Personnummer(canonical, birth, sex, coordination)


def looks_like_personnummer(text: str) -> bool:
    """True if the text could be meant as a personnummer (used to route a search box)."""
    return bool(_PATTERN.match((text or "").strip().replace(" ", "")))


def make(birth: dt.date, serial: int, coordination: bool = False) -> str:
    """Build a checksum-valid canonical number (for synthetic data and tests). serial is 1–999."""
    if not 1 <= serial <= 999:
        raise ValueError(f"serial must be 1–999, not {serial}")
    day = birth.day + (60 if coordination else 0)
    nine = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}"
    return f"{birth.year:04d}{birth.month:02d}{day:02d}-{serial:03d}{luhn_check_digit(nine)}"


# Anything that looks like a personnummer inside other text (logs, messages, free-text fields), in every spelling
# parse() accepts and more: 10 or 12 digits, optionally '-' or '+' before the last four, spaces anywhere between
# (parse() drops them: '19511031 1239', '1951 10 31 - 1239'), any check digit. PNR_SHAPE is the one pattern, also
# used by the import in DuckDB (RE2, which has no look-around: nara.identify.importing.rules writes the
# boundaries out).
PNR_SHAPE = r"\d(?: *\d){5}(?:(?: *\d){2})? *[-+]? *\d(?: *\d){3}"
PNR_IN_TEXT = re.compile(rf"(?<!\d){PNR_SHAPE}(?!\d)")


def redact(text: str) -> str:
    return PNR_IN_TEXT.sub("[personnummer]", text)
