from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from editions.staff_links import register_edition_link

        register_edition_link("proposals:moderation", _("Moderation"))
