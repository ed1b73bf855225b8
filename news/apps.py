from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from editions.staff_links import register_edition_link

        register_edition_link("news:staff_for_edition", _("News"))
