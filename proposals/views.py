"""Residents' pages: browse, map, detail, submit and edit, comments, supports, follows."""

import json
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editions.models import City, Edition, Phase

from . import conf, services
from .forms import BrowseForm, CommentForm, OptionalReasonForm, ProposalForm, ReasonForm
from .models import Comment, Proposal, ProposalAttachment, ProposalFollow, ProposalSupport, Status
from .permissions import (
    can_edit,
    get_comment,
    get_proposal_for_author,
    get_proposal_for_viewer,
    get_public_edition,
    is_moderator,
)

PAGE_SIZE = 20


def _show_errors(request, error: ValidationError) -> None:
    """Flash each message of a refusal, for the page the person is sent back to."""
    for message in error.messages:
        messages.error(request, message)


def _images_prefetch():
    return Prefetch(
        "attachments",
        queryset=ProposalAttachment.objects.filter(kind=ProposalAttachment.Kind.IMAGE).order_by("pk"),
        to_attr="images",
    )


def city_list(request, city_slug: str):
    """The city's proposals: its newest announced edition that has reached the proposals phase (or just the
    newest announced one, whose list is still empty)."""
    city = get_object_or_404(City, slug=city_slug)
    editions = list(Edition.objects.public().filter(city=city).order_by("-year"))
    if not editions:
        raise Http404
    started = [e for e in editions if e.phase != Phase.ANNOUNCEMENT]
    return redirect("proposals:edition_list", edition_id=(started or editions)[0].pk)


def edition_list(request, edition_id: int):
    edition = get_public_edition(edition_id)
    form = BrowseForm(request.GET or None, edition=edition)
    proposals = (
        Proposal.objects.public()
        .of_edition(edition)
        .select_related("category", "district")
        .annotate(comments_count=Count("comments", filter=Q(comments__is_hidden=False)))
    )
    proposals = form.apply(proposals).prefetch_related(_images_prefetch())
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "proposals/list.html",
        {
            "edition": edition,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_submit": edition.phase == Phase.PROPOSALS,
        },
    )


def map_view(request, edition_id: int):
    edition = get_public_edition(edition_id)
    points = [
        {
            "id": p.pk,
            "title": p.title,
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "url": p.get_absolute_url(),
            "status": str(p.get_status_display()),
        }
        for p in Proposal.objects.public()
        .of_edition(edition)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .only("pk", "title", "latitude", "longitude", "status")
    ]
    return render(
        request,
        "proposals/map.html",
        {"edition": edition, "points": points, "tiles": conf.map_tiles(), "centre": _centre(points)},
    )


def _centre(points: list[dict]) -> dict:
    if not points:
        return {"lat": 52.04, "lon": 76.92, "zoom": 12}  # Aksu, Pavlodar region
    return {
        "lat": sum(p["lat"] for p in points) / len(points),
        "lon": sum(p["lon"] for p in points) / len(points),
        "zoom": 13,
    }


@login_required
def mine(request, edition_id: int):
    edition = get_public_edition(edition_id)
    proposals = Proposal.objects.of_edition(edition).by_author(request.user).order_by("-created_at")
    return render(
        request,
        "proposals/mine.html",
        {
            "edition": edition,
            "proposals": proposals,
            "left": services.proposals_left(user=request.user, edition=edition),
            "limit": conf.max_proposals_per_resident(),
            "can_submit": edition.phase == Phase.PROPOSALS,
        },
    )


def _save_form(request, form: ProposalForm, *, edition, proposal: Proposal | None):
    """Save the form's data and files; returns the proposal, or None after adding the service's errors."""
    try:
        proposal = services.save_draft(
            edition=edition, author=request.user, data=form.proposal_data(), proposal=proposal
        )
        for _upload, processed in form.cleaned_data.get("photos") or []:
            services.add_attachment(proposal=proposal, actor=request.user, upload=processed)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    return proposal


