"""State changes of proposals: one function per action, keyword-only, atomic; staff actions are audited.

Other apps change a proposal's status only through these (review calls `start_review` and
`record_council_decision`). Permission and phase checks live here too, raising PermissionDenied or
ValidationError, so a view cannot forget them.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_action
from editions.models import Phase
from editions.permissions import is_coordinator

from . import conf
from .models import (
    COUNTED_STATUSES,
    EDITABLE_STATUSES,
    PUBLIC_STATUSES,
    Comment,
    Proposal,
    ProposalAttachment,
    ProposalBan,
    ProposalFollow,
    ProposalStatusChange,
    ProposalSupport,
    Report,
    Status,
)
from .uploads import Processed, process_upload

# Fields a resident fills in; `save_draft`/`update_proposal` copy only these.
AUTHOR_FIELDS = (
    "title",
    "summary",
    "description",
    "problem",
    "category",
    "district",
    "address",
    "latitude",
    "longitude",
    "estimated_cost",
)


_TEXT_FIELDS = ("title", "summary", "description", "problem", "address")


def _set_status_history_start(proposal: Proposal, *, actor) -> None:
    ProposalStatusChange.objects.create(proposal=proposal, status_from="", status_to=proposal.status, actor=actor)


def _set_status(proposal: Proposal, status: str, *, actor, reason: str = "", fields=()) -> ProposalStatusChange:
    """Change the status and write one step of the public history (call inside a transaction)."""
    change = ProposalStatusChange.objects.create(
        proposal=proposal, status_from=proposal.status, status_to=status, actor=actor, reason=reason
    )
    proposal.status = status
    proposal.save(update_fields=["status", "updated_at", *fields])
    return change


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("edition", "edition__city").get(pk=proposal.pk)


def is_banned(user, city) -> bool:
    return ProposalBan.objects.filter(user=user, city=city, lifted_at__isnull=True).exists()


def _require_resident_may_act(user, edition) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if is_banned(user, edition.city):
        raise PermissionDenied(_("You have been blocked from taking part here by the coordinators."))


def _require_proposals_phase(edition) -> None:
    if edition.phase != Phase.PROPOSALS:
        raise ValidationError(_("Proposals can be submitted and changed only while the proposals phase is open."))


def _require_author(proposal: Proposal, user) -> None:
    if proposal.author_id != user.pk:
        raise PermissionDenied


def _require_coordinator(actor, edition) -> None:
    if not is_coordinator(actor, edition.city):
        raise PermissionDenied


def proposals_left(*, user, edition) -> int:
    """How many more proposals (drafts included) this resident may start in the edition."""
    used = Proposal.objects.filter(edition=edition, author=user, status__in=COUNTED_STATUSES).count()
    return max(conf.max_proposals_per_resident() - used, 0)


def check_cost(edition, cost: int | None) -> None:
    """Refuse a cost above the edition's cap (the form shows the message next to the field)."""
    cap = edition.proposal_cost_cap
    if cost is not None and cap is not None and cost > cap:
        raise ValidationError(
            {
                "estimated_cost": _("The estimated cost may not exceed %(cap)s tenge.")
                % {"cap": f"{cap:,}".replace(",", " ")}
            }
        )


def _check_complete(proposal: Proposal) -> None:
    """What a submitted proposal must have; a draft may lack any of it."""
    errors = {}
    for field in ("title", "summary", "description", "problem", "address"):
        if not getattr(proposal, field).strip():
            errors[field] = _("Fill this in before submitting.")
    if proposal.estimated_cost is None:
        errors["estimated_cost"] = _("Fill this in before submitting.")
    if proposal.district_id is None and proposal.edition.edition_districts.exists():
        errors["district"] = _("Choose a district before submitting.")
    if proposal.category_id is None and proposal.edition.categories.exists():
        errors["category"] = _("Choose a category before submitting.")
    if errors:
        raise ValidationError(errors)


def _check_choices(proposal: Proposal) -> None:
    edition = proposal.edition
    if proposal.category_id is not None and proposal.category.edition_id != edition.pk:
        raise ValidationError({"category": _("Choose one of this edition's categories.")})
    if proposal.district_id is not None and proposal.district.city_id != edition.city_id:
        raise ValidationError({"district": _("Choose one of this city's districts.")})
    check_cost(edition, proposal.estimated_cost)


