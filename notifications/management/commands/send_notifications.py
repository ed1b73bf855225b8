"""Send queued notifications: `--once` (one pass, for cron) or `--loop` (a long-running worker)."""

import signal
import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from notifications import worker


class Command(BaseCommand):
    help = "Send queued e-mail and SMS notifications (run from cron with --once, or as a service with --loop)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="send what is due now, then exit (the default)")
        mode.add_argument("--loop", action="store_true", help="keep polling until SIGTERM/SIGINT")
        parser.add_argument("--batch", type=int, default=50, help="messages claimed at a time")
        parser.add_argument("--sleep", type=float, default=5.0, help="seconds between polls when idle (--loop)")
        parser.add_argument(
            "--purge-days",
            type=int,
            default=None,
            help="first delete sent, skipped and failed messages older than this",
        )

    def handle(self, *args, once=False, loop=False, batch=50, sleep=5.0, purge_days=None, **options):
        if purge_days is not None:
            purged = worker.purge(older_than=timedelta(days=purge_days))
            self.stdout.write(f"notifications: {purged} old messages deleted")
        worker_id = worker.new_worker_id()
        stopping = {"now": False}

        def stop(signum, frame):
            # Finish the message in hand, then exit; an unfinished lease would only delay the rest of the batch.
            stopping["now"] = True

        if loop:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        total = worker.Outcome()
        while not stopping["now"]:
            outcome = worker.run_once(worker_id=worker_id, limit=batch)
            for name in ("sent", "retried", "failed", "skipped"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
            handled = outcome.sent + outcome.retried + outcome.failed + outcome.skipped
            if not loop:
                if handled < batch:
                    break
                continue  # --once drains everything due now, batch by batch
            waited = 0.0
            while not handled and waited < sleep and not stopping["now"]:
                time.sleep(0.2)
                waited += 0.2
        self.stdout.write(
            f"notifications: {total.sent} sent, {total.retried} to retry, {total.failed} failed, "
            f"{total.skipped} skipped"
        )
