"""`manage.py load_demo`: load (or refresh) the demo cities, editions, staff and every app's demo data.

Running it again updates the same rows instead of adding new ones, and moves the Aksu 2022 edition's dates so
that it is again in the chosen phase (voting by default). Refuses to run without DEBUG unless `--allow-production`
is given: the demo staff have a published password and authenticator secret.

    manage.py load_demo                    # Aksu 2022 with voting open, Khromtau 2020 in the archive
    manage.py load_demo --phase proposals  # the same, with proposals open
    manage.py load_demo --codes            # only print the demo staff's current authenticator codes
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from editions.demo import DEMO_STAFF, DemoContext, load_all
from editions.models import Phase


class Command(BaseCommand):
    help = "Load the demo data (idempotent): Aksu's Berekeli bastama 2022, Khromtau's 2020 pilot, demo staff."

    def add_arguments(self, parser):
        phases = [p.value for p in Phase if p not in (Phase.DRAFT,)]
        parser.add_argument("--phase", choices=phases, default=Phase.VOTING.value, help="Aksu 2022's current phase")
        parser.add_argument("--codes", action="store_true", help="print the demo staff's authenticator codes now")
        parser.add_argument("--allow-production", action="store_true", help="load even when DEBUG is off")

    def _print_codes(self):
        from accounts.models import User
        from accounts.testing import current_token

        for phone, role, _city, name in DEMO_STAFF:
            user = User.objects.filter(phone=phone).first()
            if user is not None:
                self.stdout.write(f"{phone}  {current_token(user)}  {role.value} {name}")

    def handle(self, *args, phase, codes, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("The demo has a published staff password: run it with DEBUG=1 (or --allow-production).")
        if codes:
            self._print_codes()
            return
        context = DemoContext(now=timezone.now(), phase=Phase(phase), write=self.stdout.write)
        load_all(context)
        for line in context.notes:
            self.stdout.write(line)
