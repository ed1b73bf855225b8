"""State changes for people: sign-in codes, profiles and IINs, staff accounts, roles and second factors.

Staff actions are written to the audit log in the same transaction as the change.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record_action
from editions.models import City, Role, StaffRole

from . import ratelimit
from .iin import IIN
from .models import SignInCode, User
from .sms import SMSError, send_sms

CODE_LIFETIME = timedelta(minutes=5)
CODE_ATTEMPTS = 5
# (limit, window): codes sent to one number, codes asked for from one address, staff passwords tried.
CODES_PER_PHONE = (5, timedelta(hours=1))
CODES_PER_IP = (20, timedelta(hours=1))
STAFF_TRIES_PER_PHONE = (10, timedelta(minutes=15))
STAFF_TRIES_PER_IP = (30, timedelta(minutes=15))


class RateLimited(Exception):
    """Too many requests under one key; the view shows a translated "try later"."""


def _code_hash(phone: str, code: str) -> str:
    # Keyed, so a leaked table of hashes of six-digit codes cannot be reversed by trying all million.
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _check_rate(key: str, limit_window: tuple[int, timedelta]) -> None:
    limit, window = limit_window
    if not ratelimit.hit(key, limit=limit, window=window):
        raise RateLimited(key)


def send_sign_in_code(*, phone: str, ip: str | None, language: str) -> None:
    """Send a fresh six-digit code to `phone` (already normalised); raises RateLimited or sms.SMSError.

    The counts are taken before sending and kept even when the gateway fails, so failures cannot be used to
    hammer it. The SMS is written in the person's own language when we know it.
    """
    _check_rate(f"code-phone:{phone}", CODES_PER_PHONE)
    if ip:
        _check_rate(f"code-ip:{ip}", CODES_PER_IP)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)  # one live code per phone
        live = SignInCode.objects.create(
            phone=phone, code_hash=_code_hash(phone, code), created_at=now, expires_at=now + CODE_LIFETIME
        )
    # Sent after the commit: a slow gateway must not hold a write lock (SQLite has one for the whole file).
    user_language = User.objects.filter(phone=phone).values_list("language", flat=True).first()
    with translation.override(user_language or language):
        text = gettext("Bastama sign-in code: %(code)s. It is valid for 5 minutes. Do not tell it to anyone.") % {
            "code": code
        }
    try:
        send_sms(phone=phone, text=text)
    except SMSError:
        live.delete()
        raise


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking a code: the signed-in user, or why not ("wrong", "expired", "used_up")."""

    user: User | None = None
    problem: str = ""
    attempts_left: int = 0


def check_sign_in_code(*, phone: str, code: str, language: str) -> CodeCheck:
    """Check a code for the phone's live code; a right one signs the person up on first use (in `language`).

    A wrong code costs one attempt; after CODE_ATTEMPTS the code dies and a new one must be sent.
    """
    now = timezone.now()
    with transaction.atomic():
        live = SignInCode.objects.select_for_update().filter(phone=phone, used_at__isnull=True).first()
        if live is None:
            return CodeCheck(problem="used_up")
        if live.expires_at <= now:
            return CodeCheck(problem="expired")
        if live.attempts >= CODE_ATTEMPTS:
            return CodeCheck(problem="used_up")
        if not hmac.compare_digest(live.code_hash, _code_hash(phone, code)):
            live.attempts += 1
            live.save(update_fields=["attempts"])
            left = CODE_ATTEMPTS - live.attempts
            return CodeCheck(problem="wrong" if left else "used_up", attempts_left=left)
        live.used_at = now
        live.save(update_fields=["used_at"])
        user = User.objects.filter(phone=phone).first() or User.objects.create_user(phone, language=language)
        if not user.is_active:
            return CodeCheck(problem="inactive")
    return CodeCheck(user=user)


def check_staff_password_rate(*, phone: str, ip: str | None) -> None:
    """Count one staff sign-in attempt; raises RateLimited so passwords and TOTP codes cannot be guessed fast."""
    _check_rate(f"staff-phone:{phone}", STAFF_TRIES_PER_PHONE)
    if ip:
        _check_rate(f"staff-ip:{ip}", STAFF_TRIES_PER_IP)


