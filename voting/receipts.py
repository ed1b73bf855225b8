"""Receipt codes: shown once to the voter, stored only as a keyed hash on the ballot, checkable by anyone.

12 characters of Crockford's base32 (no I, L, O, U) are 60 random bits, shown as XXXX-XXXX-XXXX: guessing a
code that exists is hopeless, and a code says only whether its ballot counts, never what it chose.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 12


def new_code() -> str:
    """60 random bits drawn at once (one read of the system's random source, not one per character)."""
    bits = secrets.randbits(5 * _LENGTH)
    raw = "".join(_ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * _LENGTH, 5))
    return "-".join(raw[i : i + 4] for i in range(0, _LENGTH, 4))


def normalize(code: str) -> str:
    """Upper case without separators, with the letters people confuse read as the digits they look like."""
    cleaned = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), b"receipt:" + normalize(code).encode(), hashlib.sha256).hexdigest()
