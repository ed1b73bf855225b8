from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImplementationConfig(AppConfig):
    name = "implementation"
    verbose_name = _("Implementation")

    def ready(self):
        from editions.staff_links import register_edition_link

        register_edition_link("implementation:staff", _("Implementation"))
        register_edition_link("implementation:report", _("Report"))
