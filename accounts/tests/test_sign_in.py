from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInCode, User
from accounts.phone import normalize_phone
from accounts.services import CODE_ATTEMPTS, check_sign_in_code
from accounts.testing import last_sms, last_sms_code, make_staff, make_user, next_phone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+77011234567", "+77011234567"),
        ("8 701 123 45 67", "+77011234567"),
        ("+7 (701) 123-45-67", "+77011234567"),
        ("87011234567", "+77011234567"),
        ("77011234567", "+77011234567"),
        ("701 123 4567", "+77011234567"),
        ("+7 (917) 123-45-67", None),
        ("+1 202 555 0100", None),
        ("8 701 123 45", None),
        ("phone", None),
        ("+7701123456７", None),
    ],
)
def test_phone_numbers_are_normalised_or_refused(typed, expected):
    assert normalize_phone(typed) == expected


def _ask_code(client, phone, next_url="", **headers):
    return client.post(reverse("accounts:sign_in"), {"phone": phone, "next": next_url}, **headers)


def test_a_new_resident_signs_in_with_the_code_from_the_sms_and_lands_on_next(client):
    response = _ask_code(client, "8 701 555 00 11", next_url="/accounts/profile/")
    assert response.status_code == 302 and response.url == reverse("accounts:sign_in_code")
    code = last_sms_code("+77015550011")
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response.status_code == 302 and response.url == "/accounts/profile/"
    user = User.objects.get(phone="+77015550011")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert not user.has_usable_password()


def test_codes_are_stored_hashed_and_die_after_use(client):
    _ask_code(client, "+77015550012")
    code = last_sms_code("+77015550012")
    stored = SignInCode.objects.get(phone="+77015550012")
    assert code not in stored.code_hash
    client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert check_sign_in_code(phone="+77015550012", code=code, language="kk").problem == "used_up"


def test_an_offsite_next_is_ignored(client):
    _ask_code(client, "+77015550013", next_url="https://evil.example/")
    response = client.post(reverse("accounts:sign_in_code"), {"code": last_sms_code("+77015550013")})
    assert response.url == "/"


def test_a_wrong_number_gets_a_clear_message_and_keeps_what_was_typed(client):
    response = _ask_code(client, "+1 202 555 0100", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter a Kazakhstan mobile number" in response.text
    assert 'value="+1 202 555 0100"' in response.text


def test_a_wrong_code_costs_an_attempt_and_too_many_kill_the_code(client):
    phone = next_phone()
    _ask_code(client, phone, HTTP_ACCEPT_LANGUAGE="en")
    right = last_sms_code(phone)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post(reverse("accounts:sign_in_code"), {"code": wrong})
    assert f"{CODE_ATTEMPTS - 1} more attempts" in response.text
    for _ in range(CODE_ATTEMPTS - 1):
        response = client.post(reverse("accounts:sign_in_code"), {"code": wrong})
    assert "Too many wrong attempts" in response.text
    response = client.post(reverse("accounts:sign_in_code"), {"code": right})
    assert "_auth_user_id" not in client.session


def test_an_expired_code_is_refused(client):
    phone = next_phone()
    _ask_code(client, phone, HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post(reverse("accounts:sign_in_code"), {"code": last_sms_code(phone)})
    assert "expired" in response.text and "_auth_user_id" not in client.session


def test_the_sms_is_in_the_persons_language(client):
    phone = next_phone()
    make_user(phone=phone, language="ru")
    _ask_code(client, phone, HTTP_ACCEPT_LANGUAGE="en")
    assert "Код для входа в Bastama" in last_sms(phone)
    phone = next_phone()
    _ask_code(client, phone, HTTP_ACCEPT_LANGUAGE="kk")
    assert "Bastama жүйесіне кіру коды" in last_sms(phone)


def test_a_staff_member_signed_in_by_code_is_sent_on_to_the_staff_sign_in(client):
    staff = make_staff("administrator")
    _ask_code(client, staff.phone)
    response = client.post(reverse("accounts:sign_in_code"), {"code": last_sms_code(staff.phone)})
    assert response.url.startswith(reverse("accounts:staff_sign_in"))


def test_sign_out_needs_post(client):
    assert client.get(reverse("accounts:sign_out")).status_code == 405


@pytest.mark.parametrize(
    ("language", "text"),
    [("kk", "Растау кодын SMS арқылы жібереміз."), ("ru", "Мы отправим код подтверждения по SMS.")],
)
def test_the_sign_in_page_speaks_kazakh_and_russian(client, language, text):
    assert text in client.get(reverse("accounts:sign_in"), HTTP_ACCEPT_LANGUAGE=language).text


def test_the_header_sign_in_link_on_the_sign_in_page_does_not_point_back_to_itself(client):
    page = client.get(reverse("accounts:sign_in") + "?next=/aksu/").content.decode()
    assert f'href="{reverse("accounts:sign_in")}"' in page
    assert "next=/accounts/" not in page and "next=%2Faccounts" not in page
    assert f'href="{reverse("accounts:sign_in")}?next=/aksu/' not in page
    home = client.get("/", follow=True).content.decode()
    assert "?next=" in home
