"""Sign-in in headless Chromium on a phone-sized page: codes come from the file SMS backend."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import CODE_ATTEMPTS
from accounts.testing import STAFF_PASSWORD, current_token, last_sms_code, make_staff, next_phone, sign_in_browser
from audit.models import AuditEntry
from editions.models import City

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ask_for_code(page, phone_as_typed: str) -> None:
    page.goto("/accounts/sign-in/?next=/accounts/profile/")
    page.get_by_label("Phone number").fill(phone_as_typed)
    page.get_by_role("button", name="Send the code").click()
    page.get_by_label("One-time code").wait_for()


def test_a_resident_signs_in_with_the_code_from_the_sms(page):
    _ask_for_code(page, "8 (701) 555-44-33")
    page.get_by_label("One-time code").fill(last_sms_code("+77015554433"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/profile/")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    assert User.objects.filter(phone="+77015554433").exists()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_wrong_code_is_refused_with_the_attempts_left(page):
    phone = next_phone()
    _ask_for_code(page, phone)
    right = last_sms_code(phone)
    page.get_by_label("One-time code").fill(f"{(int(right) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"The code is wrong. You have {CODE_ATTEMPTS - 1} more attempts.")).to_be_visible()
    assert "/accounts/sign-in/code/" in page.url


def test_too_many_wrong_codes_kill_the_code(page):
    phone = next_phone()
    _ask_for_code(page, phone)
    right = last_sms_code(phone)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(CODE_ATTEMPTS):
        page.get_by_label("One-time code").fill(wrong)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("One-time code").wait_for()
    expect(page.get_by_text("Too many wrong attempts")).to_be_visible()
    page.get_by_label("One-time code").fill(right)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Too many wrong attempts")).to_be_visible()
    assert "/accounts/sign-in/code/" in page.url


def test_a_coordinator_signs_in_with_password_and_authenticator_code(desktop_page):
    page = desktop_page
    city = City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    staff = make_staff("coordinator", city=city)
    page.goto("/accounts/staff/sign-in/?next=/audit/")
    page.get_by_label("Phone number").fill(staff.phone)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from the authenticator app").fill(current_token(staff))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    assert AuditEntry.objects.filter(action="accounts.staff_signed_in", actor=staff).exists()


def test_a_new_coordinator_enrols_the_authenticator_from_the_qr_page(desktop_page):
    from django_otp.oath import totp

    page = desktop_page
    city = City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    staff = make_staff("coordinator", city=city)
    TOTPDevice.objects.filter(user=staff).delete()
    page.goto("/accounts/staff/sign-in/?next=/audit/")
    page.get_by_label("Phone number").fill(staff.phone)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Set up the authenticator app").wait_for()
    expect(page.locator("figure.qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=staff)
    page.get_by_label("Code from the authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/audit/")


def test_a_coordinator_signed_in_by_phone_code_only_gets_no_staff_pages(page, live_server):
    city = City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    staff = make_staff("coordinator", city=city)
    sign_in_browser(page, staff, base_url=live_server.url, verified=False)
    response = page.goto("/audit/")
    assert response.status == 403
