"""Who may do what in the review; built on editions.permissions (roles, TOTP-verified staff sessions)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from editions.models import City, Role
from editions.permissions import is_coordinator, is_expert

from .models import Assignment, ConflictDeclaration


def expert_cities(user) -> list[City]:
    """The cities where this user is an expert in a TOTP-verified session (none otherwise)."""
    if not user.is_authenticated:
        return []
    cities = City.objects.filter(staff_roles__user=user, staff_roles__role=Role.EXPERT).distinct()
    return [city for city in cities if is_expert(user, city)]


def is_assigned(user, proposal) -> bool:
    return Assignment.objects.filter(proposal=proposal, expert=user).exists()


def has_conflict(user, proposal) -> bool:
    return ConflictDeclaration.objects.filter(proposal=proposal, expert=user).exists()


def get_assignment_for_expert(user, proposal_id: int) -> Assignment:
    """The user's own assignment to a proposal: 403 for non-experts and experts it is not assigned to."""
    from proposals.models import Proposal

    proposal = get_object_or_404(Proposal.objects.select_related("edition", "edition__city"), pk=proposal_id)
    if not is_expert(user, proposal.edition.city):
        raise PermissionDenied
    assignment = Assignment.objects.filter(proposal=proposal, expert=user).select_related("proposal").first()
    if assignment is None:
        raise PermissionDenied
    assignment.proposal = proposal
    return assignment


def get_proposal_for_coordinator(user, edition, proposal_id: int):
    """A proposal of an edition the user already coordinates (see editions.permissions)."""
    from proposals.models import Proposal

    proposal = get_object_or_404(Proposal.objects.select_related("edition", "edition__city"), pk=proposal_id)
    if proposal.edition_id != edition.pk:
        raise PermissionDenied
    if not is_coordinator(user, edition.city):
        raise PermissionDenied
    return proposal
