"""Pseudonyms for the analytics lake: a keyed HMAC of the canonical personnummer (DESIGN.md §2).

The key (settings.PSEUDONYM_KEY) never leaves the operational side; without it a pseudonym cannot be turned back
into a personnummer, and with it only the operational side re-identifies, for persons a user may see.
"""

import hashlib
import hmac

from django.conf import settings

LENGTH = 32  # hex characters = 128 bits: collisions are out of reach for any population


def pseudonym(canonical_personnummer: str, key: str | None = None) -> str:
    """The pseudonym of a canonical personnummer (YYYYMMDD-NNNC, as nara.core.personnummer.parse gives it)."""
    secret = (key or settings.PSEUDONYM_KEY).encode()
    return hmac.new(secret, canonical_personnummer.encode(), hashlib.sha256).hexdigest()[:LENGTH]
