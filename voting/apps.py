from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Voting")

    def ready(self):
        from django.db.models.signals import post_save

        from editions.models import Edition

        from .selectors import forget_voting_edition

        post_save.connect(forget_voting_edition, sender=Edition, dispatch_uid="voting.forget_voting_edition")
