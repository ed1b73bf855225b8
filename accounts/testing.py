"""Helpers for tests in every app: make residents and staff, and sign them in without the SMS or TOTP dance.

    from accounts.testing import make_user, make_staff, sign_in, sign_in_browser

    resident = make_user(name="Aigerim")
    sign_in(client, resident)                                  # Django test client
    coordinator = make_staff("coordinator", city=aksu)
    sign_in(client, coordinator)                               # staff: the session is TOTP-verified too
    sign_in_browser(page, coordinator, base_url=live_server.url)   # Playwright page (or context)

Staff powers (editions.permissions) only count in a session verified with TOTP; pass `verified=False` to test
a staff member who signed in with a phone code only.
"""

import itertools
import re

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from editions.models import Role, StaffRole

from .models import User

STAFF_PASSWORD = "correct-horse-battery-staple"
_phones = itertools.count(7_000_000_001)


def next_phone() -> str:
    """A fresh +7 number per call, so tests never collide on the unique phone."""
    return f"+77{next(_phones) % 10**9:09d}"


def make_user(*, phone: str | None = None, **fields) -> User:
    return User.objects.create_user(phone or next_phone(), **fields)


def make_staff(role: str, *, city=None, phone: str | None = None, password: str = STAFF_PASSWORD, **fields) -> User:
    """A staff member with a password and a confirmed TOTP device; role is "expert", "coordinator" or
    "administrator" (experts and coordinators need a city)."""
    if role == Role.ADMINISTRATOR:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
    user = User.objects.create_user(phone or next_phone(), password=password, **fields)
    StaffRole.objects.create(user=user, role=Role(role), city=None if role == Role.ADMINISTRATOR else city)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def current_token(user: User) -> str:
    """The six digits the staff member's authenticator app shows right now."""
    device = totp_device(user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def last_sms(phone: str) -> str:
    """The newest SMS the file backend wrote to `phone` (settings.SMS_BACKEND = "file" in tests)."""
    files = sorted(settings.SMS_FILE_PATH.glob(f"*-{phone.lstrip('+')}-*.txt"))
    assert files, f"no SMS was sent to {phone}"
    return files[-1].read_text(encoding="utf-8")


def last_sms_code(phone: str) -> str:
    return re.search(r"\b(\d{6})\b", last_sms(phone)).group(1)


def sign_in(client: Client, user: User, *, verified: bool = True) -> None:
    """Log `user` in on a Django test client; with `verified` and a TOTP device, the session counts as 2FA."""
    client.force_login(user)
    device = totp_device(user) if verified else None
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def sign_in_browser(page_or_context, user: User, *, base_url: str, verified: bool = True) -> None:
    """Put a signed-in session cookie on a Playwright page's context (or a context); `base_url` is live_server.url."""
    client = Client()
    sign_in(client, user, verified=verified)
    context = getattr(page_or_context, "context", page_or_context)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