def _after_save(request, proposal: Proposal, form: ProposalForm, action: str):
    """Act on the pressed button once the data is saved: keep the draft, preview or submit."""
    if action == "preview":
        return redirect("proposals:preview", pk=proposal.pk)
    if action == "submit" and proposal.status == Status.DRAFT:
        try:
            services.submit(proposal=proposal, actor=request.user)
        except ValidationError as error:
            messages.warning(request, _("Your text is saved as a draft. Complete it to submit."))
            form.add_error(None, error)
            return None
        messages.success(request, _("Your proposal is submitted and published. Thank you!"))
        return redirect(proposal)
    if proposal.status == Status.DRAFT:
        messages.success(request, _("The draft is saved. Only you can see it."))
        return redirect("proposals:edit", pk=proposal.pk)
    messages.success(request, _("Your changes are saved."))
    return redirect(proposal)


def _keep_photos(request, form: ProposalForm, *, edition, proposal: Proposal | None) -> Proposal | None:
    """On a form with errors, keep the photos that passed: a browser cannot refill a file input, so they are
    stored with a draft (new or the one being edited) together with the fields that were valid."""
    cleaned = getattr(form, "cleaned_data", {})
    photos = cleaned.get("photos") if "photos" not in form.errors else None
    if not photos or (proposal is not None and proposal.status != Status.DRAFT):
        return None
    data = {name: cleaned[name] for name in ProposalForm.Meta.fields if name in cleaned}
    try:
        with transaction.atomic():
            kept = services.save_draft(edition=edition, author=request.user, data=data, proposal=proposal)
            for _upload, processed in photos:
                services.add_attachment(proposal=kept, actor=request.user, upload=processed)
    except ValidationError:
        return None
    messages.info(request, _("Your photos and documents are kept with a draft; correct the marked fields."))
    return kept


def _form_page(request, form, *, edition, proposal, status: int, left: int | None = None, open_now: bool = True):
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "edition": edition,
            "proposal": proposal,
            "attachments": list(proposal.attachments.all()) if proposal else [],
            "open_now": open_now,
            "left": left,
            "tiles": conf.map_tiles(),
        },
        status=status,
    )


@login_required
def new(request, edition_id: int):
    edition = get_public_edition(edition_id)
    if services.is_banned(request.user, edition.city):
        raise PermissionDenied
    open_now = edition.phase == Phase.PROPOSALS
    left = services.proposals_left(user=request.user, edition=edition)
    posted = request.method == "POST"
    form = ProposalForm(request.POST if posted else None, request.FILES if posted else None, edition=edition)
    if not posted:
        return _form_page(request, form, edition=edition, proposal=None, status=200, left=left, open_now=open_now)
    if not open_now:
        raise PermissionDenied
    proposal = None
    if form.is_valid():
        proposal = _save_form(request, form, edition=edition, proposal=None)
        if proposal is not None:
            response = _after_save(request, proposal, form, request.POST.get("action", "draft"))
            if response is not None:
                return response
    else:
        proposal = _keep_photos(request, form, edition=edition, proposal=None)
    return _form_page(request, form, edition=edition, proposal=proposal, status=400, left=left)


