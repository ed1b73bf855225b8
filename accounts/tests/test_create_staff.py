import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.testing import STAFF_PASSWORD, make_staff
from audit.models import AuditEntry
from audit.services import verify_chain
from editions.models import City, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def aksu():
    return City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))


def test_it_creates_a_coordinator_with_a_password_and_audits_it(aksu, password):
    call_command("create_staff", phone="8 701 111 22 33", role="coordinator", city="aksu", name="Aigerim")
    user = User.objects.get(phone="+77011112233")
    assert user.check_password(STAFF_PASSWORD) and user.name == "Aigerim"
    assert user.staff_roles.get().city == aksu
    assert list(AuditEntry.objects.order_by("seq").values_list("action", flat=True)) == [
        "accounts.staff_account_created",
        "accounts.role_granted",
    ]
    assert verify_chain() == []


def test_an_administrator_gets_the_django_admin_flags_and_loses_them_with_the_role(password):
    call_command("create_staff", phone="+77011112233", role="administrator")
    user = User.objects.get(phone="+77011112233")
    assert user.is_staff and user.is_superuser
    call_command("create_staff", phone="+77011112233", role="administrator", revoke=True)
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
    assert AuditEntry.objects.filter(action="accounts.role_revoked").exists()


def test_a_weak_password_or_a_missing_city_is_refused(aksu, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError):
        call_command("create_staff", phone="+77011112233", role="administrator")
    monkeypatch.setattr("sys.stdin", io.StringIO(STAFF_PASSWORD + "\n"))
    with pytest.raises(CommandError, match="--city"):
        call_command("create_staff", phone="+77011112233", role="expert")


def test_reset_totp_removes_the_authenticator(aksu):
    staff = make_staff("expert", city=aksu)
    call_command("create_staff", phone=staff.phone, reset_totp=True)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert AuditEntry.objects.filter(action="accounts.totp_reset").exists()
    assert staff.staff_roles.get().role == Role.EXPERT
