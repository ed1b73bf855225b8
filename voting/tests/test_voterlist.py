"""Voter list import: line-by-line checks, a report of rejected lines with reasons, only keyed hashes stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.iin import iin_hash
from accounts.testing import sign_in
from audit.models import AuditEntry
from voting.models import VoterListEntry
from voting.voterlist import check_lines, import_voter_list

from .paper_factories import coordinators, make_iin, make_voting_edition

pytestmark = pytest.mark.django_db


def test_each_line_is_checked_and_rejected_lines_say_why():
    good, other = make_iin(), make_iin()
    bad_check = good[:11] + str((int(good[11]) + 1) % 10)
    text = "\n".join(["ИИН;ФИО", f"{good};Айгерим", "12345", bad_check, f"{good[:6]} {good[6:]}", "", other])
    report = check_lines(text.encode("utf-8-sig"))
    assert [h for h, _ in report.hashes] == [iin_hash(good), iin_hash(other)]
    assert [(r.line, r.reason) for r in report.rejected] == [(3, "format"), (4, "check_digit"), (5, "duplicate")]
    assert good not in " ".join(r.shown for r in report.rejected)


def test_an_import_stores_hashes_only_and_skips_iins_already_listed():
    edition = make_voting_edition()
    coordinator = coordinators(edition, 1)[0]
    first, second = make_iin(), make_iin()
    import_voter_list(edition=edition, actor=coordinator, data=f"{first}\n")
    report = import_voter_list(edition=edition, actor=coordinator, data=f"{first}\n{second}\n")
    assert report.added == 1 and [r.reason for r in report.rejected] == ["already_listed"]
    stored = set(VoterListEntry.objects.values_list("iin_hash", flat=True))
    assert stored == {iin_hash(first), iin_hash(second)}
    assert AuditEntry.objects.filter(action="voting.voter_list_imported").count() == 2


def test_the_upload_page_shows_the_report(client):
    edition = make_voting_edition()
    sign_in(client, coordinators(edition, 1)[0])
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("list.csv", f"IIN\n{make_iin()}\n99\n".encode(), content_type="text/csv")
    response = client.post(reverse("voting_paper:voter_list", args=[edition.pk]), {"file": upload})
    page = response.content.decode()
    assert "Added: 1. Rejected lines: 1." in page
    assert "not 12 digits" in page
    assert VoterListEntry.objects.count() == 1


def test_a_coordinator_restricts_voting_to_the_list_before_voting_opens_and_it_is_a_public_decision(client):
    from datetime import timedelta

    from django.utils import timezone

    from editions.models import Edition
    from voting.eligibility import restriction_of

    edition = make_voting_edition()
    coordinator = coordinators(edition, 1)[0]
    sign_in(client, coordinator)
    url = reverse("voting_paper:restriction", args=[edition.pk])
    client.post(url, {"restriction": "voter_list"})
    assert restriction_of(edition) == "none"  # voting is open: fixed
    edition.voting_starts = edition.results_start = timezone.now() + timedelta(days=1)
    edition.save(update_fields=["voting_starts", "results_start"])
    assert client.post(url, {"restriction": "voter_list"}).status_code == 302
    assert restriction_of(Edition.objects.get(pk=edition.pk)) == "voter_list"  # restriction_of memoises per object
    assert AuditEntry.objects.get(action="voting.restriction_set").public
