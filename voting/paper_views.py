"""Coordinators' screens: paper ballot entry and mismatches, the voter list upload, live turnout."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from editions.permissions import get_edition_for_coordinator

from . import ballots, eligibility, paper, turnout, voterlist
from .models import VoterListEntry
from .paper_forms import PaperBallotForm, ResolveForm, RestrictionForm, VoterListForm, WhenBothForm
from .paper_models import PaperBallot, PaperState

_POLLING_POINT = "paper_polling_point"


def _ballot_list(edition, district, *, shared: bool = False) -> dict:
    """One paper ballot: its district (None for the edition's one or the shared budget), budget and numbered
    projects."""
    spec = ballots.ballot_for(edition, district)
    projects = [{"number": n, "id": p.id, "title": p.title, "cost": p.cost} for n, p in enumerate(spec.projects, 1)]
    return {"district": district, "shared": shared, "budget": spec.budget, "projects": projects}


def _ballot_lists(edition, split) -> list[dict]:
    """Each paper ballot (when the budget is split: the shared one if there is one, then one per district)."""
    if not split:
        return [_ballot_list(edition, None)]
    lists = [_ballot_list(edition, row.district) for row in split.values()]
    if eligibility.shared_budget(edition):
        lists.insert(0, _ballot_list(edition, None, shared=True))
    return lists


def _state_counts(edition) -> dict[str, int]:
    rows = PaperBallot.objects.filter(edition=edition).values("state").annotate(n=Count("id")).order_by()
    counts = dict.fromkeys(PaperState.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts


_OUTCOME_MESSAGES = {
    paper.AWAITING: gettext_lazy("First entry saved. Another coordinator must now enter the same ballot."),
    paper.COUNTED: gettext_lazy("Both entries match: the paper ballot is counted."),
}


@login_required
def enter(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    split = eligibility.split_districts(edition)
    form = PaperBallotForm(
        request.POST or None,
        edition=edition,
        split=split,
        initial={"polling_point": request.session.get(_POLLING_POINT, "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entered = paper.enter_paper_ballot(
                edition=edition,
                actor=request.user,
                iin=data["iin"],
                voter_name=data["voter_name"],
                choices=data["choices"],
                district=data.get("district"),
                polling_point=data["polling_point"],
            )
        except paper.PaperRefused as refused:
            form.add_error(None, refused.message)
        else:
            request.session[_POLLING_POINT] = data["polling_point"]
            if entered.outcome == paper.MISMATCH:
                messages.error(
                    request,
                    _("The two entries of this ballot differ. Compare them with the paper and choose the right one."),
                )
                return redirect("voting_paper:mismatches", edition_id=edition.pk)
            messages.success(request, str(_OUTCOME_MESSAGES[entered.outcome]))
            return redirect("voting_paper:enter", edition_id=edition.pk)
    awaiting = (
        paper.open_sheets(edition)
        .filter(state=PaperState.AWAITING)
        .prefetch_related("entries__entered_by")
        .order_by("-created_at")[:50]
    )
    return render(
        request,
        "voting/paper/enter.html",
        {
            "edition": edition,
            "form": form,
            "ballot_lists": _ballot_lists(edition, split),
            "counts": _state_counts(edition),
            "awaiting": awaiting,
            "when_both_form": WhenBothForm(initial={"when_both": paper.when_both(edition)}),
            "entry_closed": paper.entry_closed(edition),
        },
    )


def _entry_rows(sheet: PaperBallot, numbered: dict[int, dict]) -> list[dict]:
    """Each entry's choices as (project number and title, value), in the order they appear on the paper."""
    ranked = sheet.edition.ballot_type == "ranked"
    rows = []
    for entry in sheet.entries.all():
        chosen = [(numbered.get(int(pid), {"number": 0, "title": pid}), value) for pid, value in entry.choices.items()]
        chosen.sort(key=lambda pair: pair[1] if ranked else pair[0]["number"])
        rows.append({"entry": entry, "chosen": chosen})
    return rows


@login_required
def mismatches(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    sheets = (
        PaperBallot.objects.filter(edition=edition, state=PaperState.MISMATCH)
        .select_related("district", "edition")
        .prefetch_related("entries__entered_by")
    )
    lists = {}
    items = []
    for sheet in sheets:
        if sheet.district_id not in lists:
            lists[sheet.district_id] = {p["id"]: p for p in _ballot_list(edition, sheet.district)["projects"]}
        items.append({"sheet": sheet, "entries": _entry_rows(sheet, lists[sheet.district_id])})
    return render(request, "voting/paper/mismatches.html", {"edition": edition, "items": items})


def _chosen_entry(sheet: PaperBallot, keep: str):
    """The entry a coordinator kept: None for "spoiled"; raises ValueError for anything else unknown."""
    if keep == "spoiled":
        return None
    entry = sheet.entries.filter(pk=int(keep)).first() if keep.isdigit() else None
    if entry is None:
        raise ValueError(keep)
    return entry


@login_required
@require_POST
def resolve(request, edition_id: int, sheet_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    sheet = get_object_or_404(PaperBallot, pk=sheet_id, edition=edition)
    form = ResolveForm(request.POST)
    try:
        keep = _chosen_entry(sheet, form.cleaned_data["keep"] if form.is_valid() else "")
        resolved = paper.resolve_mismatch(paper_ballot=sheet, actor=request.user, keep=keep)
    except ValueError:
        messages.error(request, _("Choose the entry that matches the paper, or mark the ballot spoiled."))
    except paper.PaperRefused as refused:
        messages.error(request, refused.message)
    else:
        if resolved.state == PaperState.COUNTED:
            messages.success(request, _("The mismatch is resolved: the paper ballot is counted."))
        else:
            why = resolved.get_refusal_display()
            messages.warning(request, _("The paper ballot is not counted: %(why)s.") % {"why": why})
    return redirect("voting_paper:mismatches", edition_id=edition.pk)


@login_required
@require_POST
def when_both(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = WhenBothForm(request.POST)
    if form.is_valid():
        try:
            paper.set_when_both(edition=edition, actor=request.user, when_both=form.cleaned_data["when_both"])
        except paper.PaperRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("voting_paper:enter", edition_id=edition.pk)


@login_required
def voter_list(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = VoterListForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = voterlist.import_voter_list(edition=edition, actor=request.user, data=form.cleaned_data["file"].read())
    return render(
        request,
        "voting/paper/voter_list.html",
        {
            "edition": edition,
            "form": form,
            "report": report,
            "shown_rejected": report.rejected[:1000] if report else [],
            "listed": VoterListEntry.objects.filter(edition=edition).count(),
            "restriction": eligibility.restriction_of(edition),
            "restriction_form": RestrictionForm(initial={"restriction": eligibility.restriction_of(edition)}),
        },
    )


@login_required
@require_POST
def restriction(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    form = RestrictionForm(request.POST)
    if form.is_valid():
        try:
            voterlist.set_restriction(edition=edition, actor=request.user, restriction=form.cleaned_data["restriction"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect("voting_paper:voter_list", edition_id=edition.pk)


@login_required
def turnout_page(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    summary = turnout.summary(edition)
    return render(
        request,
        "voting/paper/turnout.html",
        {
            "edition": edition,
            "turnout": summary,
            "day_max": max((row.total for _day, row in summary.by_day), default=0) or 1,
            "day_chart_height": 3 * len(summary.by_day),
            "demographics": turnout.demographic_table(edition, public=False),
            "sexes": [name for _code, name in turnout.SEXES],
            "counts": _state_counts(edition),
        },
    )


@login_required
def voters(request, edition_id: int):
    edition = get_edition_for_coordinator(request.user, edition_id)
    page = Paginator(turnout.voters(edition), 100).get_page(request.GET.get("page"))
    return render(request, "voting/paper/voters.html", {"edition": edition, "page": page})


@login_required
def printable(request, edition_id: int):
    """The paper ballot to print for polling points: the same numbers the entry screen reads."""
    edition = get_edition_for_coordinator(request.user, edition_id)
    split = eligibility.split_districts(edition)
    return render(
        request, "voting/paper/print.html", {"edition": edition, "ballot_lists": _ballot_lists(edition, split)}
    )
