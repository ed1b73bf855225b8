import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_staff, sign_in
from audit.models import AuditEntry
from implementation.tests.helpers import jpeg_upload
from news.models import NewsItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def aksu():
    from editions.models import City

    return City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")


def _item(city, **fields):
    defaults = {"title_kk": "Жаңалық", "title_ru": "Новость", "title_en": "News item", "published_at": timezone.now()}
    return NewsItem.objects.create(city=city, **{**defaults, **fields})


def test_a_coordinator_writes_and_publishes_news_with_a_photo(aksu):
    client = Client()
    sign_in(client, make_staff("coordinator", city=aksu))
    response = client.post(
        reverse("news:staff_new", kwargs={"city_id": aksu.pk}),
        {
            "title_kk": "Дауыс беру басталды",
            "title_ru": "Голосование началось",
            "title_en": "Voting has started",
            "body_kk": "Мәтін",
            "body_ru": "Текст",
            "body_en": "Text",
            "photo_alt": "The square",
            "new_photo": jpeg_upload(),
            "publish": "on",
        },
    )
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.is_published and item.photo and item.photo_width == 640
    assert AuditEntry.objects.filter(action="news.created").exists()
    for language, title in (
        ("kk", "Дауыс беру басталды"),
        ("ru", "Голосование началось"),
        ("en", "Voting has started"),
    ):
        page = Client(headers={"accept-language": language}).get(reverse("news:list", kwargs={"city_slug": "aksu"}))
        assert title in page.text


def test_drafts_are_not_public(aksu):
    draft = _item(aksu, published_at=None, title_en="Secret draft")
    client = Client(headers={"accept-language": "en"})
    assert "Secret draft" not in client.get(reverse("news:list", kwargs={"city_slug": "aksu"})).text
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_title_in_one_language_falls_back_in_the_others(aksu):
    item = _item(aksu, title_kk="", title_ru="Только по-русски", title_en="")
    assert "Только по-русски" in Client(headers={"accept-language": "en"}).get(item.get_absolute_url()).text


def test_rss_and_atom_feeds_per_language(aksu):
    _item(aksu, title_ru="Итоги опубликованы", title_en="Results are published")
    rss = Client().get(reverse("news:rss", kwargs={"city_slug": "aksu", "lang": "ru"}))
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Итоги опубликованы" in rss.content.decode()
    atom = Client().get(reverse("news:atom", kwargs={"city_slug": "aksu", "lang": "en"}))
    assert "Results are published" in atom.content.decode() and "http://www.w3.org/2005/Atom" in atom.content.decode()
    assert Client().get(reverse("news:rss", kwargs={"city_slug": "aksu", "lang": "xx"})).status_code == 404


def test_another_citys_coordinator_cannot_write_here(aksu):
    from editions.models import City

    other = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    client = Client()
    sign_in(client, make_staff("coordinator", city=other))
    assert client.get(reverse("news:staff_new", kwargs={"city_id": aksu.pk})).status_code == 403


def test_the_city_home_shows_the_latest_news(aksu):
    _item(aksu, title_en="Fresh news")
    page = Client(headers={"accept-language": "en"}).get(reverse("editions:city", kwargs={"city_slug": "aksu"}))
    assert "Fresh news" in page.text
