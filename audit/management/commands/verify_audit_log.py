from django.core.management.base import BaseCommand, CommandError

from audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; exits with an error listing every broken entry."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(f"entry {problem.seq}: {problem.problem}")
            raise CommandError(f"audit log chain is broken ({len(problems)} problem(s))")
        self.stdout.write(self.style.SUCCESS("audit log chain is intact"))
