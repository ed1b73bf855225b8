"""Coordinators' moderation screens under /staff/editions/<edition_id>/moderation/."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import MergeForm, ReasonForm
from .models import Comment, Proposal, ProposalBan, Report, Status
from .permissions import get_edition_for_moderator, get_proposal_for_moderator

RECENT_COMMENTS_DAYS = 7


def _back(edition_id: int):
    return redirect("proposals:moderation", edition_id=edition_id)


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def queue(request, edition_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    reports = (
        Report.objects.filter(proposal__edition=edition, resolved_at__isnull=True)
        .select_related("proposal", "comment", "comment__author", "reporter")
        .order_by("created_at")
    )
    new_proposals = (
        Proposal.objects.of_edition(edition)
        .filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW), moderated_at__isnull=True)
        .select_related("author")
        .order_by("submitted_at")
    )
    recent_comments = (
        Comment.objects.filter(
            proposal__edition=edition, created_at__gte=timezone.now() - timedelta(days=RECENT_COMMENTS_DAYS)
        )
        .select_related("author", "proposal")
        .order_by("-created_at")[:100]
    )
    hidden = Proposal.objects.of_edition(edition).filter(status=Status.HIDDEN).select_related("author")
    bans = ProposalBan.objects.filter(city=edition.city, lifted_at__isnull=True).select_related("user")
    return render(
        request,
        "proposals/staff/queue.html",
        {
            "edition": edition,
            "reports": reports,
            "new_proposals": new_proposals,
            "recent_comments": recent_comments,
            "hidden": hidden,
            "bans": bans,
            "days": RECENT_COMMENTS_DAYS,
        },
    )


def _reason_page(request, *, edition, form, heading: str, button: str, subject: str):
    """The form asking for a moderator's reason; after an invalid POST it is shown again with status 400."""
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "proposals/staff/reason.html",
        {"edition": edition, "form": form, "heading": heading, "button": button, "subject": subject},
        status=status,
    )


@login_required
def hide(request, edition_id: int, pk: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    proposal = get_proposal_for_moderator(request.user, edition, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_proposal(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("The proposal is hidden; its author sees your reason."))
        return _back(edition.pk)
    return _reason_page(
        request,
        edition=edition,
        form=form,
        heading=_("Hide a proposal"),
        button=_("Hide"),
        subject=proposal.title,
    )


@login_required
@require_POST
def restore(request, edition_id: int, pk: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    proposal = get_proposal_for_moderator(request.user, edition, pk)
    try:
        services.restore_proposal(proposal=proposal, actor=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The proposal is public again."))
    return _back(edition.pk)


@login_required
@require_POST
def approve(request, edition_id: int, pk: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    proposal = get_proposal_for_moderator(request.user, edition, pk)
    services.mark_checked(proposal=proposal, actor=request.user)
    return _back(edition.pk)


@login_required
def merge(request, edition_id: int, pk: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    duplicate = get_proposal_for_moderator(request.user, edition, pk)
    form = MergeForm(request.POST or None, duplicate=duplicate)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = services.merge(
                    duplicate=duplicate,
                    target=form.cleaned_data["target"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Merged: supports and followers now belong to “%(title)s”.") % {"title": target.title}
                )
                return _back(edition.pk)
        status = 400
    return render(
        request, "proposals/staff/merge.html", {"edition": edition, "duplicate": duplicate, "form": form}, status=status
    )


def _comment_in(edition, comment_id: int) -> Comment:
    """A comment on a proposal of this edition: a moderator reaches no further (404 otherwise)."""
    return get_object_or_404(
        Comment.objects.select_related("proposal__edition__city"), pk=comment_id, proposal__edition=edition
    )


@login_required
def comment_hide(request, edition_id: int, comment_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    comment = _comment_in(edition, comment_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hide_comment(comment=comment, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The comment is hidden."))
        return _back(edition.pk)
    return _reason_page(
        request,
        edition=edition,
        form=form,
        heading=_("Hide a comment"),
        button=_("Hide"),
        subject=comment.body,
    )


@login_required
@require_POST
def comment_restore(request, edition_id: int, comment_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    comment = _comment_in(edition, comment_id)
    services.restore_comment(comment=comment, actor=request.user)
    messages.success(request, _("The comment is shown again."))
    return _back(edition.pk)


@login_required
@require_POST
def report_dismiss(request, edition_id: int, report_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    report = get_object_or_404(
        Report.objects.select_related("proposal__edition__city"), pk=report_id, proposal__edition=edition
    )
    services.dismiss_report(report=report, actor=request.user)
    return _back(edition.pk)


@login_required
def block(request, edition_id: int, user_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    person = get_object_or_404(get_user_model(), pk=user_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.block_user(user=person, city=edition.city, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("%(name)s can no longer propose, comment or support here.") % {"name": person})
        return _back(edition.pk)
    return _reason_page(
        request,
        edition=edition,
        form=form,
        heading=_("Block a person"),
        button=_("Block"),
        subject=str(person),
    )


@login_required
@require_POST
def unblock(request, edition_id: int, user_id: int):
    edition = get_edition_for_moderator(request.user, edition_id)
    person = get_object_or_404(get_user_model(), pk=user_id)
    services.unblock_user(user=person, city=edition.city, actor=request.user)
    messages.success(request, _("The block is lifted."))
    return _back(edition.pk)
