"""Writing to and checking the audit log. Areas call `record_action`; this module calls no area."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead


def _json_safe(value):
    """Round-trip through JSON now, so the hashed value is exactly what the database gives back later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def record_action(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    edition_id: int | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    public: bool = False,
) -> AuditEntry:
    """Append one entry; call it inside the transaction that makes the change, so both commit or neither.

    `action` is a dotted code such as "edition.phase_changed"; `public` entries are the decisions shown
    on an edition's public "decisions" page.
    """
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            edition_id=edition_id,
            summary=summary,
            before=_json_safe(before),
            after=_json_safe(after),
            public=public,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_seq, head.last_hash = entry.seq, entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain() -> list[ChainProblem]:
    """Recompute every hash and link; report edited, inserted, reordered or deleted entries."""
    problems: list[ChainProblem] = []
    expected_prev, expected_seq = "", 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            problems.append(ChainProblem(expected_seq, f"entries {expected_seq}..{entry.seq - 1} are missing"))
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.seq, "does not link to the previous entry"))
        if entry.compute_hash() != entry.hash:
            problems.append(ChainProblem(entry.seq, "content was changed after it was written"))
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != expected_prev):
        problems.append(ChainProblem(head.last_seq, "the newest entries were deleted"))
    return problems
