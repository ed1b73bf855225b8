import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.testing import STAFF_PASSWORD, current_token, make_staff, make_user, sign_in
from audit.models import AuditEntry
from editions.models import City
from editions.permissions import is_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")


def _post(client, phone, password=STAFF_PASSWORD, token="", **extra):
    return client.post(
        reverse("accounts:staff_sign_in"), {"phone": phone, "password": password, "token": token}, **extra
    )


def test_password_and_totp_give_a_verified_session_and_an_audit_entry(client, city):
    staff = make_staff("coordinator", city=city)
    response = _post(client, staff.phone, token=current_token(staff))
    assert response.status_code == 302 and response.url == "/"
    assert DEVICE_ID_SESSION_KEY in client.session
    entry = AuditEntry.objects.get(action="accounts.staff_signed_in")
    assert entry.actor == staff and entry.after["second_factor"] is True


def test_a_wrong_or_missing_totp_code_is_refused(client, city):
    staff = make_staff("coordinator", city=city)
    assert "Enter the code" in _post(client, staff.phone, HTTP_ACCEPT_LANGUAGE="en").text
    right = int(current_token(staff))
    response = _post(client, staff.phone, token=f"{(right + 1) % 10**6:06d}", HTTP_ACCEPT_LANGUAGE="en")
    assert "This code is wrong" in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_or_a_resident_is_refused_alike(client, city):
    staff = make_staff("coordinator", city=city)
    resident = make_user(password=STAFF_PASSWORD)
    for phone, password in [(staff.phone, "not the password"), (resident.phone, STAFF_PASSWORD)]:
        response = _post(client, phone, password, token=current_token(staff), HTTP_ACCEPT_LANGUAGE="en")
        assert "The phone number or the password is wrong." in response.text
    assert "_auth_user_id" not in client.session


def test_the_phone_is_kept_when_the_form_comes_back(client, city):
    response = _post(client, "8 701 000 00 00", "x")
    assert 'value="8 701 000 00 00"' in response.text


def test_staff_sign_in_attempts_are_rate_limited(client, city):
    staff = make_staff("coordinator", city=city)
    for _ in range(10):
        _post(client, staff.phone, "wrong password")
    response = _post(client, staff.phone, token=current_token(staff))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_first_sign_in_leads_to_enrolment_and_a_confirmed_code_verifies_the_session(client, city):
    staff = make_staff("coordinator", city=city)
    TOTPDevice.objects.filter(user=staff).delete()
    response = client.post(
        reverse("accounts:staff_sign_in"), {"phone": staff.phone, "password": STAFF_PASSWORD, "next": "/audit/"}
    )
    assert response.url == reverse("accounts:enrol") + "?next=%2Faudit%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and "<svg" in page.text
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert page.context["secret"] in device.config_url
    token = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:enrol"), {"token": token, "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(action="accounts.totp_enrolled", actor=staff).exists()


def test_a_phone_code_session_cannot_enrol_an_authenticator(client, city):
    staff = make_staff("coordinator", city=city)
    TOTPDevice.objects.filter(user=staff).delete()
    sign_in(client, staff)  # as after a phone code: no password in this session
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:staff_sign_in"))
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_staff_powers_count_only_in_a_verified_session(city):
    staff = make_staff("coordinator", city=city)
    verified, by_code = Client(), Client()
    sign_in(verified, staff)
    sign_in(by_code, staff, verified=False)
    assert verified.get("/audit/").status_code == 200
    assert by_code.get("/audit/").status_code == 403
    assert is_coordinator(staff, city)  # outside a request (commands, services) there is no session to check


def _through_the_middleware(city, rf, view):
    """Run `view` behind the session, authentication and OTP middleware, signed in as a new coordinator of
    `city` (returned)."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware

    from accounts.middleware import OTPMiddleware

    staff = make_staff("coordinator", city=city)
    client = Client()
    sign_in(client, staff)
    request = rf.get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    SessionMiddleware(AuthenticationMiddleware(OTPMiddleware(view)))(request)
    return staff


def test_request_user_becomes_the_verified_person_once_used(city, rf):
    """accounts.middleware.OTPMiddleware: django-otp's flags on the person; lazy until used, then no proxy."""
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    seen = {}

    def view(request):
        seen["lazy before"] = isinstance(request.user, SimpleLazyObject)
        seen["verified"] = request.user.is_verified()
        seen["after"] = request.user
        return HttpResponse()

    staff = _through_the_middleware(city, rf, view)
    assert seen["lazy before"] and seen["verified"] is True
    assert type(seen["after"]) is type(staff) and seen["after"].pk == staff.pk


def test_a_person_set_by_the_view_is_not_replaced_by_the_lazy_one(city, rf):
    """login() and logout() set request.user; a lazy copy read later must not put the old person back."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    seen = {}

    def view(request):
        earlier = request.user  # not yet loaded
        request.user = AnonymousUser()  # as logout() does
        seen["earlier"] = earlier.pk
        seen["now"] = request.user
        return HttpResponse()

    staff = _through_the_middleware(city, rf, view)
    assert seen["earlier"] == staff.pk and isinstance(seen["now"], AnonymousUser)
