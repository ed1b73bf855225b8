"""Publishing tells each project's followers (and author) whether it won, once, through the notification queue."""

import pytest

from accounts.testing import make_user
from notifications.models import Message
from notifications.services import follow
from results.services import count_edition, publish_results
from voting.services import cast_ballot
from voting.tests.paper_factories import ballot_ids, coordinators, make_voter, make_voting_edition

from .test_end_to_end import _close

pytestmark = pytest.mark.django_db


def test_followers_hear_whether_their_project_won_and_only_once():
    from proposals.models import Proposal

    edition = make_voting_edition()
    coordinator = coordinators(edition, 1)[0]
    playground, benches, _lights = ballot_ids(edition)
    cast_ballot(user=make_voter(), edition=edition, choices={playground: 1})
    fan_of_playground = make_user(email="a@example.org")
    fan_of_benches = make_user(email="b@example.org")
    follow(user=fan_of_playground, target=Proposal.objects.get(pk=playground))
    follow(user=fan_of_benches, target=Proposal.objects.get(pk=benches))
    _close(edition)
    (run,) = count_edition(edition=edition, actor=coordinator)
    publish_results(run=run, actor=coordinator)
    messages = {m.user_id: m.context for m in Message.objects.filter(template="results/notifications/project_result")}
    assert messages[fan_of_playground.pk]["won"] is True and messages[fan_of_playground.pk]["votes"] == 1
    assert messages[fan_of_benches.pk]["won"] is False
    count = Message.objects.count()
    (again,) = count_edition(edition=edition, actor=coordinator)
    publish_results(run=again, actor=coordinator)
    assert Message.objects.count() == count


def test_the_message_renders_in_the_recipients_language():
    from notifications.worker import render

    user = make_user(email="c@example.org", language="en")
    message = Message(
        user=user,
        channel="email",
        template="results/notifications/project_result",
        context={
            "title": "Playground",
            "edition": {"kk": "Ақсу 2026", "ru": "Аксу 2026", "en": "Aksu 2026"},
            "won": True,
            "votes": 12,
            "path": "/editions/1/results/",
        },
    )
    rendered = render(message)
    assert rendered["subject"] == "Your project won: Playground"
    assert "with 12 votes" in rendered["body"] and "/editions/1/results/" in rendered["body"]
    assert "The results of Aksu 2026" in rendered["body"]
    message.user = make_user(email="k@example.org", language="kk")
    kazakh = render(message)["body"]
    assert "Ақсу 2026" in kazakh and "Aksu 2026" not in kazakh
