from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from editions.staff_links import register_edition_link
        from notifications.services import register_follow_source

        register_edition_link("proposals:moderation", _("Moderation"))
        # Followers kept in ProposalFollow are told about results and implementation too.
        register_follow_source("proposals.proposal", lambda proposal: proposal.follows.values("user_id"))
