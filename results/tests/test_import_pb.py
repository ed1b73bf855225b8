from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from pbcount import pabulib
from results.models import CountRun

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent / "data"


def _import(path: Path) -> CountRun:
    out = StringIO()
    call_command("import_pb", str(path), stdout=out)
    assert "same as the city's selected column" in out.getvalue()
    return CountRun.objects.get()


def _selected(path: Path) -> list[str]:
    return [p.id for p in pabulib.read(path).projects if p.extra.get("selected") == "1"]


def test_import_reproduces_the_official_result_and_is_public(client):
    path = HERE / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"
    run = _import(path)
    assert run.winners == _selected(path)
    assert run.edition.counting_rule == "greedy" and run.edition.ballot_type == "approval"
    assert run.edition.city.slug == "demo-warszawa"
    page = client.get(reverse("results:edition", args=[run.edition.pk])).content.decode()
    assert "Akademia Szkraba" in page


def test_a_second_import_of_the_same_city_and_year_asks_for_another_slug():
    path = HERE / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"
    _import(path)
    with pytest.raises(CommandError, match="city-slug"):
        call_command("import_pb", str(path))
    call_command("import_pb", str(path), "--city-slug", "demo-wesola", stdout=StringIO())
    assert CountRun.objects.count() == 2


def test_decimal_costs_are_refused_with_a_clear_message(tmp_path):
    text = (HERE / "Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb").read_text().replace("427;15995;", "427;15995.5;")
    path = tmp_path / "decimal.pb"
    path.write_text(text)
    with translation.override("en"), pytest.raises(CommandError, match="^This file has costs with decimals"):
        call_command("import_pb", str(path))
    assert not CountRun.objects.exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Poland_Warszawa_2017_Plac_Wojska_Polskiego",
        "Netherlands_Assen_2024",
        "Poland_Swiecie_2023",
    ],
)
def test_shared_files_reproduce_the_city_selected_column(pbdata: Path, name: str):
    path = pbdata / f"{name}.pb"
    assert sorted(_import(path).winners) == sorted(_selected(path))