@transaction.atomic
def save_draft(*, edition, author, data: dict, proposal: Proposal | None = None) -> Proposal:
    """Create a draft (or update the author's draft or submitted proposal) from the form's cleaned data."""
    _require_resident_may_act(author, edition)
    _require_proposals_phase(edition)
    if proposal is None:
        if proposals_left(user=author, edition=edition) <= 0:
            raise ValidationError(
                _("You have reached the limit of %(limit)d proposals in this edition.")
                % {"limit": conf.max_proposals_per_resident()}
            )
        proposal = Proposal(edition=edition, author=author, status=Status.DRAFT)
    else:
        proposal = _locked(proposal)
        _require_author(proposal, author)
        if proposal.status not in EDITABLE_STATUSES:
            raise ValidationError(_("This proposal can no longer be changed."))
    for field in AUTHOR_FIELDS:
        if field in data:
            value = data[field]
            setattr(proposal, field, (value or "") if field in _TEXT_FIELDS else value)
    _check_choices(proposal)
    if proposal.status == Status.SUBMITTED:
        _check_complete(proposal)
    created = proposal.pk is None
    proposal.refresh_search_text()
    proposal.save()
    if created:
        _set_status_history_start(proposal, actor=author)
        follow(proposal=proposal, user=author)
    return proposal


update_proposal = save_draft


@transaction.atomic
def submit(*, proposal: Proposal, actor) -> Proposal:
    """Make a draft public; it stays editable by its author until the proposals phase ends."""
    proposal = _locked(proposal)
    _require_author(proposal, actor)
    _require_resident_may_act(actor, proposal.edition)
    _require_proposals_phase(proposal.edition)
    if proposal.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    _check_choices(proposal)
    _check_complete(proposal)
    proposal.submitted_at = timezone.now()
    _set_status(proposal, Status.SUBMITTED, actor=actor, fields=["submitted_at"])
    return proposal


@transaction.atomic
def withdraw(*, proposal: Proposal, actor, reason: str = "") -> Proposal:
    """The author takes the proposal back (a draft or a submitted one, while the proposals phase is open)."""
    proposal = _locked(proposal)
    _require_author(proposal, actor)
    _require_proposals_phase(proposal.edition)
    if proposal.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This proposal can no longer be withdrawn."))
    _set_status(proposal, Status.WITHDRAWN, actor=actor, reason=reason)
    return proposal


def _require_editable(proposal: Proposal, actor) -> None:
    _require_author(proposal, actor)
    _require_resident_may_act(actor, proposal.edition)
    _require_proposals_phase(proposal.edition)
    if proposal.status not in EDITABLE_STATUSES:
        raise ValidationError(_("This proposal can no longer be changed."))


@transaction.atomic
def add_attachment(*, proposal: Proposal, actor, upload) -> ProposalAttachment:
    """Check, clean and store one photo or PDF document of the author's proposal.

    `upload` is an uploaded file, or what `uploads.process_upload` made of it (forms check files first).
    """
    proposal = _locked(proposal)
    _require_editable(proposal, actor)
    if proposal.attachments.count() >= conf.max_attachments():
        raise ValidationError(
            _("A proposal may have at most %(count)d photos and documents.") % {"count": conf.max_attachments()}
        )
    processed = upload if isinstance(upload, Processed) else process_upload(upload)
    attachment = ProposalAttachment(
        proposal=proposal,
        kind=processed.kind,
        original_name=processed.original_name,
        size=processed.size,
        width=processed.width,
        height=processed.height,
    )
    attachment.file.save(processed.file.name, processed.file, save=False)
    if processed.thumbnail is not None:
        attachment.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: ProposalAttachment, actor) -> None:
    proposal = _locked(attachment.proposal)
    _require_editable(proposal, actor)
    files = [f for f in (attachment.file, attachment.thumbnail) if f]
    attachment.delete()
    for f in files:
        transaction.on_commit(lambda f=f: f.storage.delete(f.name))


# --- The expert council (called by the review app) -------------------------------------------------------


@transaction.atomic
def start_review(*, proposal: Proposal, actor) -> Proposal:
    """Mark a submitted proposal as under expert review (review calls this when it assigns experts)."""
    proposal = _locked(proposal)
    if proposal.status == Status.IN_REVIEW:
        return proposal
    if proposal.status != Status.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can go to expert review."))
    _set_status(proposal, Status.IN_REVIEW, actor=actor)
    record_action(
        actor=actor,
        action="proposals.review_started",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=proposal.title,
        before={"status": Status.SUBMITTED},
        after={"status": Status.IN_REVIEW},
    )
    return proposal