def record_staff_sign_in(*, user: User, ip: str | None, with_second_factor: bool) -> None:
    """Staff sign-ins are in the audit log, with or without the second factor (enrolment comes next)."""
    record_action(
        actor=user,
        action="accounts.staff_signed_in",
        target=user,
        summary=f"{user.phone} from {ip or 'unknown address'}",
        after={"second_factor": with_second_factor, "ip": ip},
    )


def update_profile(*, user: User, name: str, district, language: str, iin: IIN | None) -> User:
    """Save what a person says about themselves; the IIN only when none is set yet (staff correct it)."""
    user.name, user.district, user.language = name, district, language
    fields = ["name", "district", "language"]
    if iin is not None and not user.has_iin:
        _set_iin(user, iin)
        fields += ["iin_hash", "iin_last_digits", "birth_date", "sex"]
    user.save(update_fields=fields)
    return user


def _set_iin(user: User, iin: IIN) -> None:
    user.iin_hash, user.iin_last_digits, user.birth_date, user.sex = iin.hash, iin.last_digits, iin.birth_date, iin.sex


@transaction.atomic
def correct_iin(*, actor: User, user: User, iin: IIN) -> User:
    """Staff replace a person's IIN (a typo, a mix-up); the old and new last digits go to the audit log."""
    before = {"iin_last_digits": user.iin_last_digits, "birth_date": user.birth_date}
    _set_iin(user, iin)
    user.save(update_fields=["iin_hash", "iin_last_digits", "birth_date", "sex"])
    record_action(
        actor=actor,
        action="accounts.iin_corrected",
        target=user,
        summary=user.phone,
        before=before,
        after={"iin_last_digits": user.iin_last_digits, "birth_date": user.birth_date},
    )
    return user


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a staff member is setting up; reused until they confirm it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice) -> None:
    """Confirm an authenticator after the staff member typed a code from it; it replaces any older one."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_action(actor=user, action="accounts.totp_enrolled", target=user, summary=user.phone)


@transaction.atomic
def reset_totp(*, actor: User | None, user: User) -> None:
    """Remove a staff member's authenticators (a lost phone); they enrol again at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    record_action(actor=actor, action="accounts.totp_reset", target=user, summary=user.phone)


@transaction.atomic
def create_staff_account(*, actor: User | None, phone: str, name: str, password: str) -> User:
    """Create or update the person behind a phone number with a staff password."""
    user, created = User.objects.get_or_create(phone=phone)
    if name:
        user.name = name
    user.set_password(password)
    user.save()
    record_action(
        actor=actor,
        action="accounts.staff_account_created" if created else "accounts.staff_password_set",
        target=user,
        summary=user.phone,
    )
    return user


def _sync_admin_flags(user: User) -> None:
    """Administrators run the site, Django admin included; the flags follow the role so they cannot drift."""
    is_admin = user.staff_roles.filter(role=Role.ADMINISTRATOR).exists()
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def grant_role(*, actor: User | None, user: User, role: Role, city: City | None) -> StaffRole:
    """Give a role (experts and coordinators for one city, administrators site-wide); audited."""
    city = None if role == Role.ADMINISTRATOR else city
    staff_role, created = StaffRole.objects.get_or_create(user=user, role=role, city=city)
    if created:
        _sync_admin_flags(user)
        record_action(
            actor=actor,
            action="accounts.role_granted",
            target=user,
            summary=f"{user.phone}: {staff_role}",
            after={"role": role.value, "city": city.slug if city else None},
        )
    return staff_role


@transaction.atomic
def revoke_role(*, actor: User | None, user: User, role: Role, city: City | None) -> bool:
    """Take a role away; audited. Returns whether the person had it."""
    city = None if role == Role.ADMINISTRATOR else city
    deleted, _ = StaffRole.objects.filter(user=user, role=role, city=city).delete()
    if deleted:
        _sync_admin_flags(user)
        record_action(
            actor=actor,
            action="accounts.role_revoked",
            target=user,
            summary=f"{user.phone}: {role.label} {city or ''}".strip(),
            before={"role": role.value, "city": city.slug if city else None},
        )
    return bool(deleted)
