"""State changes of the results phase: run a count, publish it. Keyword-only, atomic, audited."""

from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_action
from editions.models import PHASE_START_FIELDS, City, District, Edition
from editions.permissions import is_coordinator
from pbcount import pabulib
from pbcount.election import Election

from . import selectors, tally
from .models import CountRun


@transaction.atomic
def run_count(
    *, edition: Edition, actor, elections: Mapping[District | None, Election], rule: str | None = None
) -> list[CountRun]:
    """Count every budget of the edition (one Election per district, or None for one edition-wide budget).

    `rule` defaults to the edition's published rule; another rule gives the comparison shown to coordinators.
    Only after voting has closed: a count of an open vote would leak a running tally.
    """
    if not is_coordinator(actor, edition.city):
        raise PermissionDenied
    if edition.results_start > timezone.now():
        raise ValidationError(_("The count can run only after voting has closed."))
    if not edition.tie_break_seed:
        raise ValidationError(_("Publish a tie-break seed for the edition before counting."))
    rule = rule or edition.counting_rule
    runs = []
    for district, election in elections.items():
        counted = tally.run_rule(election, rule=rule, seed=edition.tie_break_seed)
        run = CountRun.objects.create(
            edition=edition,
            district=district,
            rule=counted.rule,
            parameters=counted.parameters,
            seed=counted.seed,
            input_hash=counted.input_hash,
            input_pb=counted.input_pb,
            outcome=counted.outcome,
            duration_ms=counted.duration_ms,
            ran_by=actor,
        )
        record_action(
            actor=actor,
            action="results.counted",
            target=run,
            edition_id=edition.pk,
            summary=f"{rule}: {len(counted.outcome['winners'])} winners",
            after={"rule": rule, "seed": counted.seed, "input_hash": counted.input_hash, "winners": run.winners},
        )
        runs.append(run)
    return runs


def count_edition(*, edition: Edition, actor) -> list[CountRun]:
    """Count the edition's counted ballots (online and paper) with its published rule, one run per budget."""
    if not is_coordinator(actor, edition.city):
        raise PermissionDenied
    return run_count(edition=edition, actor=actor, elections=selectors.elections_for(edition))


@transaction.atomic
def count_other_rules(*, edition: Edition, actor) -> tuple[list[CountRun], list[str]]:
    """Recount the ballots of the edition's latest count with every other rule, for the side-by-side view.

    It reads the stored `.pb` text, so the comparison is over exactly the ballots that were counted.
    Phragmén reads approval ballots only, so it is left out for cumulative and ranked editions. Returns the new
    runs and, for each rule the core refused, why.
    """
    latest = {}
    for run in CountRun.objects.filter(edition=edition, rule=edition.counting_rule).order_by("ran_at", "pk"):
        latest[run.district] = run
    if not latest:
        raise ValidationError(_("Run the count with the published rule first."))
    elections = {district: pabulib.parse(run.input_pb) for district, run in latest.items()}
    runs, refused = [], []
    for rule in tally.RULES:
        if rule == edition.counting_rule or (rule == "phragmen" and edition.ballot_type in ("cumulative", "ranked")):
            continue
        try:
            with transaction.atomic():
                runs += run_count(edition=edition, actor=actor, elections=elections, rule=rule)
        except ValueError as error:  # the core refuses (e.g. a rule not installed): say so, count the others
            refused.append(f"{rule}: {error}")
    return runs, refused


@transaction.atomic
def publish_results(*, run: CountRun, actor) -> CountRun:
    """Make a count public. Only a count with the edition's published rule may be published."""
    edition = run.edition
    if not is_coordinator(actor, edition.city):
        raise PermissionDenied
    if run.rule != edition.counting_rule:
        raise ValidationError(_("Only a count with the edition's published counting rule can be published."))
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    record_action(
        actor=actor,
        action="results.published",
        target=run,
        edition_id=edition.pk,
        summary=f"{run.rule}: {', '.join(run.winners)}",
        after={"input_hash": run.input_hash, "winners": run.winners},
        public=True,
    )
    tell_authors_and_followers(run=run)
    return run


