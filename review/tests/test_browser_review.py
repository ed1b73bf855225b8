"""In a real browser: an expert assesses an assigned proposal; a coordinator publishes the shortlist."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.testing import sign_in_browser
from editions.models import Phase
from review import services
from review.models import Assessment, Shortlist

from .factories import assessment_data, cast, make_edition, make_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_english(page, base_url):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}])


def test_an_expert_assesses_a_proposal(desktop_page, live_server):
    edition = make_edition(phase=Phase.REVIEW)
    people = cast(edition.city)
    proposal = make_proposal(edition, title="Swings for Abai street")
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"]])
    page = desktop_page
    sign_in_browser(page, people["anna"], base_url=live_server.url)
    _in_english(page, live_server.url)

    page.goto("/staff/review/")
    page.get_by_role("link", name="Assess", exact=True).click()
    page.get_by_label("Legal and land-ownership check").fill("Town land, cadastral 12:345")
    page.get_by_label("Technical feasibility").fill("Standard equipment")
    page.get_by_label("Maintenance needs").fill("The akimat")
    page.get_by_label("Feasible", exact=True).check()
    page.get_by_label("Public reason").fill("Feasible on town land")
    page.get_by_label("Internal notes (never shown publicly)").fill("Check the contractor")
    page.get_by_role("button", name="Save the assessment").click()
    # A feasible recommendation without a cost: the form comes back with everything typed.
    expect(page.get_by_text("A feasible proposal needs a cost estimate.").first).to_be_visible()
    assert page.get_by_label("Legal and land-ownership check").input_value() == "Town land, cadastral 12:345"
    page.get_by_label("Cost estimate, tenge").fill("4200000")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_text("Your assessment is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Decided")).to_be_visible()  # the only expert: the decision is taken
    assessment = Assessment.objects.get(proposal=proposal)
    assert (assessment.cost_estimate, assessment.internal_notes) == (4_200_000, "Check the contractor")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.ballot_cost) == ("feasible", 4_200_000)


def test_a_coordinator_publishes_the_shortlist(desktop_page, live_server):
    edition = make_edition(phase=Phase.REVIEW)
    people = cast(edition.city)
    proposal = make_proposal(edition, title="Lights in the park")
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    services.submit_assessment(proposal=proposal, actor=people["anna"], **assessment_data(cost=3_000_000))
    services.submit_assessment(
        proposal=proposal, actor=people["bolat"], **assessment_data(recommendation="not_feasible")
    )
    page = desktop_page
    sign_in_browser(page, people["coordinator"], base_url=live_server.url)
    _in_english(page, live_server.url)

    page.goto(f"/staff/editions/{edition.pk}/review/")
    expect(page.get_by_text("Experts disagree")).to_be_visible()
    page.get_by_role("button", name="Close the review and publish the shortlist").click()
    expect(page.get_by_text("waits for a decision").first).to_be_visible()
    assert not Shortlist.objects.exists()

    page.get_by_role("link", name="Record the council's decision").click()
    page.get_by_label("Feasible", exact=True).check()
    page.get_by_label("Cost on the ballot, tenge").fill("3100000")
    page.get_by_label("Public reason").fill("The council found it feasible")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The council's decision is recorded.")).to_be_visible()
    page.get_by_role("button", name="Close the review and publish the shortlist").click()
    expect(page.get_by_text("The review is closed and the shortlist is published.")).to_be_visible()
    page.screenshot(path=str(settings.BASE_DIR / "test-artifacts" / "review-published.png"), full_page=True)
    assert Shortlist.objects.get(edition=edition).published_by == people["coordinator"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_review_screens_pass_axe_on_a_phone(page, live_server, language):
    from editions.tests.test_browser_public import axe_violations

    edition = make_edition(phase=Phase.REVIEW)
    people = cast(edition.city)
    proposal = make_proposal(edition)
    services.assign(proposal=proposal, actor=people["coordinator"], experts=[people["anna"], people["bolat"]])
    services.submit_assessment(proposal=proposal, actor=people["bolat"], **assessment_data())
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    screens = {
        "anna": [
            "/staff/review/",
            f"/staff/review/proposals/{proposal.pk}/",
            f"/staff/review/proposals/{proposal.pk}/conflict/",
        ],
        "coordinator": [
            f"/staff/editions/{edition.pk}/review/",
            f"/staff/editions/{edition.pk}/review/groups/",
            f"/staff/editions/{edition.pk}/review/proposals/{proposal.pk}/assign/",
            f"/staff/editions/{edition.pk}/review/proposals/{proposal.pk}/decision/",
        ],
    }
    found = {}
    for who, urls in screens.items():
        sign_in_browser(page, people[who], base_url=live_server.url)
        for url in urls:
            page.goto(url)
            found[url] = axe_violations(page)
    assert {url: v for url, v in found.items() if v} == {}


def test_the_journey_from_assignment_to_the_public_decision_in_kazakh(desktop_page, live_server):
    edition = make_edition(phase=Phase.REVIEW)
    people = cast(edition.city)
    proposal = make_proposal(edition, title="Аулаға әткеншек")
    page = desktop_page
    _in_english(page, live_server.url)

    sign_in_browser(page, people["coordinator"], base_url=live_server.url)
    page.goto(f"/staff/editions/{edition.pk}/review/")
    page.get_by_role("link", name="Assign experts").click()
    page.get_by_label("Anna Expert").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("The experts are assigned.")).to_be_visible()

    page.context.clear_cookies()
    _in_english(page, live_server.url)
    sign_in_browser(page, people["anna"], base_url=live_server.url)
    page.goto(f"/staff/review/proposals/{proposal.pk}/")
    page.get_by_label("Legal and land-ownership check").fill("Қала жері")
    page.get_by_label("Technical feasibility").fill("Типтік жоба")
    page.get_by_label("Maintenance needs").fill("Әкімдік")
    page.get_by_label("Cost estimate, tenge").fill("4200000")
    page.get_by_label("Feasible", exact=True).check()
    page.get_by_label("Public reason").fill("Қала жерінде іске асыруға болады")
    page.get_by_label("Internal notes (never shown publicly)").fill("INTERNAL-ONLY мердігерді тексеру")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_text("Your assessment is saved.")).to_be_visible()

    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "kk", "url": live_server.url}])
    page.goto(f"/proposals/{proposal.pk}/")
    decision = page.locator("section.decision")
    expect(decision).to_contain_text("Сараптама кеңесінің шешімі")
    expect(decision).to_contain_text("Іске асыруға болады")
    expect(decision).to_contain_text("Қала жерінде іске асыруға болады")
    expect(decision).to_contain_text("4\u202f200\u202f000\u00a0₸")
    assert "INTERNAL-ONLY" not in page.content()
