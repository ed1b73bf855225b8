"""The demo loader: 40 Aksu proposals in Russian and Kazakh, various states, idempotent."""

import pytest
from django.utils import timezone

from editions.demo import DemoContext
from editions.demo import load as load_editions
from editions.models import Phase
from proposals.demo import load
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_makes_forty_proposals_once():
    context = DemoContext(now=timezone.now(), phase=Phase.PROPOSALS, write=lambda line: None)
    load_editions(context)
    load(context)
    load(context)
    edition = context.editions["aksu"]
    proposals = Proposal.objects.of_edition(edition)
    assert proposals.count() == 40
    statuses = set(proposals.values_list("status", flat=True))
    assert statuses == {"submitted", "draft", "hidden", "withdrawn", "merged"}
    assert proposals.filter(title__contains="аулаға").exists()  # Kazakh
    merged = proposals.get(status="merged")
    assert merged.merged_into.status == "submitted"
    for proposal in proposals.public():
        assert proposal.supports_count == proposal.supports.count()
    assert proposals.filter(attachments__isnull=False).distinct().count() == 5
