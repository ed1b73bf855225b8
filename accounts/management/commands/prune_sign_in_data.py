"""Delete sign-in codes and rate-limit counts older than a day; run it from cron (e.g. hourly)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import RateLimitHit, SignInCode

KEEP = timedelta(days=1)  # longer than every code's life and every rate-limit window


class Command(BaseCommand):
    help = "Delete sign-in codes and rate-limit counts that can no longer matter."

    def handle(self, *args, **options):
        cutoff = timezone.now() - KEEP
        codes, _ = SignInCode.objects.filter(created_at__lt=cutoff).delete()
        hits, _ = RateLimitHit.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"deleted {codes} sign-in codes and {hits} rate-limit counts")
