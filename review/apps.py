from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Expert review")

    def ready(self):
        from editions.staff_links import register_edition_link

        register_edition_link("review:progress", _("Expert review"))
