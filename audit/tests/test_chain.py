"""The hash chain shows edits, deletions in the middle and deletions at the end; the command says so."""

import pytest
from django.core.management import CommandError, call_command

from accounts.testing import make_user
from audit.models import AuditEntry
from audit.services import record_action, verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    actor = make_user(name="Coordinator")
    return [
        record_action(actor=actor, action="edition.phase_changed", edition_id=1, summary=f"step {n}", after={"n": n})
        for n in range(1, 6)
    ]


def test_an_untouched_chain_verifies(chain, capsys):
    assert verify_chain() == []
    call_command("verify_audit_log")
    assert "intact" in capsys.readouterr().out


def test_each_entry_links_to_the_one_before(chain):
    assert chain[0].prev_hash == ""
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:], strict=False))


def test_an_edited_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=3).update(summary="something else")
    assert [(p.seq, p.problem) for p in verify_chain()] == [(3, "content was changed after it was written")]
    with pytest.raises(CommandError):
        call_command("verify_audit_log")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(chain):
    entry = AuditEntry.objects.get(seq=3)
    entry.after = {"n": 99}
    entry.hash = entry.compute_hash()
    entry.save()
    assert [p.seq for p in verify_chain()] == [4]


def test_a_deleted_entry_is_detected(chain):
    AuditEntry.objects.filter(seq=2).delete()
    problems = verify_chain()
    assert any("missing" in p.problem for p in problems)
    assert any(p.seq == 3 and "link" in p.problem for p in problems)


def test_deleting_the_newest_entries_is_detected(chain, capsys):
    AuditEntry.objects.filter(seq__gte=4).delete()
    assert [p.problem for p in verify_chain()] == ["the newest entries were deleted"]
    with pytest.raises(CommandError):
        call_command("verify_audit_log")
    assert "newest entries were deleted" in capsys.readouterr().err


def test_values_are_hashed_as_the_database_returns_them(chain):
    from datetime import date
    from decimal import Decimal

    record_action(actor=None, action="x.y", after={"when": date(2026, 1, 2), "cost": Decimal("1.50")})
    assert verify_chain() == []
