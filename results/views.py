"""Public results (only after publication), downloads, the recount guide, and the coordinators' screen."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from editions.models import Edition
from editions.permissions import get_edition_for_coordinator

from . import selectors, services, tally
from .models import CountRun
from .protocol import render_protocol


def _published_edition(edition_id: int) -> tuple[Edition, list[CountRun]]:
    """The edition and its published counts; 404 until something is published, so nothing leaks early."""
    edition = get_object_or_404(Edition.objects.public().select_related("city"), pk=edition_id)
    runs = selectors.published_runs(edition)
    if not runs:
        raise Http404
    return edition, runs


def _published_run(edition_id: int, run_id: int) -> CountRun:
    edition, runs = _published_edition(edition_id)
    for run in runs:
        if run.pk == run_id:
            return run
    raise Http404


def edition_results(request, edition_id: int):
    edition, runs = _published_edition(edition_id)
    return render(
        request,
        "results/edition.html",
        {
            "edition": edition,
            "counts": [selectors.summarise(r) for r in runs],
            "turnout": selectors.public_turnout(edition),
        },
    )


def ballots_pb(request, edition_id: int, run_id: int):
    run = _published_run(edition_id, run_id)
    meta = {
        "description": str(run.edition),
        "rule": {"greedy": "greedy", "mes": "equalshares/add1", "phragmen": "phragmen"}[run.rule],
        "comment": f"Bastama count {run.pk}; tie-break published, seed {run.seed}; input sha256 {run.input_hash}",
    }
    text = tally.published_pb(run.input_pb, winners=run.winners, meta=meta)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bastama-{edition_id}-{run.pk}.pb"'
    return response


def projects_csv(request, edition_id: int, run_id: int):
    summary = selectors.summarise(_published_run(edition_id, run_id))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bastama-{edition_id}-{run_id}.csv"'
    writer = csv.writer(response)
    writer.writerow(["project_id", "name", "cost", "votes", "selected", "reason"])
    for p in summary["projects"]:
        writer.writerow([p["id"], p["name"], p["cost"], p["votes"], int(p["selected"]), p["reason"]])
    return response


def protocol_pdf(request, edition_id: int):
    edition, runs = _published_edition(edition_id)
    pdf = render_protocol(edition=edition, counts=[selectors.summarise(r) for r in runs])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bastama-{edition_id}-protocol.pdf"'
    return response


def recount(request):
    return render(request, "results/recount.html")


@login_required
def staff_results(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    return render(
        request,
        "results/staff.html",
        {
            "edition": edition,
            "counts": selectors.comparison(edition),
            "waiting_paper": selectors.waiting_paper_ballots(edition),
            "turnout": selectors.staff_turnout(edition),
        },
    )


@login_required
@require_POST
def count(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    try:
        runs = services.count_edition(edition=edition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = ngettext("Counted %(n)s budget.", "Counted %(n)s budgets.", len(runs)) % {"n": len(runs)}
        messages.success(request, done)
    return redirect("results:staff", edition_id=edition.pk)


@login_required
@require_POST
def compare(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    try:
        _runs, refused = services.count_other_rules(edition=edition, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        for reason in refused:
            messages.warning(request, _("Not counted: %(reason)s") % {"reason": reason})
    return redirect("results:staff", edition_id=edition.pk)


@login_required
@require_POST
def publish(request, edition_id: int, run_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    run = get_object_or_404(CountRun, pk=run_id, edition=edition)
    try:
        services.publish_results(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The results are published."))
    return redirect("results:staff", edition_id=edition.pk)
