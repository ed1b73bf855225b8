"""The resident's ballot (fill, recalculate, review, confirm, change, withdraw) and the public receipt check.

Every step works without JavaScript: "Recalculate" posts the ballot back and the page shows the remaining
budget; "Review" shows the choices with a "Confirm" button that posts them again as hidden inputs.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from editions.models import BallotType, Edition

from . import ballots, eligibility, selectors, services
from .forms import BallotForm, ReceiptForm, hidden_data, initial_from
from .models import Channel

# The receipt travels to the receipt page in a short-lived signed cookie, not the session: the code never reaches
# the database, and confirming a ballot writes nothing but the ballot.
_RECEIPT_COOKIE = "voting_receipt"
_RECEIPT_MAX_AGE = 600


def _edition(edition_id: int) -> Edition:
    return get_object_or_404(Edition.objects.public().select_related("city", "voting_rules"), pk=edition_id)


def _refused(request, edition: Edition, message: str, *, status: int = 403):
    """The page that says why someone cannot vote (or cannot any more); nothing was changed."""
    context = {"edition": edition, "message": message, "current": services.current_participation(request.user, edition)}
    return render(request, "voting/refused.html", context, status=status)


def _gate(request, edition: Edition):
    """(eligibility, refusal response or None): who may see the ballot at all, and why not."""
    closed = services.voting_status(edition)
    if closed:
        return None, _refused(request, edition, closed[1], status=200)
    result = eligibility.check(request.user, edition)
    if not result.ok:
        return None, _refused(request, edition, result.message, status=200)
    return result, None


def _ballot_context(edition, spec, form, current, **extra) -> dict:
    spent = form.chosen_cost()
    return {
        "edition": edition,
        "spec": spec,
        "form": form,
        "current": current,
        "is_knapsack": spec.ballot_type == BallotType.KNAPSACK,
        "spent": spent,
        "remaining": spec.budget - spent,
        "over_by": spent - spec.budget,
        "spent_percent": min(100, round(100 * spent / spec.budget)) if spec.budget else 0,
        "over_budget": spent > spec.budget,
        **extra,
    }


@never_cache
@login_required
def ballot(request, edition_id: int):
    """GET: the ballot (prefilled with the voter's counted ballot); POST: recalculate or review it."""
    edition = _edition(edition_id)
    allowed, refusal = _gate(request, edition)
    if refusal:
        return refusal
    spec = ballots.ballot_for(edition, allowed.district)
    current = services.current_participation(request.user, edition, allowed.district)
    if current is not None and current.channel == Channel.PAPER and current.ballot_id:
        return _refused(request, edition, _("You have already voted on a paper ballot at a polling point."), status=200)
    if request.method == "POST":
        form = BallotForm(request.POST, spec=spec)
        if request.POST.get("action") == "review" and form.is_valid():
            choices = form.cleaned_data["choices"]
            by_id = spec.by_id
            context = {
                "edition": edition,
                "spec": spec,
                "current": current,
                "lines": [(by_id[pid], value) for pid, value in sorted(choices.items(), key=lambda kv: kv[1])],
                "hidden": hidden_data(spec, choices),
                "spent": spec.cost_of(choices),
                "is_knapsack": spec.ballot_type == BallotType.KNAPSACK,
            }
            return render(request, "voting/review.html", context)
    else:
        initial = {}
        if current is not None and current.ballot_id:
            initial = initial_from(spec, dict(current.ballot.choices.values_list("proposal_id", "value")))
        form = BallotForm(initial=initial, spec=spec)
    return render(request, "voting/ballot.html", _ballot_context(edition, spec, form, current))


@never_cache
@login_required
@require_POST
def confirm(request, edition_id: int):
    """Store the reviewed ballot (or replace the voter's ballot) and show the receipt once."""
    edition = selectors.edition_for_ballot(edition_id)
    closed = services.voting_status(edition)
    if closed:
        return _refused(request, edition, closed[1])
    allowed = eligibility.check(request.user, edition)
    if not allowed.ok:
        return _refused(request, edition, allowed.message)
    spec = ballots.ballot_for(edition, allowed.district)
    form = BallotForm(request.POST, spec=spec)
    if not form.is_valid():
        current = services.current_participation(request.user, edition, allowed.district)
        return render(request, "voting/ballot.html", _ballot_context(edition, spec, form, current))
    try:
        cast = services.submit_ballot(
            user=request.user, edition=edition, choices=form.cleaned_data["choices"], district=allowed.district
        )
    except services.VotingRefused as refused:
        return _refused(request, edition, refused.message, status=409 if refused.code.startswith("already") else 403)
    response = HttpResponseRedirect(_done_url(get_script_prefix(), edition.pk))
    response.set_signed_cookie(
        _RECEIPT_COOKIE,
        f"{edition.pk}:{cast.receipt}:{int(cast.replaced)}",
        salt=_RECEIPT_COOKIE,
        max_age=_RECEIPT_MAX_AGE,
        path=response.url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@functools.lru_cache(maxsize=256)
def _done_url(script_prefix: str, edition_id: int) -> str:
    """The receipt page's URL; reverse() took 3% of a ballot's server time (py-spy), and its answer depends on the
    script prefix (reverse reads the same one) and the edition only."""
    return reverse("voting:done", kwargs={"edition_id": edition_id})


@never_cache
@login_required
def done(request, edition_id: int):
    """The receipt, shown once: the cookie that carried it is deleted by this response."""
    edition = _edition(edition_id)
    receipt = None
    value = request.get_signed_cookie(_RECEIPT_COOKIE, default="", salt=_RECEIPT_COOKIE, max_age=_RECEIPT_MAX_AGE)
    parts = value.split(":")
    if len(parts) == 3 and parts[0] == str(edition.pk):
        receipt = {"code": parts[1], "replaced": parts[2] == "1"}
    current = services.current_participation(request.user, edition)
    response = render(request, "voting/done.html", {"edition": edition, "receipt": receipt, "current": current})
    response.delete_cookie(_RECEIPT_COOKIE, path=request.path, samesite="Strict")
    return response


@login_required
@require_POST
def cancel(request, edition_id: int):
    edition = _edition(edition_id)
    try:
        services.cancel_ballot(user=request.user, edition=edition)
    except services.VotingRefused as refused:
        return _refused(request, edition, refused.message)
    messages.success(
        request, _("Your ballot is withdrawn and no longer counts. You may vote again until voting closes.")
    )
    return redirect("voting:ballot", edition_id=edition.pk)


def receipt(request, edition_id: int):
    """Anyone may check that a receipt code's ballot is counted; the page never shows the choices."""
    edition = _edition(edition_id)
    form = ReceiptForm(request.GET or None)
    status = selectors.receipt_status(edition, form.cleaned_data["code"]) if form.is_valid() else None
    return render(request, "voting/receipt.html", {"edition": edition, "form": form, "status": status})
