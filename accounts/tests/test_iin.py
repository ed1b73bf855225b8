from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from accounts.iin import InvalidIIN, age_on, check_digit, iin_hash, is_valid_iin, parse_iin

VALID = ["061211600012", "791028302728", "251112401047"]


@pytest.mark.parametrize("number", VALID)
def test_the_published_vectors_are_valid(number):
    assert is_valid_iin(number)


def test_it_decodes_birth_date_sex_and_last_digits():
    iin = parse_iin("791028302728")
    assert (iin.birth_date, iin.sex, iin.last_digits) == (date(1979, 10, 28), "male", "2728")
    assert parse_iin("061211600012").birth_date == date(2006, 12, 11)
    assert parse_iin("061211600012").sex == "female"
    assert parse_iin("251112401047").birth_date == date(1925, 11, 12)


def test_it_accepts_spaces_and_dashes_between_groups():
    assert parse_iin(" 791028 30-2728 ").number == "791028302728"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("79102830272", "format"),
        ("7910283027281", "format"),
        ("79102830272a", "format"),
        ("７９１０２８３０２７２８", "format"),
        ("791028302729", "check_digit"),
    ],
)
def test_it_says_why_a_number_is_not_an_iin(value, code):
    with pytest.raises(InvalidIIN) as error:
        parse_iin(value)
    assert error.value.code == code


def _with_check_digit(first_eleven: str) -> str:
    digit = check_digit(first_eleven)
    assume(digit is not None)
    return first_eleven + str(digit)


def test_remainder_ten_on_both_passes_means_no_valid_check_digit():
    # Found by search: both weighted sums of these eleven digits leave 10.
    first_eleven = next(f"{n:011d}" for n in range(10**10, 10**10 + 10**6) if check_digit(f"{n:011d}") is None)
    assert all(not is_valid_iin(first_eleven + str(d)) for d in range(10))


@pytest.mark.parametrize(("first_eleven", "code"), [("79132830272", "birth_date"), ("79102870272", "century")])
def test_a_bad_date_or_century_is_refused(first_eleven, code):
    with pytest.raises(InvalidIIN) as error:
        parse_iin(first_eleven + str(check_digit(first_eleven)))
    assert error.value.code == code


def test_age_counts_full_years_and_leap_days():
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert age_on(date(2008, 2, 29), date(2025, 2, 28)) == 16
    assert parse_iin("061211600012").age_on(date(2022, 12, 10)) == 15
    assert parse_iin("061211600012").age_on(date(2022, 12, 11)) == 16


def test_the_hash_is_keyed(settings):
    first = iin_hash("791028302728")
    settings.IIN_HASH_KEY = "another key"
    assert iin_hash("791028302728") != first
    assert len(first) == 64 and "791028302728" not in first


_iins = st.builds(
    lambda born, century, serial: (born, century, f"{born:%y%m%d}{century}{serial:04d}"),
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.integers(0, 1),
    st.integers(0, 9999),
).map(lambda t: (t[0], t[2][:6] + str((3 if t[0].year < 2000 else 5) + t[1]) + t[2][7:]))


@given(_iins)
def test_generated_iins_with_their_check_digit_are_valid(generated):
    born, first_eleven = generated
    number = _with_check_digit(first_eleven)
    iin = parse_iin(number)
    assert iin.birth_date == born


def _first_pass(first_eleven: str) -> int:
    return sum(int(d) * w for d, w in zip(first_eleven, range(1, 12), strict=True)) % 11


@given(_iins, st.integers(0, 11), st.integers(1, 9))
def test_changing_one_digit_fails_or_changes_the_check_digit(generated, position, shift):
    _, first_eleven = generated
    number = _with_check_digit(first_eleven)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    mutated = "".join(digits)
    if position == 11:
        assert not is_valid_iin(mutated)
        return
    if position == 10:
        # The eleventh weight is 11, which is 0 modulo 11: the first pass cannot see this digit. It is a serial
        # digit, so a typo there gives another person's possible IIN; the date and century stay checked.
        assert _first_pass(mutated[:11]) == _first_pass(number[:11])
        return
    # Weights 1..10 are non-zero modulo 11, so one changed digit always changes the first-pass remainder.
    assert _first_pass(mutated[:11]) != _first_pass(number[:11])
    if 10 not in (_first_pass(number[:11]), _first_pass(mutated[:11])):
        # Both decided on the first pass: the check digit changed, so the mutated number fails.
        assert check_digit(mutated[:11]) != check_digit(number[:11])
        assert not is_valid_iin(mutated)