@transaction.atomic
def record_council_decision(*, proposal: Proposal, feasible: bool, ballot_cost: int | None, reason: str, actor):
    """Record the expert council's decision: `feasible` with the cost that goes on the ballot, or not.

    The proposal must be submitted or in review. `reason` is public. Returns the updated proposal.
    """
    proposal = _locked(proposal)
    if proposal.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise ValidationError(_("Only a proposal under review can be decided."))
    if feasible and (ballot_cost is None or ballot_cost <= 0):
        raise ValidationError(_("A feasible proposal needs the cost that goes on the ballot."))
    before = {"status": proposal.status, "ballot_cost": proposal.ballot_cost}
    proposal.ballot_cost = ballot_cost if feasible else None
    proposal.decision_reason = reason
    new_status = Status.FEASIBLE if feasible else Status.NOT_FEASIBLE
    _set_status(proposal, new_status, actor=actor, reason=reason, fields=["ballot_cost", "decision_reason"])
    record_action(
        actor=actor,
        action="proposals.decided",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=proposal.title,
        before=before,
        after={"status": new_status, "ballot_cost": proposal.ballot_cost, "reason": reason},
    )
    return proposal


# --- Supports and follows -------------------------------------------------------------------------------


def _require_supports_open(proposal: Proposal) -> None:
    if proposal.edition.phase != Phase.PROPOSALS:
        raise ValidationError(_("Supports can be given or removed only while the proposals phase is open."))
    if proposal.status not in PUBLIC_STATUSES:
        raise ValidationError(_("This proposal cannot be supported."))


@transaction.atomic
def support(*, proposal: Proposal, user) -> bool:
    """Add the resident's support (one per resident); returns False when it was already there."""
    proposal = _locked(proposal)
    _require_resident_may_act(user, proposal.edition)
    _require_supports_open(proposal)
    if ProposalSupport.objects.filter(proposal=proposal, user=user).exists():
        return False
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, user=user)
    except IntegrityError:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
    follow(proposal=proposal, user=user)
    return True


@transaction.atomic
def unsupport(*, proposal: Proposal, user) -> bool:
    """Remove the resident's support while supports are open; returns False when there was none."""
    proposal = _locked(proposal)
    _require_supports_open(proposal)
    deleted, _rows = ProposalSupport.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") - 1)
    return bool(deleted)


@transaction.atomic
def follow(*, proposal: Proposal, user) -> ProposalFollow:
    return ProposalFollow.objects.get_or_create(proposal=proposal, user=user)[0]


@transaction.atomic
def unfollow(*, proposal: Proposal, user) -> None:
    ProposalFollow.objects.filter(proposal=proposal, user=user).delete()


def followers_of(proposal: Proposal):
    """The active people following a proposal (its author follows it from the start)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        pk__in=ProposalFollow.objects.filter(proposal=proposal).values("user_id"), is_active=True
    )


# --- Comments and reports -------------------------------------------------------------------------------


def _require_not_flooding(user, kind: str) -> None:
    from accounts.ratelimit import hit

    if not hit(f"proposals-{kind}:{user.pk}", limit=conf.comments_per_ten_minutes(), window=timedelta(minutes=10)):
        raise ValidationError(_("You are writing too fast; please wait a few minutes."))


def comment_edit_window() -> timedelta:
    return timedelta(minutes=conf.comment_edit_minutes())


@transaction.atomic
def add_comment(*, proposal: Proposal, author, body: str, parent: Comment | None = None) -> Comment:
    """Comment on a public proposal; a reply to a reply is attached to the top-level comment (one level)."""
    _require_resident_may_act(author, proposal.edition)
    if not proposal.is_public:
        raise ValidationError(_("This proposal cannot be commented on."))
    _require_not_flooding(author, "comment")
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationError(_("The comment you reply to is on another proposal."))
        parent = parent.parent or parent
    comment = Comment.objects.create(proposal=proposal, author=author, body=body.strip(), parent=parent)
    follow(proposal=proposal, user=author)
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, actor, body: str) -> Comment:
    """The author may correct a comment for a few minutes after writing it."""
    if comment.author_id != actor.pk:
        raise PermissionDenied
    if comment.is_hidden or timezone.now() - comment.created_at > comment_edit_window():
        raise ValidationError(
            _("A comment can be edited only in the first %(minutes)d minutes.")
            % {"minutes": conf.comment_edit_minutes()}
        )
    comment.body = body.strip()
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def report(*, proposal: Proposal, reporter, reason: str, comment: Comment | None = None) -> Report:
    """Report abusive content to the coordinators' moderation queue."""
    if not reporter.is_authenticated:
        raise PermissionDenied
    if comment is not None and comment.proposal_id != proposal.pk:
        raise ValidationError(_("The comment is on another proposal."))
    _require_not_flooding(reporter, "report")
    return Report.objects.create(proposal=proposal, comment=comment, reporter=reporter, reason=reason.strip())


