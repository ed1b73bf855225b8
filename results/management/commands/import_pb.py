"""`manage.py import_pb FILE.pb [--city-slug demo-wieliczka]`: show a real PB election as a finished edition."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from pbcount import pabulib
from results.services import import_election


class Command(BaseCommand):
    help = "Load a pabulib .pb file as a finished, published edition of a demo city, counted with the city's rule."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--city-slug", help="the demo city's address name (default: demo-<META unit>)")

    def handle(self, *args, file, city_slug, **options):
        try:
            election = pabulib.read(file)
            slug = city_slug or f"demo-{slugify(election.meta.get('unit', 'city'))}"
            run = import_election(election=election, city_slug=slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except (pabulib.PabulibError, OSError) as error:
            raise CommandError(str(error)) from error
        if not any("selected" in p.extra for p in election.projects):
            check = "the file has no selected column to compare with"
        elif sorted(run.winners) == sorted(p.id for p in election.projects if p.extra["selected"] == "1"):
            check = "same as the city's selected column"
        else:
            check = "DIFFERENT from the city's selected column"
        self.stdout.write(f"edition {run.edition.pk} ({run.edition}): {len(run.winners)} winners, {check}")
