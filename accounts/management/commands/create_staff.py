"""Administrators create staff accounts and change roles from the server's shell; every change is audited.

    manage.py create_staff --phone "+7 701 234 56 78" --role coordinator --city aksu --name "Aigerim S."
    manage.py create_staff --phone +77012345678 --role expert --city aksu --revoke
    manage.py create_staff --phone +77012345678 --reset-totp
    manage.py create_staff --phone +77012345678 --set-password

The password is asked for twice on a terminal, or read from the first line of standard input in scripts.
The staff member sets up the authenticator app at their first staff sign-in.
"""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User
from accounts.phone import normalize_phone
from editions.models import City, Role


class Command(BaseCommand):
    help = "Create a staff account, grant or revoke a role, reset a lost authenticator."

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True)
        parser.add_argument("--role", choices=[r.value for r in Role])
        parser.add_argument("--city", help="city address name (slug); experts and coordinators act for one city")
        parser.add_argument("--name", default="")
        parser.add_argument("--revoke", action="store_true", help="take the role away instead of giving it")
        parser.add_argument("--reset-totp", action="store_true", help="remove the authenticator (a lost phone)")
        parser.add_argument("--set-password", action="store_true", help="set a new password")

    def _read_password(self, user: User | None) -> str:
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password

    def _city(self, role: Role, slug: str | None) -> City | None:
        if role == Role.ADMINISTRATOR:
            return None
        if not slug:
            raise CommandError(f"--city is needed for the role {role.value}")
        try:
            return City.objects.get(slug=slug)
        except City.DoesNotExist:
            raise CommandError(
                f"no city {slug!r}; cities: {', '.join(City.objects.values_list('slug', flat=True))}"
            ) from None

    def handle(self, *args, phone, role, city, name, revoke, reset_totp, set_password, **options):
        phone = normalize_phone(phone) or ""
        if not phone:
            raise CommandError("Give a Kazakhstan phone number, for example +77012345678.")
        role = Role(role) if role else None
        city = self._city(role, city) if role else None
        user = User.objects.filter(phone=phone).first()
        if revoke:
            if user is None or role is None or not services.revoke_role(actor=None, user=user, role=role, city=city):
                raise CommandError("This person does not have that role.")
            self.stdout.write(f"{phone}: {role.label} revoked")
            return
        if user is None or set_password or not user.has_usable_password():
            user = services.create_staff_account(actor=None, phone=phone, name=name, password=self._read_password(user))
            self.stdout.write(f"{phone}: password set")
        if role is not None:
            services.grant_role(actor=None, user=user, role=role, city=city)
            self.stdout.write(f"{phone}: {role.label} {city or ''}".strip())
        if reset_totp:
            services.reset_totp(actor=None, user=user)
            self.stdout.write(f"{phone}: authenticator removed; they set it up again at the next staff sign-in")
