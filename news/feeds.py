"""RSS and Atom feeds of a city's published news, one per language (feed readers send no language cookie)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from editions.models import City

from .models import NewsItem


class NewsFeed(Feed):
    def get_object(self, request, city_slug: str, lang: str):
        if lang not in dict(settings.LANGUAGES):
            raise Http404
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        city = get_object_or_404(City, slug=city_slug)
        city.feed_request = request  # per request, for absolute photo URLs (the Feed instance is shared)
        return city

    def title(self, city):
        return _("News: %(city)s") % {"city": city.programme or city.name}

    def link(self, city):
        return reverse("news:list", kwargs={"city_slug": city.slug})

    def description(self, city):
        return _("News of the participatory budget of %(city)s.") % {"city": city.name}

    def items(self, city):
        items = list(NewsItem.objects.published().filter(city=city).select_related("city")[:30])
        for item in items:
            item.feed_request = city.feed_request
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_enclosure_url(self, item):
        return item.feed_request.build_absolute_uri(item.photo.url) if item.photo else None

    def item_enclosure_length(self, item):
        return item.photo.size if item.photo else None

    def item_enclosure_mime_type(self, item):
        return "image/jpeg" if item.photo else None


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, city):
        return self.description(city)
