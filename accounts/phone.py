"""Phone numbers as people type them in Kazakhstan, normalised to E.164 (+7XXXXXXXXXX)."""

import re

_NOT_DIGITS = re.compile(r"[\s\-()]")


def normalize_phone(value: str) -> str | None:
    """+7XXXXXXXXXX for "8 701 ...", "+7 (701) ...", "7701..." or "701..."; None for anything else.

    Kazakhstan's numbers are +7 followed by ten digits starting with 7 (mobile 70x/747/77x, land lines 7xxx);
    other +7 numbers belong to Russia, where our SMS sender is not registered.
    """
    compact = _NOT_DIGITS.sub("", value.strip())
    if compact.startswith("+7"):
        national = compact[2:]
    elif len(compact) == 11 and compact[0] in "78":
        national = compact[1:]
    else:
        national = compact
    if len(national) != 10 or not national.isascii() or not national.isdigit() or national[0] != "7":
        return None
    return "+7" + national