def tell_authors_and_followers(*, run: CountRun) -> int:
    """Queue a message to each project's author and followers: won or not, with the votes and a link.

    Called inside the publication's transaction (notify only inserts rows; the worker sends them later, in each
    person's language). The dedupe key is per edition and proposal, so publishing a recount tells nobody twice.
    Imported editions have no proposals in the platform: nobody to tell. Returns how many messages were queued.
    """
    from notifications.services import followers_of, notify
    from proposals.models import Proposal

    votes = {p["id"]: p["votes"] for p in run.outcome["projects"]}
    ids = [int(pid) for pid in votes if pid.isdigit()]
    path = reverse("results:edition", kwargs={"edition_id": run.edition_id})
    queued = 0
    for proposal in Proposal.objects.filter(edition_id=run.edition_id, pk__in=ids):
        people = list(followers_of(proposal))
        author = getattr(proposal, "author", None)
        if author is not None:
            people.append(author)
        queued += notify(
            users=people,
            template="results/notifications/project_result",
            context={
                "title": str(proposal.title),
                # In every language: the worker picks the reader's.
                "edition": {code: getattr(run.edition, f"title_{code}") for code in ("kk", "ru", "en")},
                "won": str(proposal.pk) in run.winners,
                "votes": votes[str(proposal.pk)],
                "path": path,
            },
            dedupe_key=f"results:{run.edition_id}:{proposal.pk}",
        )
    return queued


@transaction.atomic
def import_election(*, election: Election, city_slug: str, actor=None) -> CountRun:
    """Load a pabulib election as a finished, published edition of a demo city, counted with the city's rule.

    Budgets are whole tenge, so a file with decimal costs is refused rather than rounded: rounding could change
    which projects fit. The city's `selected` column is kept in the stored file as the reference.
    """
    if any(p.cost.denominator != 1 for p in election.projects) or election.budget.denominator != 1:
        raise ValidationError(_("This file has costs with decimals; the platform counts whole tenge."))
    if election.meta.get("rule") not in tally.CITY_RULES:
        raise ValidationError(
            _("The city's counting rule %(rule)s is not one the platform runs.") % {"rule": election.meta.get("rule")}
        )
    if election.vote_type not in tally.BALLOT_TYPES:
        raise ValidationError(_("Ballots of type %(type)s cannot be shown.") % {"type": election.vote_type})
    name = election.meta.get("unit") or city_slug
    city, _created = City.objects.get_or_create(
        slug=city_slug, defaults={"name_kk": name, "name_ru": name, "name_en": name}
    )
    year = int(election.meta.get("instance", "")[:4] or timezone.now().year)
    if Edition.objects.filter(city=city, year=year).exists():
        raise ValidationError(
            _("%(city)s already has an edition for %(year)s; choose another --city-slug.")
            % {"city": city, "year": year}
        )
    title = election.meta.get("description") or f"{name} {year}"
    past = timezone.now() - timedelta(days=1)
    edition = Edition.objects.create(
        city=city,
        year=year,
        title_kk=title,
        title_ru=title,
        title_en=title,
        budget=int(election.budget),
        ballot_type=tally.BALLOT_TYPES[election.vote_type],
        counting_rule=tally.CITY_RULES[election.meta["rule"]],
        **dict.fromkeys(PHASE_START_FIELDS.values(), past),
    )
    rebuilt = tally.build_election(
        projects=[tally.TallyProject(p.id, int(p.cost), p.name) for p in election.projects],
        ballots=([(election.projects[i].id, value) for i, value in v.ballot] for v in election.voters),
        budget=int(election.budget),
        ballot_type=edition.ballot_type,
        meta={k: election.meta[k] for k in ("description", "country", "unit", "instance") if k in election.meta},
        selected=[p.id for p in election.projects if p.extra.get("selected") == "1"],
    )
    counted = tally.run_rule(rebuilt, rule=edition.counting_rule, seed="", tie_break="pabutools")
    run = CountRun.objects.create(
        edition=edition,
        rule=counted.rule,
        parameters=counted.parameters,
        seed="",
        input_hash=counted.input_hash,
        input_pb=counted.input_pb,
        outcome=counted.outcome,
        duration_ms=counted.duration_ms,
        ran_by=actor,
        published_at=timezone.now(),
    )
    record_action(
        actor=actor,
        action="results.imported",
        target=run,
        edition_id=edition.pk,
        summary=title,
        after={"input_hash": run.input_hash, "winners": run.winners},
        public=True,
    )
    return run