@login_required
def edit(request, pk: int):
    proposal = get_proposal_for_author(request.user, pk)
    edition = proposal.edition
    if not can_edit(request.user, proposal):
        raise PermissionDenied
    attachments = list(proposal.attachments.all())
    form = ProposalForm(
        request.POST or None,
        request.FILES or None,
        instance=proposal,
        edition=edition,
        existing_attachments=len(attachments),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = _save_form(request, form, edition=edition, proposal=proposal)
            if saved is not None:
                response = _after_save(request, saved, form, request.POST.get("action", "draft"))
                if response is not None:
                    return response
                attachments = list(saved.attachments.all())
        elif _keep_photos(request, form, edition=edition, proposal=proposal) is not None:
            attachments = list(proposal.attachments.all())
        status = 400
    return render(
        request,
        "proposals/form.html",
        {
            "form": form,
            "edition": edition,
            "proposal": proposal,
            "attachments": attachments,
            "open_now": True,
            "tiles": conf.map_tiles(),
        },
        status=status,
    )


@login_required
def preview(request, pk: int):
    proposal = get_proposal_for_author(request.user, pk)
    attachments = list(proposal.attachments.all())
    return render(
        request,
        "proposals/preview.html",
        {
            "proposal": proposal,
            "edition": proposal.edition,
            "images": [a for a in attachments if a.kind == ProposalAttachment.Kind.IMAGE],
            "documents": [a for a in attachments if a.kind == ProposalAttachment.Kind.DOCUMENT],
            "can_edit": can_edit(request.user, proposal),
        },
    )


@login_required
@require_POST
def submit(request, pk: int):
    proposal = get_proposal_for_author(request.user, pk)
    try:
        services.submit(proposal=proposal, actor=request.user)
    except ValidationError as error:
        _show_errors(request, error)
        return redirect("proposals:edit", pk=proposal.pk) if can_edit(request.user, proposal) else redirect(proposal)
    messages.success(request, _("Your proposal is submitted and published. Thank you!"))
    return redirect(proposal)


@login_required
def withdraw(request, pk: int):
    proposal = get_proposal_for_author(request.user, pk)
    if not can_edit(request.user, proposal):
        raise PermissionDenied
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The proposal is withdrawn."))
        return redirect("proposals:mine", edition_id=proposal.edition_id)
    return render(
        request,
        "proposals/confirm.html",
        {
            "proposal": proposal,
            "edition": proposal.edition,
            "form": form,
            "heading": _("Withdraw the proposal"),
            "explanation": _("A withdrawn proposal disappears from the public list and cannot be submitted again."),
            "button": _("Withdraw"),
        },
    )


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_id: int):
    proposal = get_proposal_for_author(request.user, pk)
    attachment = get_object_or_404(ProposalAttachment, pk=attachment_id, proposal=proposal)
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    return redirect("proposals:edit", pk=proposal.pk)


def _serve(request, pk: int, attachment_id: int, *, thumbnail: bool):
    proposal = get_proposal_for_viewer(request.user, pk)
    attachment = get_object_or_404(ProposalAttachment, pk=attachment_id, proposal=proposal)
    field = attachment.thumbnail if thumbnail and attachment.thumbnail else attachment.file
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    is_pdf = attachment.kind == ProposalAttachment.Kind.DOCUMENT
    response = FileResponse(handle, as_attachment=is_pdf, filename=attachment.original_name if is_pdf else None)
    response["Cache-Control"] = "public, max-age=86400" if proposal.is_visible else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment(request, pk: int, attachment_id: int):
    return _serve(request, pk, attachment_id, thumbnail=False)


def thumbnail(request, pk: int, attachment_id: int):
    return _serve(request, pk, attachment_id, thumbnail=True)


def _share_links(url: str, title: str) -> list[tuple[str, str]]:
    text = quote(title)
    link = quote(url, safe="")
    return [
        ("Telegram", f"https://t.me/share/url?url={link}&text={text}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{title} {url}'})}"),
        ("VK", f"https://vk.com/share.php?url={link}&title={text}"),
        ("OK", f"https://connect.ok.ru/offer?url={link}&title={text}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={link}"),
    ]


