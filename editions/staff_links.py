"""Links to other apps' staff screens on the coordinators' dashboard: the extension point for later apps.

An app that has a staff screen for one edition adds it from its AppConfig.ready() (editions cannot import
apps to its right, so they register here instead):

    from editions.staff_links import register_edition_link
    register_edition_link("proposals:moderation", _("Moderation"))

The URL must take one keyword, `edition_id`. A name that does not resolve (an app not installed yet) is
skipped, so listing a screen before it exists is harmless.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StaffLink:
    label: str
    url: str


EDITION_LINKS: list[tuple[str, str]] = [
    ("results:staff", _("Count and publish")),
]


def register_edition_link(url_name: str, label: str) -> None:
    if url_name not in {name for name, _label in EDITION_LINKS}:
        EDITION_LINKS.append((url_name, label))


def edition_links(edition) -> list[StaffLink]:
    links = []
    for url_name, label in EDITION_LINKS:
        try:
            links.append(StaffLink(str(label), reverse(url_name, kwargs={"edition_id": edition.pk})))
        except NoReverseMatch:
            continue
    return links
