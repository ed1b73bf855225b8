import pytest
from django.urls import reverse

from accounts.iin import iin_hash
from accounts.testing import make_staff, make_user, sign_in
from audit.models import AuditEntry
from editions.models import City, District

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    city = City.objects.create(slug="aksu", name_kk="Ақсу", name_ru="Аксу", name_en="Aksu")
    return District.objects.create(city=city, name_kk="Орталық", name_ru="Центральный", name_en="Central")


def _save(client, **data):
    form = {"name": "Aigerim", "district": "", "language": "en", "iin": "", **data}
    return client.post(reverse("accounts:profile"), form, HTTP_ACCEPT_LANGUAGE="en")


def test_a_resident_saves_name_district_language_and_iin(client, district):
    user = make_user()
    sign_in(client, user)
    response = _save(client, district=district.pk, language="ru", iin="061211 600012")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    user.refresh_from_db()
    assert (user.name, user.district, user.language) == ("Aigerim", district, "ru")
    assert user.iin_hash == iin_hash("061211600012") and user.iin_last_digits == "0012"
    assert str(user.birth_date) == "2006-12-11" and user.sex == "female"
    assert "061211600012" not in str(user.__dict__)
    page = client.get(reverse("accounts:profile"))
    assert "0012" in page.text and 'name="iin"' not in page.text


def test_an_invalid_iin_is_refused_and_what_was_typed_is_kept(client, district):
    sign_in(client, make_user())
    response = _save(client, name="Aigerim Sadykova", iin="061211600013")
    assert response.status_code == 200
    assert "This IIN is not valid" in response.text
    assert 'value="Aigerim Sadykova"' in response.text and 'value="061211600013"' in response.text


def test_an_iin_already_registered_is_refused(client, district):
    owner = make_user()
    sign_in(client, owner)
    _save(client, iin="791028302728")
    sign_in(client, make_user())
    response = _save(client, iin="791028302728")
    assert "already registered to another account" in response.text


def test_a_resident_cannot_change_a_set_iin(client, district):
    user = make_user()
    sign_in(client, user)
    _save(client, iin="791028302728")
    _save(client, iin="251112401047")
    user.refresh_from_db()
    assert user.iin_last_digits == "2728"


def test_a_coordinator_corrects_the_iin_of_a_resident_of_their_city_and_it_is_audited(client, district):
    resident = make_user(district=district)
    sign_in(client, resident)
    _save(client, iin="791028302728", district=district.pk)
    coordinator = make_staff("coordinator", city=district.city)
    sign_in(client, coordinator)
    response = client.post(reverse("accounts:correct_iin"), {"phone": resident.phone, "iin": "251112401047"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.iin_last_digits == "1047"
    entry = AuditEntry.objects.get(action="accounts.iin_corrected")
    assert entry.before["iin_last_digits"] == "2728" and entry.after["iin_last_digits"] == "1047"


def test_a_coordinator_of_another_city_cannot_correct_it(client, district):
    resident = make_user(district=district)
    other = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    sign_in(client, make_staff("coordinator", city=other))
    response = client.post(reverse("accounts:correct_iin"), {"phone": resident.phone, "iin": "251112401047"})
    assert response.status_code == 403


def test_the_districts_are_grouped_by_city_so_two_centrals_are_told_apart(client, district):
    other = City.objects.create(slug="khromtau", name_kk="Хромтау", name_ru="Хромтау", name_en="Khromtau")
    District.objects.create(city=other, name_kk="Орталық", name_ru="Центральный", name_en="Central")
    sign_in(client, make_user())
    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en").text
    aksu, khromtau = page.index('<optgroup label="Aksu">'), page.index('<optgroup label="Khromtau">')
    assert aksu < page.index(f'value="{district.pk}"') < khromtau
    assert _save(client, district=district.pk).status_code == 302
