"""Experts' queue and assessment; coordinators' progress, assignment, decision, publication and exports."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from editions.permissions import get_edition_for_coordinator

from . import selectors, services
from .forms import AssessmentForm, AssignForm, BulkAssignForm, ConflictForm, DecisionForm, ExpertGroupForm
from .models import Assessment, Assignment, ExpertGroup, Shortlist
from .permissions import expert_cities, get_assignment_for_expert, get_proposal_for_coordinator


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@login_required
def queue(request):
    if not expert_cities(request.user):
        raise PermissionDenied
    return render(request, "review/queue.html", {"assignments": selectors.expert_queue(request.user)})


@login_required
def assess(request, proposal_id: int):
    assignment = get_assignment_for_expert(request.user, proposal_id)
    proposal = assignment.proposal
    progress = selectors.progress_for(proposal)
    conflicted = any(c.expert_id == request.user.pk for c in progress.conflicts)
    mine = next((a for a in progress.assessments if a.expert_id == request.user.pk), None)
    form = AssessmentForm(request.POST or None, instance=mine or Assessment(proposal=proposal, expert=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_assessment(proposal=proposal, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your assessment is saved."))
            return redirect("review:queue")
    return render(
        request,
        "review/assess.html",
        {
            "proposal": proposal,
            "edition": proposal.edition,
            "form": form,
            "conflicted": conflicted,
            "decision": progress.decision,
        },
    )


@login_required
def conflict(request, proposal_id: int):
    assignment = get_assignment_for_expert(request.user, proposal_id)
    proposal = assignment.proposal
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your conflict of interest is recorded; you will not assess this proposal."))
            return redirect("review:queue")
    return render(request, "review/conflict.html", {"proposal": proposal, "edition": proposal.edition, "form": form})


@login_required
def progress(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    rows = selectors.review_progress(edition)
    return render(
        request,
        "review/progress.html",
        {
            "edition": edition,
            "rows": rows,
            "shortlist": Shortlist.objects.filter(edition=edition).select_related("published_by").first(),
            "waiting": sum(1 for r in rows if r.decision is None),
            "groups": ExpertGroup.objects.filter(city=edition.city).prefetch_related("members"),
            "bulk_form": BulkAssignForm(city=edition.city, proposals=selectors.reviewable_proposals(edition)),
        },
    )


@login_required
def assign(request, edition_id: int, proposal_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    proposal = get_proposal_for_coordinator(request.user, edition, proposal_id)
    form = AssignForm(request.POST or None, city=edition.city)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign(
                proposal=proposal,
                actor=request.user,
                experts=form.cleaned_data["experts"],
                group=form.cleaned_data["group"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The experts are assigned."))
            return redirect("review:progress", edition_id=edition.pk)
    return render(
        request,
        "review/assign.html",
        {"edition": edition, "proposal": proposal, "form": form, "progress": selectors.progress_for(proposal)},
    )


@login_required
@require_POST
def assign_many(request, edition_id: int):
    """Assign the same experts (or group) to every proposal checked on the progress page."""
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = BulkAssignForm(request.POST, city=edition.city, proposals=selectors.reviewable_proposals(edition))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("review:progress", edition_id=edition.pk)
    done, refused = 0, []
    for proposal in form.cleaned_data["proposals"]:
        try:
            services.assign(
                proposal=proposal,
                actor=request.user,
                experts=form.cleaned_data["experts"],
                group=form.cleaned_data["group"],
            )
        except ValidationError as error:
            refused.append(f"#{proposal.pk}: {_error_text(error)}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext(
                "Experts are assigned to %(count)d proposal.", "Experts are assigned to %(count)d proposals.", done
            )
            % {"count": done},
        )
    for line in refused:
        messages.error(request, line)
    return redirect("review:progress", edition_id=edition.pk)


@login_required
@require_POST
def unassign(request, edition_id: int, assignment_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    assignment = get_object_or_404(Assignment.objects.select_related("proposal", "expert"), pk=assignment_id)
    if assignment.proposal.edition_id != edition.pk:
        raise PermissionDenied
    try:
        services.unassign(assignment=assignment, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The expert is taken off the proposal."))
    return redirect("review:progress", edition_id=edition.pk)


@login_required
def decide(request, edition_id: int, proposal_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    proposal = get_proposal_for_coordinator(request.user, edition, proposal_id)
    progress = selectors.progress_for(proposal)
    form = DecisionForm(request.POST or None, proposal=proposal, budget=progress.budget)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_decision(proposal=proposal, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The council's decision is recorded."))
            return redirect("review:progress", edition_id=edition.pk)
    return render(
        request,
        "review/decide.html",
        {"edition": edition, "proposal": proposal, "form": form, "progress": progress},
    )


@login_required
@require_POST
def publish(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    try:
        services.close_review_and_publish_shortlist(edition=edition, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The review is closed and the shortlist is published."))
    return redirect("review:progress", edition_id=edition.pk)


@login_required
def groups(request, edition_id: int, group_id: int | None = None):
    """The city's expert groups: create one, or (with `group_id`) rename it and change its members."""
    edition = get_edition_for_coordinator(request.user, edition_id)
    group = None if group_id is None else get_object_or_404(ExpertGroup, pk=group_id, city=edition.city)
    form = ExpertGroupForm(request.POST or None, city=edition.city, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_expert_group(
                city=edition.city,
                name=form.cleaned_data["name"],
                members=form.cleaned_data["members"],
                actor=request.user,
                group=group,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The expert group is saved."))
            return redirect("review:groups", edition_id=edition.pk)
    return render(
        request,
        "review/groups.html",
        {
            "edition": edition,
            "form": form,
            "group": group,
            "groups": ExpertGroup.objects.filter(city=edition.city).prefetch_related("members"),
        },
    )


def _export_rows(edition) -> list[list]:
    """The export table: one row per reviewed proposal. Internal notes are never exported."""
    header = [
        _("Number"),
        _("Title"),
        _("District"),
        _("Category"),
        _("Status"),
        _("Resident's estimate, tenge"),
        _("Experts"),
        _("Recommendations"),
        _("Decision"),
        _("Cost on the ballot, tenge"),
        _("Public reason"),
        _("Decided by"),
    ]
    rows = [header]
    for row in selectors.review_progress(edition):
        p, d = row.proposal, row.decision
        rows.append(
            [
                p.pk,
                str(p.title),
                str(p.district) if p.district_id else "",
                str(p.category) if p.category_id else "",
                str(p.get_status_display()),
                p.estimated_cost,
                ", ".join(str(e) for e in row.active_experts),
                ", ".join(f"{a.expert}: {a.get_recommendation_display()}" for a in row.counted_assessments),
                "" if d is None else (_("Feasible") if d.feasible else _("Not feasible")),
                d.ballot_cost if d is not None and d.ballot_cost is not None else "",
                d.reason if d is not None else "",
                "" if d is None else (str(d.decided_by) if d.decided_by else _("All experts agreed")),
            ]
        )
    return rows


@login_required
def export_csv(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bastama-{edition.pk}-review.csv"'
    response.write("\ufeff")  # a BOM, so Excel opens Cyrillic and Kazakh text correctly
    csv.writer(response).writerows(_export_rows(edition))
    return response


@login_required
def export_xlsx(request, edition_id: int):
    from openpyxl import Workbook

    edition = get_edition_for_coordinator(request.user, edition_id)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Review")[:31]
    for row in _export_rows(edition):
        sheet.append([str(v) if not isinstance(v, int) else v for v in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="bastama-{edition.pk}-review.xlsx"'
    return response
