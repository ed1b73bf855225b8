"""A ballot cost may not exceed the budget the proposal is voted on: its district's own, the shared one, or the
edition's one budget."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.testing import sign_in
from editions.models import District, EditionDistrict, Phase
from review import services
from review.forms import DecisionForm
from review.models import CouncilDecision
from review.selectors import progress_for, review_progress

from .factories import assessment_data, cast, make_edition, make_proposal

pytestmark = pytest.mark.django_db

BUDGET = 80_000_000  # make_edition's


@pytest.fixture
def edition():
    return make_edition(phase=Phase.REVIEW)


@pytest.fixture
def people(edition):
    return cast(edition.city)


def _district(edition, name: str, budget: int | None) -> District:
    district = District.objects.create(city=edition.city, name_kk=name, name_ru=name, name_en=name)
    EditionDistrict.objects.create(edition=edition, district=district, budget=budget)
    return district


def _assessed(edition, people, *costs, **fields):
    """A proposal assessed by one expert per cost (None: not feasible)."""
    proposal = make_proposal(edition, **fields)
    experts = [people[name] for name in ("anna", "bolat", "chingiz")[: len(costs)]]
    services.assign(proposal=proposal, actor=people["coordinator"], experts=experts)
    for expert, cost in zip(experts, costs, strict=True):
        recommendation = "feasible" if cost else "not_feasible"
        services.submit_assessment(
            proposal=proposal, actor=expert, **assessment_data(recommendation=recommendation, cost=cost)
        )
    return proposal


def _disputed(edition, people, **fields):
    """A proposal on which the experts disagree: the coordinator records the decision."""
    return _assessed(edition, people, 4_000_000, None, **fields)


def _decide(proposal, people, cost):
    return services.record_decision(
        proposal=proposal, actor=people["coordinator"], feasible=True, ballot_cost=cost, reason="The council: yes"
    )


def test_the_service_refuses_a_ballot_cost_over_the_editions_budget(edition, people):
    proposal = _disputed(edition, people)
    with pytest.raises(ValidationError) as refused:
        _decide(proposal, people, BUDGET + 1)
    assert refused.value.code == "over_budget"
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost) == ("in_review", None)
    assert _decide(proposal, people, BUDGET).ballot_cost == BUDGET  # the whole budget is still fundable


def test_an_over_budget_proposal_can_still_be_marked_not_feasible(edition, people):
    proposal = _disputed(edition, people)
    decision = services.record_decision(
        proposal=proposal, actor=people["coordinator"], feasible=False, ballot_cost=BUDGET + 1, reason="Too dear"
    )
    assert (decision.feasible, decision.ballot_cost) == (False, None)


def test_the_refusal_is_translated_and_names_both_amounts(edition, people):
    proposal = _disputed(edition, people)
    messages = {}
    for language in ("kk", "ru", "en"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            _decide(proposal, people, 90_000_000)
        messages[language] = refused.value.messages[0]
    assert messages["en"] == (
        "The cost on the ballot (₸90,000,000) is more than the budget this proposal is voted on (₸80,000,000): "
        "it could never be funded. Lower the cost or mark the proposal not feasible."
    )
    assert "90\u202f000\u202f000\u00a0₸" in messages["kk"] and "80\u202f000\u202f000\u00a0₸" in messages["ru"]
    assert len(set(messages.values())) == 3


def test_with_a_split_budget_a_district_with_its_own_budget_is_held_to_it(edition, people):
    village = _district(edition, "Village", 10_000_000)
    _district(edition, "Town", None)
    proposal = _disputed(edition, people, district=village)
    assert progress_for(proposal).budget == 10_000_000
    with pytest.raises(ValidationError):
        _decide(proposal, people, 10_000_001)
    assert _decide(proposal, people, 10_000_000).ballot_cost == 10_000_000


def test_with_a_split_budget_other_districts_are_held_to_the_shared_budget(edition, people):
    _district(edition, "Village", 10_000_000)
    _district(edition, "Another village", 20_000_000)
    town = _district(edition, "Town", None)
    shared = BUDGET - 30_000_000
    proposal = _disputed(edition, people, district=town)
    assert progress_for(proposal).budget == shared
    with pytest.raises(ValidationError):
        _decide(proposal, people, shared + 1)
    # More than a village's own budget is fine in the town: only the shared budget counts.
    assert _decide(proposal, people, shared).ballot_cost == shared


def test_districts_without_budgets_of_their_own_share_the_editions_one_budget(edition, people):
    town = _district(edition, "Town", None)
    proposal = _disputed(edition, people, district=town)
    assert progress_for(proposal).budget == BUDGET
    assert _decide(proposal, people, BUDGET).ballot_cost == BUDGET


def test_the_decision_form_shows_the_error_on_the_cost_and_keeps_what_was_typed(client, edition, people):
    village = _district(edition, "Village", 10_000_000)
    proposal = _disputed(edition, people, district=village)
    sign_in(client, people["coordinator"])
    url = reverse("review:decide", args=[edition.pk, proposal.pk])
    page = client.get(url).content.decode()
    assert "This proposal is voted on a budget of ₸10,000,000" in page
    response = client.post(url, {"feasible": "1", "ballot_cost": "12000000", "reason": "Worth every tenge"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["ballot_cost"]
    assert "more than the budget this proposal is voted on (₸10,000,000)" in form.errors["ballot_cost"][0]
    html = response.content.decode()
    assert 'value="12000000"' in html and "Worth every tenge" in html
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    assert client.post(url, {"feasible": "1", "ballot_cost": "9500000", "reason": "Yes"}).status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost) == ("feasible", 9_500_000)


def test_the_form_alone_refuses_the_cost(edition, people):
    proposal = _disputed(edition, people)
    form = DecisionForm({"feasible": "1", "ballot_cost": str(BUDGET + 1), "reason": "x"}, proposal=proposal)
    assert not form.is_valid() and list(form.errors) == ["ballot_cost"]
    assert form.errors.as_data()["ballot_cost"][0].code == "over_budget"
    assert DecisionForm({"feasible": "0", "ballot_cost": str(BUDGET + 1), "reason": "x"}, proposal=proposal).is_valid()


def test_experts_agreeing_on_a_cost_over_budget_leave_the_decision_to_the_coordinator(client, edition, people):
    village = _district(edition, "Village", 10_000_000)
    _district(edition, "Town", None)
    proposal = _assessed(edition, people, 11_000_000, 12_000_000, district=village)
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    proposal.refresh_from_db()
    assert proposal.status == "in_review"
    progress = progress_for(proposal)
    assert (progress.agreed, progress.agreed_cost, progress.over_budget, progress.needs_coordinator) == (
        True,
        11_500_000,
        True,
        True,
    )
    sign_in(client, people["coordinator"])
    html = client.get(reverse("review:progress", args=[edition.pk])).content.decode()
    assert f'class="disagree" id="proposal-{proposal.pk}"' in html
    assert "Experts agree on ₸11,500,000, more than the budget of ₸10,000,000" in html
    assert reverse("review:decide", args=[edition.pk, proposal.pk]) in html
    with pytest.raises(ValidationError):  # the coordinator too is held to the budget
        _decide(proposal, people, 11_500_000)
    decision = _decide(proposal, people, 10_000_000)
    assert (decision.unanimous, decision.decided_by) == (False, people["coordinator"])


def test_experts_revising_their_cost_within_the_budget_decide_automatically(edition, people):
    proposal = _assessed(edition, people, BUDGET + 1)
    assert not CouncilDecision.objects.filter(proposal=proposal).exists()
    services.submit_assessment(proposal=proposal, actor=people["anna"], **assessment_data(cost=BUDGET))
    decision = CouncilDecision.objects.get(proposal=proposal)
    assert (decision.ballot_cost, decision.unanimous) == (BUDGET, True)


def test_experts_agreeing_within_the_budget_still_decide_automatically(edition, people):
    _district(edition, "Village", 10_000_000)
    town = _district(edition, "Town", None)
    proposal = _assessed(edition, people, 60_000_000, 60_000_001, district=town)  # shared budget: 70 000 000
    assert CouncilDecision.objects.get(proposal=proposal).ballot_cost == 60_000_001


def test_a_coordinator_cannot_overrule_experts_agreeing_within_the_budget(edition, people):
    proposal = _assessed(edition, people, 4_000_000, 4_000_000)
    with pytest.raises(ValidationError):
        _decide(proposal, people, 3_000_000)


def test_the_progress_table_reads_the_budgets_once(edition, people):
    village = _district(edition, "Village", 10_000_000)
    town = _district(edition, "Town", None)
    over = _assessed(edition, people, 20_000_000, district=village)
    within = _assessed(edition, people, 20_000_000, district=town)
    rows = {row.proposal.pk: row for row in review_progress(edition)}
    assert (rows[over.pk].budget, rows[over.pk].needs_coordinator) == (10_000_000, True)
    assert (rows[within.pk].budget, rows[within.pk].decision is not None) == (70_000_000, True)


def test_budgets_may_not_change_under_a_cost_already_on_the_ballot(edition, people):
    """The rule stays true when the coordinator changes budgets after the council's decisions (editions.services)."""
    from editions import services as edition_services

    coordinator = people["coordinator"]
    north = _district(edition, "North", 10_000_000)
    south = _district(edition, "South", None)
    own = make_proposal(edition, status="feasible", ballot_cost=9_000_000, district=north)
    shared = make_proposal(edition, status="feasible", ballot_cost=60_000_000, district=south)
    north_row = EditionDistrict.objects.get(edition=edition, district=north)

    with pytest.raises(ValidationError) as refused:
        edition_services.update_edition_district(
            actor=coordinator,
            edition_district=north_row,
            names={"name_kk": "North", "name_ru": "North", "name_en": "North"},
            budget=8_000_000,
        )
    assert f"#{own.pk}" in refused.value.message_dict["budget"][0]
    assert EditionDistrict.objects.get(pk=north_row.pk).budget == 10_000_000  # nothing saved

    with pytest.raises(ValidationError) as refused:  # the shared budget would fall to 65 - 10 = 55 million
        edition_services.update_edition(actor=coordinator, edition=edition, values={"budget": 65_000_000})
    assert f"#{shared.pk}" in refused.value.message_dict["budget"][0]
    edition.refresh_from_db()
    assert edition.budget == BUDGET

    west = District.objects.create(city=edition.city, name_kk="West", name_ru="West", name_en="West")
    with pytest.raises(ValidationError):  # a new own budget of 15 million leaves 55 million to share
        edition_services.add_edition_district(actor=coordinator, edition=edition, district=west, budget=15_000_000)
    assert not EditionDistrict.objects.filter(district=west).exists()

    edition_services.add_edition_district(actor=coordinator, edition=edition, district=west, budget=10_000_000)
    edition_services.update_edition(actor=coordinator, edition=edition, values={"budget": 90_000_000})
    edition.refresh_from_db()
    assert edition.budget_for(south.pk) == 70_000_000


def test_the_structure_page_shows_why_a_budget_change_is_refused(client, edition, people):
    north = _district(edition, "North", 10_000_000)
    make_proposal(edition, status="feasible", ballot_cost=9_000_000, district=north)
    row = EditionDistrict.objects.get(edition=edition, district=north)
    sign_in(client, people["coordinator"])
    client.cookies["django_language"] = "ru"
    data = {f"district-{row.pk}-{field}": "North" for field in ("name_kk", "name_ru", "name_en")}
    data[f"district-{row.pk}-budget"] = "8000000"
    response = client.post(
        reverse("staff:district_edit", kwargs={"edition_id": edition.pk, "edition_district_id": row.pk}), data
    )
    assert response.status_code == 400
    assert "стоимост" in response.content.decode()  # the Russian message, in the form
    assert EditionDistrict.objects.get(pk=row.pk).budget == 10_000_000