# --- Moderation (coordinators) --------------------------------------------------------------------------


def _notify_author_hidden(*, proposal: Proposal, reason: str) -> int:
    from notifications.services import notify

    return notify(
        users=[proposal.author],
        template="proposals/notifications/hidden",
        context={"title": proposal.title, "reason": reason, "path": proposal.get_absolute_url()},
    )


@transaction.atomic
def hide_proposal(*, proposal: Proposal, actor, reason: str) -> Proposal:
    """Hide a proposal with a reason its author sees; `restore_proposal` brings it back."""
    proposal = _locked(proposal)
    _require_coordinator(actor, proposal.edition)
    if not reason.strip():
        raise ValidationError(_("Give a reason: the author will see it."))
    if proposal.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise ValidationError(_("Only a submitted proposal can be hidden."))
    proposal.status_before_hiding = proposal.status
    proposal.moderation_reason = reason.strip()
    _set_status(
        proposal, Status.HIDDEN, actor=actor, reason=reason, fields=["status_before_hiding", "moderation_reason"]
    )
    _resolve_reports(proposal=proposal, actor=actor, comment=None)
    _notify_author_hidden(proposal=proposal, reason=reason.strip())
    record_action(
        actor=actor,
        action="proposals.hidden",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=f"{proposal.title}: {reason}",
        before={"status": proposal.status_before_hiding},
        after={"status": Status.HIDDEN, "reason": reason},
    )
    return proposal


@transaction.atomic
def restore_proposal(*, proposal: Proposal, actor, reason: str = "") -> Proposal:
    proposal = _locked(proposal)
    _require_coordinator(actor, proposal.edition)
    if proposal.status != Status.HIDDEN:
        raise ValidationError(_("Only a hidden proposal can be restored."))
    back_to = proposal.status_before_hiding or Status.SUBMITTED
    proposal.status_before_hiding = ""
    proposal.moderation_reason = ""
    _set_status(proposal, back_to, actor=actor, reason=reason, fields=["status_before_hiding", "moderation_reason"])
    record_action(
        actor=actor,
        action="proposals.restored",
        target=proposal,
        edition_id=proposal.edition_id,
        summary=proposal.title,
        before={"status": Status.HIDDEN},
        after={"status": back_to},
    )
    return proposal


@transaction.atomic
def mark_checked(*, proposal: Proposal, actor) -> Proposal:
    """A coordinator has looked at a new proposal and leaves it public: it leaves the moderation queue."""
    _require_coordinator(actor, proposal.edition)
    proposal.moderated_at = timezone.now()
    proposal.save(update_fields=["moderated_at", "updated_at"])
    record_action(
        actor=actor, action="proposals.checked", target=proposal, edition_id=proposal.edition_id, summary=proposal.title
    )
    return proposal


def _resolve_reports(*, proposal: Proposal, actor, comment: Comment | None) -> int:
    reports = Report.objects.filter(proposal=proposal, resolved_at__isnull=True)
    reports = reports.filter(comment=comment) if comment is not None else reports.filter(comment__isnull=True)
    return reports.update(resolved_at=timezone.now(), resolved_by=actor)


@transaction.atomic
def hide_comment(*, comment: Comment, actor, reason: str) -> Comment:
    _require_coordinator(actor, comment.proposal.edition)
    if not reason.strip():
        raise ValidationError(_("Give a reason: the author will see it."))
    comment.is_hidden = True
    comment.moderation_reason = reason.strip()
    comment.save(update_fields=["is_hidden", "moderation_reason"])
    _resolve_reports(proposal=comment.proposal, actor=actor, comment=comment)
    record_action(
        actor=actor,
        action="proposals.comment_hidden",
        target=comment,
        edition_id=comment.proposal.edition_id,
        summary=reason,
        before={"body": comment.body},
    )
    return comment


@transaction.atomic
def restore_comment(*, comment: Comment, actor) -> Comment:
    _require_coordinator(actor, comment.proposal.edition)
    comment.is_hidden = False
    comment.moderation_reason = ""
    comment.save(update_fields=["is_hidden", "moderation_reason"])
    record_action(
        actor=actor, action="proposals.comment_restored", target=comment, edition_id=comment.proposal.edition_id
    )
    return comment