def detail(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    edition = proposal.edition
    user = request.user
    comments = (
        Comment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("created_at")))
    )
    attachments = list(proposal.attachments.all())
    url = request.build_absolute_uri(proposal.get_absolute_url())
    images = [a for a in attachments if a.kind == ProposalAttachment.Kind.IMAGE]
    supports_open = edition.phase == Phase.PROPOSALS and proposal.is_public
    signed_in = user.is_authenticated
    context = {
        "proposal": proposal,
        "edition": edition,
        "images": images,
        "documents": [a for a in attachments if a.kind == ProposalAttachment.Kind.DOCUMENT],
        "history": proposal.status_changes.all(),
        "comments": comments,
        "comment_form": CommentForm(),
        "share_links": _share_links(url, proposal.title),
        "share_url": url,
        "og_image": request.build_absolute_uri(reverse("proposals:attachment", args=[proposal.pk, images[0].pk]))
        if images
        else "",
        "supports_open": supports_open,
        "supported": signed_in and ProposalSupport.objects.filter(proposal=proposal, user=user).exists(),
        "following": signed_in and ProposalFollow.objects.filter(proposal=proposal, user=user).exists(),
        "is_author": signed_in and proposal.author_id == user.pk,
        "can_edit": can_edit(user, proposal),
        "can_comment": signed_in and proposal.is_public,
        "is_moderator": signed_in and is_moderator(user, edition),
        "edit_since": timezone.now() - services.comment_edit_window(),
        "point": json.dumps({"lat": float(proposal.latitude), "lon": float(proposal.longitude)})
        if proposal.has_point
        else "",
        "tiles": conf.map_tiles(),
    }
    return render(request, "proposals/detail.html", context)


def _back(proposal: Proposal, anchor: str = ""):
    return redirect(proposal.get_absolute_url() + anchor)


def _act(request, proposal: Proposal, action, success: str, anchor: str = ""):
    try:
        action()
    except ValidationError as error:
        _show_errors(request, error)
    else:
        if success:
            messages.success(request, success)
    return _back(proposal, anchor)


@login_required
@require_POST
def support(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    return _act(
        request,
        proposal,
        lambda: services.support(proposal=proposal, user=request.user),
        _("Thank you for your support."),
        "#support",
    )


@login_required
@require_POST
def unsupport(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    return _act(
        request,
        proposal,
        lambda: services.unsupport(proposal=proposal, user=request.user),
        _("Your support is removed."),
        "#support",
    )


@login_required
@require_POST
def follow(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    services.follow(proposal=proposal, user=request.user)
    messages.success(request, _("You will be told about changes to this proposal."))
    return _back(proposal, "#follow")


@login_required
@require_POST
def unfollow(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    services.unfollow(proposal=proposal, user=request.user)
    messages.success(request, _("You no longer follow this proposal."))
    return _back(proposal, "#follow")


@login_required
@require_POST
def comment_add(request, pk: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something before sending the comment."))
        return _back(proposal, "#comments")
    parent = get_comment(proposal, form.cleaned_data["parent"]) if form.cleaned_data["parent"] else None
    try:
        comment = services.add_comment(
            proposal=proposal, author=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except ValidationError as error:
        _show_errors(request, error)
        return _back(proposal, "#comments")
    return _back(proposal, f"#comment-{comment.pk}")


@login_required
def comment_edit(request, pk: int, comment_id: int):
    proposal = get_proposal_for_viewer(request.user, pk)
    comment = get_comment(proposal, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_comment(comment=comment, actor=request.user, body=form.cleaned_data["body"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _back(proposal, f"#comment-{comment.pk}")
        status = 400
    return render(
        request,
        "proposals/comment_edit.html",
        {"proposal": proposal, "edition": proposal.edition, "comment": comment, "form": form},
        status=status,
    )


@login_required
def report(request, pk: int, comment_id: int | None = None):
    proposal = get_proposal_for_viewer(request.user, pk)
    comment = get_comment(proposal, comment_id) if comment_id else None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(
                proposal=proposal, reporter=request.user, reason=form.cleaned_data["reason"], comment=comment
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the coordinators will look at it."))
            return _back(proposal, f"#comment-{comment.pk}" if comment else "")
    return render(
        request,
        "proposals/confirm.html",
        {
            "proposal": proposal,
            "edition": proposal.edition,
            "form": form,
            "quote": comment.body if comment else "",
            "heading": _("Report a comment") if comment else _("Report the proposal"),
            "explanation": _("Tell the coordinators what breaks the rules: insults, advertising, personal data…"),
            "button": _("Send the report"),
        },
        status=400 if request.method == "POST" else 200,
    )
