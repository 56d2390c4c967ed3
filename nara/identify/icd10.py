"""ICD-10(-SE) codes normalised one way everywhere: upper case, no dot, no spaces, no dagger/asterisk marks.

"i50.9", "I509", " I50.9 " and "I50.9†" all become "I509". The three-character category is the first three
characters ("I50"). Imports store normalised codes; every code list (HFRS, avoidable hospitalisation …) is loaded
through the same function, so SQL compares plain strings and prefixes.
"""

import re

_VALID = re.compile(r"^[A-Z][0-9]{2}[0-9A-Z]{0,4}$")
_STRIP = str.maketrans("", "", ". \t†*+")


class ICD10Error(ValueError):
    pass


def normalise(code: str) -> str:
    """Normalise one code; raise ICD10Error (Swedish message) when it is not shaped like an ICD-10 code."""
    text = (code or "").strip().upper().translate(_STRIP)
    if not _VALID.match(text):
        raise ICD10Error(f"Ogiltig ICD-10-kod: ”{(code or '').strip()[:20]}” (förväntat t.ex. I50.9 eller I509).")
    return text


def category(code: str) -> str:
    return normalise(code)[:3]
