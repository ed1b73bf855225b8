from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client, override_settings
from django.urls import reverse

from implementation.models import ImplementationRecord
from news.models import NewsItem

pytestmark = pytest.mark.django_db


def test_the_demo_has_khromtaus_13_built_projects_and_aksu_news_in_three_languages():
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    khromtau = ImplementationRecord.objects.filter(edition__city__slug="khromtau", edition__year=2020)
    assert khromtau.count() == 13 and set(khromtau.values_list("status", flat=True)) == {"completed"}
    assert khromtau.aggregate(s=Sum("budget_allocated"))["s"] <= khromtau.first().edition.budget
    assert all(record.milestones.count() == 2 for record in khromtau)
    news = NewsItem.objects.filter(city__slug="aksu")
    assert news.count() >= 3 and all(n.title_kk and n.title_ru and n.title_en for n in news)
    page = Client(headers={"accept-language": "ru"}).get(reverse("implementation:summary"))
    assert "Пилот Хромтау 2020" in page.text
