from django import template

from news.models import NewsItem

register = template.Library()


@register.simple_tag
def latest_news(city, count: int = 3):
    if city is None:
        return []
    return list(NewsItem.objects.published().filter(city=city)[:count])
