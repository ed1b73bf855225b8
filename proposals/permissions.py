"""Who may see and change which proposal: named fetches that raise 404 or 403 (views call these)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from editions.models import Edition, Phase
from editions.permissions import get_edition_for_coordinator, is_coordinator

from .models import EDITABLE_STATUSES, Comment, Proposal


def is_moderator(user, edition) -> bool:
    return user.is_authenticated and is_coordinator(user, edition.city)


def can_view(user, proposal: Proposal) -> bool:
    """Public and merged proposals for everyone; drafts, hidden and withdrawn ones for the author and moderators."""
    if proposal.is_visible:
        return True
    return user.is_authenticated and (proposal.author_id == user.pk or is_moderator(user, proposal.edition))


def can_edit(user, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.author_id == user.pk
        and proposal.status in EDITABLE_STATUSES
        and proposal.edition.phase == Phase.PROPOSALS
    )


def get_public_edition(edition_id: int) -> Edition:
    """An announced edition (404 for unknown or not yet announced ones)."""
    return get_object_or_404(Edition.objects.public().select_related("city"), pk=edition_id)


def get_proposal_for_viewer(user, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("edition", "edition__city", "author", "category", "district", "merged_into"),
        pk=pk,
    )
    if not can_view(user, proposal):
        raise Http404
    return proposal


def get_proposal_for_author(user, pk: int) -> Proposal:
    """The signed-in author's own proposal: 404 when it is not visible to them, 403 when it is someone else's."""
    proposal = get_proposal_for_viewer(user, pk)
    if proposal.author_id != user.pk:
        raise PermissionDenied
    return proposal


def get_edition_for_moderator(user, edition_id: int) -> Edition:
    return get_edition_for_coordinator(user, edition_id)


def get_proposal_for_moderator(user, edition: Edition, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("edition", "edition__city", "author"), pk=pk, edition=edition
    )


def get_comment(proposal: Proposal, comment_id: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("author", "proposal"), pk=comment_id, proposal=proposal)