@transaction.atomic
def dismiss_report(*, report: Report, actor) -> Report:
    """Close a report without hiding anything."""
    _require_coordinator(actor, report.proposal.edition)
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["resolved_at", "resolved_by"])
    record_action(
        actor=actor,
        action="proposals.report_dismissed",
        target=report.proposal,
        edition_id=report.proposal.edition_id,
        summary=report.reason[:200],
    )
    return report


@transaction.atomic
def block_user(*, user, city, actor, reason: str) -> ProposalBan:
    """Block a person from proposing, commenting and supporting in a city (per city, see ProposalBan)."""
    if not is_coordinator(actor, city):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give a reason for the block."))
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    ban = ProposalBan.objects.filter(user=user, city=city, lifted_at__isnull=True).first()
    if ban is None:
        ban = ProposalBan.objects.create(user=user, city=city, reason=reason.strip(), created_by=actor)
        record_action(actor=actor, action="proposals.user_blocked", target=user, summary=f"{city.slug}: {reason}")
    return ban


@transaction.atomic
def unblock_user(*, user, city, actor) -> int:
    if not is_coordinator(actor, city):
        raise PermissionDenied
    lifted = ProposalBan.objects.filter(user=user, city=city, lifted_at__isnull=True).update(lifted_at=timezone.now())
    if lifted:
        record_action(actor=actor, action="proposals.user_unblocked", target=user, summary=city.slug)
    return lifted


def notify_merge(*, duplicate: Proposal, target: Proposal, reason: str = "") -> int:
    """Queue a message to both authors that the duplicate was merged (the notifications worker sends it)."""
    from notifications.services import notify

    return notify(
        users=[duplicate.author, target.author],
        template="proposals/notifications/merged",
        context={
            "duplicate_title": duplicate.title,
            "target_title": target.title,
            "reason": reason,
            "path": target.get_absolute_url(),
        },
        dedupe_key=f"proposals.merged:{duplicate.pk}",
    )


@transaction.atomic
def merge(*, duplicate: Proposal, target: Proposal, actor, reason: str = "") -> Proposal:
    """Merge a duplicate into another proposal of the same edition: supports and followers move over.

    A resident who supported both keeps one support. The duplicate becomes `merged` and points to the target.
    """
    if duplicate.pk == target.pk:
        raise ValidationError(_("A proposal cannot be merged into itself."))
    first, second = sorted([duplicate, target], key=lambda p: p.pk)  # lock in a fixed order: no deadlock
    first, second = _locked(first), _locked(second)
    duplicate, target = (first, second) if first.pk == duplicate.pk else (second, first)
    _require_coordinator(actor, duplicate.edition)
    if duplicate.edition_id != target.edition_id:
        raise ValidationError(_("Only proposals of the same edition can be merged."))
    mergeable = (Status.SUBMITTED, Status.IN_REVIEW, Status.HIDDEN)
    if duplicate.status not in mergeable or target.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        raise ValidationError(_("Only proposals that are not yet decided can be merged."))

    target_supporters = set(ProposalSupport.objects.filter(proposal=target).values_list("user_id", flat=True))
    moving = ProposalSupport.objects.filter(proposal=duplicate).exclude(user_id__in=target_supporters)
    moved = moving.update(proposal=target)
    ProposalSupport.objects.filter(proposal=duplicate).delete()
    target_followers = set(ProposalFollow.objects.filter(proposal=target).values_list("user_id", flat=True))
    ProposalFollow.objects.filter(proposal=duplicate).exclude(user_id__in=target_followers).update(proposal=target)
    ProposalFollow.objects.get_or_create(proposal=target, user=duplicate.author)
    target_count = ProposalSupport.objects.filter(proposal=target).count()
    Proposal.objects.filter(pk=target.pk).update(supports_count=target_count)
    Proposal.objects.filter(pk=duplicate.pk).update(supports_count=0)
    target.supports_count = target_count

    duplicate.merged_into = target
    before = duplicate.status
    _set_status(duplicate, Status.MERGED, actor=actor, reason=reason, fields=["merged_into"])
    record_action(
        actor=actor,
        action="proposals.merged",
        target=duplicate,
        edition_id=duplicate.edition_id,
        summary=f"#{duplicate.pk} -> #{target.pk}",
        before={"status": before},
        after={"status": Status.MERGED, "merged_into": target.pk, "supports_moved": moved, "reason": reason},
    )
    notify_merge(duplicate=duplicate, target=target, reason=reason)
    return target
