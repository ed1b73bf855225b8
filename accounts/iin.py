"""Kazakhstan's 12-digit IIN: check digit, birth date and sex, and the keyed hash we store instead of the number.

Layout: YYMMDD (birth date), one digit for century and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd is male,
even is female), four serial digits, one check digit. The check digit is the weighted sum of the first eleven
digits modulo 11 with weights 1..11; when that gives 10 a second pass uses weights 3..11, 1, 2; 10 again means
the number can never be valid.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings

_FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
LAST_DIGITS = 4


class InvalidIIN(ValueError):
    """Why a string is not an IIN; `code` is one of "format", "check_digit", "birth_date", "century"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when both passes give 10 (no valid IIN starts so)."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def age_on(birth_date: date, day: date) -> int:
    """Full years on `day`; someone born on 29 February turns a year older on 1 March in common years."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class IIN:
    number: str
    birth_date: date
    sex: str  # "male" or "female", the values of accounts.models.Sex

    @property
    def last_digits(self) -> str:
        return self.number[-LAST_DIGITS:]

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def hash(self) -> str:
        return iin_hash(self.number)


def normalize(value: str) -> str:
    """Drop the spaces and dashes people type between digit groups."""
    return "".join(value.split()).replace("-", "")


def parse_iin(value: str) -> IIN:
    """Validate and decode an IIN; raise InvalidIIN with a code saying what is wrong."""
    number = normalize(value)
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        raise InvalidIIN("format")
    if check_digit(number[:11]) != int(number[11]):
        raise InvalidIIN("check_digit")
    century = _CENTURY.get(number[6])
    if century is None:
        raise InvalidIIN("century")
    try:
        born = date(century + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        raise InvalidIIN("birth_date") from None
    return IIN(number=number, birth_date=born, sex="male" if int(number[6]) % 2 else "female")


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except InvalidIIN:
        return False
    return True


def iin_hash(number: str) -> str:
    """HMAC-SHA256 of the IIN with a secret key: unique per person, useless to whoever steals only the database."""
    return hmac.new(settings.IIN_HASH_KEY.encode(), normalize(number).encode(), hashlib.sha256).hexdigest()
