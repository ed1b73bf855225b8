"""editions.forms: what a coordinator is told when an edition, a district or a role does not add up."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from accounts.testing import make_user
from editions import forms, services
from editions.models import Edition

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=ALMATY)


def post_data(**overrides) -> dict:
    """What the browser sends: datetime-local values in the local time zone."""
    data = {
        "year": "2026",
        "title_kk": "Берекелі бастама",
        "title_ru": "Берекелі бастама",
        "title_en": "Berekeli bastama",
        "budget": "80000000",
        "proposal_cost_cap": "10000000",
        "min_voter_age": "16",
        "ballot_type": "knapsack",
        "max_choices": "",
        "points": "",
        "counting_rule": "greedy",
    }
    for n, field in enumerate(services.DATE_FIELDS):
        data[field] = (NOW + timedelta(days=1 + 10 * n)).strftime("%Y-%m-%dT%H:%M")
    return {**data, **overrides}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller, translation.override("en"):
        yield traveller


@pytest.fixture
def edition(aksu):
    form = forms.EditionForm(post_data(), city=aksu)
    assert form.is_valid(), form.errors
    return Edition.objects.create(city=aksu, tie_break_seed="seed", **form.values())


def errors(data, city, **kwargs) -> dict:
    form = forms.EditionForm(data, city=city, **kwargs)
    form.is_valid()
    return form.errors


def test_a_complete_edition_is_valid_and_dates_are_local_time(aksu):
    form = forms.EditionForm(post_data(), city=aksu)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["announcement_starts"] == NOW + timedelta(days=1)
    assert "tie_break_seed" not in form.fields  # drawn at random when the edition is created


def test_dates_out_of_order_are_refused_on_the_later_date(aksu):
    data = post_data(voting_starts=post_data()["review_starts"], review_starts=post_data()["results_start"])
    assert list(errors(data, aksu)) == ["voting_starts"]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"budget": "0"}, "budget", "The budget must be more than zero."),
        ({"budget": ""}, "budget", "Enter the budget in tenge."),
        ({"proposal_cost_cap": "90000000"}, "proposal_cost_cap", "cannot be more than the budget"),
        ({"ballot_type": "approval"}, "max_choices", "Enter how many projects"),
        ({"ballot_type": "ranked"}, "max_choices", "Enter how many projects"),
        ({"ballot_type": "cumulative"}, "points", "Enter how many points"),
        ({"ballot_type": "cumulative", "points": "10", "counting_rule": "phragmen"}, "counting_rule", "Phragm"),
        ({"ballot_type": "ranked", "max_choices": "3", "counting_rule": "phragmen"}, "counting_rule", "Phragm"),
        ({"announcement_starts": ""}, "announcement_starts", "Enter the date and time."),
    ],
)
def test_each_mistake_is_explained_on_its_field(aksu, overrides, field, message):
    found = errors(post_data(**overrides), aksu)
    assert field in found and message in found[field][0]


@pytest.mark.parametrize(
    "ballot, extra",
    [("knapsack", {}), ("single", {}), ("approval", {"max_choices": "5"})],
)
def test_phragmen_counts_approval_like_ballots(aksu, ballot, extra):
    assert errors(post_data(ballot_type=ballot, counting_rule="phragmen", **extra), aksu) == {}


def test_mes_is_refused_when_the_core_does_not_have_it(aksu, monkeypatch):
    monkeypatch.setattr(forms, "counting_rule_installed", lambda rule: rule != "mes")
    assert "counting_rule" in errors(post_data(counting_rule="mes"), aksu)
    monkeypatch.setattr(forms, "counting_rule_installed", lambda rule: True)
    assert errors(post_data(counting_rule="mes", ballot_type="cumulative", points="10"), aksu) == {}


def test_settings_of_another_ballot_type_are_dropped(aksu):
    form = forms.EditionForm(post_data(max_choices="5", points="10"), city=aksu)
    assert form.is_valid()
    assert form.cleaned_data["max_choices"] is None and form.cleaned_data["points"] is None


def test_one_edition_per_city_and_year(aksu, edition):
    assert "year" in errors(post_data(), aksu)
    assert errors(post_data(year="2027"), aksu) == {}


def test_errors_are_translated(aksu):
    with translation.override("ru"):
        assert errors(post_data(budget="0"), aksu)["budget"] == ["Бюджет должен быть больше нуля."]
    with translation.override("kk"):
        assert errors(post_data(budget="0"), aksu)["budget"] == ["Бюджет нөлден көп болуы керек."]


def test_a_typed_value_is_kept_when_the_form_is_refused(aksu):
    form = forms.EditionForm(post_data(budget="0", title_en="Typed title"), city=aksu)
    assert not form.is_valid()
    assert 'value="Typed title"' in str(form["title_en"])


def test_once_voting_opens_the_voting_settings_are_shown_locked(frozen, aksu, edition):
    frozen.move_to(edition.voting_starts + timedelta(minutes=1))
    form = forms.EditionForm(
        post_data(budget="1", ballot_type="approval", max_choices="3"), instance=edition, city=aksu
    )
    for field in services.VOTING_SETTINGS:
        assert form.fields[field].disabled
    for field in services.DATE_FIELDS[:4]:
        assert form.fields[field].disabled
    assert not form.fields["results_start"].disabled and not form.fields["title_en"].disabled
    assert form.is_valid(), form.errors
    values = form.values()
    assert "budget" not in values and "ballot_type" not in values and "title_en" in values
    assert form.locked_reason


def test_a_future_date_cannot_be_set_in_the_past_on_edit(aksu, edition):
    data = post_data(announcement_starts=(NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert "announcement_starts" in errors(data, aksu, instance=edition)


def test_district_budget_cannot_exceed_the_edition_budget(aksu, edition):
    form = forms.AddDistrictForm(
        {
            "new-district-name_kk": "А",
            "new-district-name_ru": "А",
            "new-district-name_en": "A",
            "new-district-budget": "90000000",
        },
        edition=edition,
    )
    assert not form.is_valid() and "budget" in form.errors


def test_a_new_district_needs_every_name(aksu, edition):
    form = forms.AddDistrictForm({"new-district-name_ru": "Центральный"}, edition=edition)
    assert not form.is_valid() and set(form.errors) == {"name_kk", "name_en"}


def test_advance_needs_a_reason_and_a_confirmation():
    form = forms.AdvancePhaseForm({"reason": "", "next_phase": "voting"})
    assert not form.is_valid() and set(form.errors) == {"reason", "confirm"}


def test_a_role_goes_to_an_existing_phone_number():
    person = make_user()
    form = forms.StaffRoleForm({"phone": person.phone, "role": "expert"})
    assert form.is_valid() and form.cleaned_data["phone"] == person
    assert "phone" in forms.StaffRoleForm({"phone": "+77019999999", "role": "expert"}).errors
    assert "phone" in forms.StaffRoleForm({"phone": "123", "role": "expert"}).errors
    assert "role" in forms.StaffRoleForm({"phone": person.phone, "role": "administrator"}).errors


def test_dates_sent_back_unchanged_keep_their_seconds(aksu, edition):
    Edition.objects.filter(pk=edition.pk).update(
        announcement_starts=edition.announcement_starts - timedelta(days=2, microseconds=7),
        voting_starts=edition.voting_starts + timedelta(seconds=42, microseconds=5),
    )
    edition.refresh_from_db()
    data = post_data(
        **{f: getattr(edition, f).astimezone(ALMATY).strftime("%Y-%m-%dT%H:%M") for f in services.DATE_FIELDS}
    )
    data["tie_break_seed"] = "seed"
    form = forms.EditionForm(data, instance=edition, city=aksu)
    assert form.fields["announcement_starts"].disabled  # it has passed; a disabled date is never "moved"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["voting_starts"] == edition.voting_starts


def test_a_city_link_typed_without_a_scheme_is_https():
    data = {"slug": "ekibastuz", "name_kk": "Екібастұз", "name_ru": "Экибастуз", "name_en": "Ekibastuz"}
    form = forms.CityForm({**data, "instagram": "instagram.com/ekibastuz"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["instagram"] == "https://instagram.com/ekibastuz"
