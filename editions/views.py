"""Public pages of cities and editions: anyone may read them, in Kazakh, Russian or English, without JavaScript."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PHASE_START_FIELDS, BallotType, City, CountingRule, Edition, Phase, Role, StaffRole, shared_budget

# "How it works": one sentence or two per phase, shown on the city home.
PHASE_HELP = {
    Phase.ANNOUNCEMENT: gettext_lazy(
        "The rules, the budget, the dates, the categories and the districts of the edition are published."
    ),
    Phase.PROPOSALS: gettext_lazy(
        "Residents submit project ideas: what problem they solve, where, and roughly how much they cost. "
        "Anyone can read them, comment and support them."
    ),
    Phase.REVIEW: gettext_lazy(
        "The expert council checks every proposal: is it legal, technically possible, on public land, can it "
        "be maintained, and what will it really cost. Feasible proposals go on the ballot; the others get a "
        "public reason."
    ),
    Phase.VOTING: gettext_lazy(
        "Residents vote online with their IIN or on a paper ballot at a polling point. An online vote can be "
        "changed until voting closes; the last one counts."
    ),
    Phase.RESULTS: gettext_lazy(
        "The votes are counted with the rule announced in advance. The results show the winners, the votes, "
        "the costs and why each project won or did not. Anyone can recount the published anonymous ballots."
    ),
    Phase.IMPLEMENTATION: gettext_lazy(
        "The winning projects are designed, procured and built. Each one shows its status, progress, photos "
        "and the money spent."
    ),
    Phase.ARCHIVE: gettext_lazy("The edition is closed. Everything stays public."),
}

FAQ = [
    (
        gettext_lazy("Who can take part?"),
        gettext_lazy(
            "Every resident of the city and its villages can propose, comment and support. Voting needs an IIN "
            "and the minimum age of the edition."
        ),
    ),
    (
        gettext_lazy("Who decides which projects are built?"),
        gettext_lazy(
            "Residents, by voting. The expert council only checks that a proposal is feasible and estimates its "
            "cost; it does not choose the winners."
        ),
    ),
    (
        gettext_lazy("How much can one project cost?"),
        gettext_lazy(
            "Up to the cap of the edition. On the ballot, the experts' estimate replaces the resident's estimate."
        ),
    ),
    (
        gettext_lazy("How do I know the count is honest?"),
        gettext_lazy(
            "The anonymous ballots and the counting rule are published, so anyone can recount and get the same "
            "winners. Every decision of the staff is written to a public log."
        ),
    ),
]

RULE_HELP = {
    CountingRule.GREEDY: gettext_lazy(
        "Projects are taken from the most votes down. A project that no longer fits in the money left is "
        "skipped, and the next one is tried."
    ),
    CountingRule.MES: gettext_lazy(
        "The budget is shared equally among the voters. A project wins when its supporters' shares can pay for "
        "it, so every group of residents gets projects in proportion to its size. Money left over goes to the "
        "most-voted projects that still fit."
    ),
    CountingRule.PHRAGMEN: gettext_lazy(
        "Projects are bought one at a time so that the cost is shared as evenly as possible among the voters "
        "who support them."
    ),
}


def ballot_help(edition: Edition) -> str:
    """The ballot type of an edition in plain words, with its numbers."""
    k, points = edition.max_choices, edition.points
    if edition.ballot_type == BallotType.KNAPSACK:
        return _("Choose the projects you want, as long as their total cost fits in the budget.")
    if edition.ballot_type == BallotType.SINGLE:
        return _("Choose one project.")
    if edition.ballot_type == BallotType.APPROVAL:
        return _("Choose up to %(k)s projects.") % {"k": k} if k else _("Choose every project you like.")
    if edition.ballot_type == BallotType.CUMULATIVE:
        return _("Spread %(points)s points among the projects you like.") % {"points": points or "?"}
    return _("Put up to %(k)s projects in order of preference.") % {"k": k or "?"}


@dataclass(frozen=True)
class Countdown:
    """Time left until the next phase, for a server-rendered countdown."""

    phase: Phase
    starts: datetime
    days: int
    hours: int
    minutes: int


def countdown(edition: Edition, now: datetime | None = None) -> Countdown | None:
    now = now or timezone.now()
    upcoming = edition.next_phase_start(now)
    if upcoming is None:
        return None
    phase, starts = upcoming
    left = int((starts - now).total_seconds())
    days, rest = divmod(left, 86400)
    return Countdown(phase=phase, starts=starts, days=days, hours=rest // 3600, minutes=rest % 3600 // 60)


@dataclass(frozen=True)
class Step:
    phase: Phase
    starts: datetime
    ends: datetime | None
    state: str  # "past", "current" or "future"
    help: str


def timeline(edition: Edition, now: datetime) -> list[Step]:
    """Each phase with its dates, marked past, current or future."""
    current = edition.phase_at(now)
    phases = list(PHASE_START_FIELDS)
    steps = []
    for i, phase in enumerate(phases):
        starts = getattr(edition, PHASE_START_FIELDS[phase])
        ends = getattr(edition, PHASE_START_FIELDS[phases[i + 1]]) if i + 1 < len(phases) else None
        state = "current" if phase == current else ("past" if starts <= now else "future")
        steps.append(Step(phase, starts, ends, state, PHASE_HELP[phase]))
    return steps


def current_edition(city: City, now: datetime) -> Edition | None:
    """The edition to show on the city's home: the newest announced one still running, else the newest."""
    public = city.editions.filter(announcement_starts__lte=now)
    return public.filter(archive_starts__gt=now).order_by("-announcement_starts").first() or public.first()


def _display_phone(phone: str) -> str:
    """+77000000002 as "+7 700 000 00 02"."""
    if len(phone) == 12 and phone.startswith("+7"):
        return f"+7 {phone[2:5]} {phone[5:8]} {phone[8:10]} {phone[10:]}"
    return phone


def _contacts(city: City) -> dict:
    roles = StaffRole.objects.filter(city=city, role=Role.COORDINATOR).select_related("user").order_by("user__name")
    coordinators = [{"name": r.user.name, "phone": _display_phone(r.user.phone)} for r in roles if r.user.is_active]
    social = [
        (label, getattr(city, name))
        for name, label in [
            ("instagram", "Instagram"),
            ("telegram", "Telegram"),
            ("whatsapp", "WhatsApp"),
            ("facebook", "Facebook"),
            ("odnoklassniki", "OK"),
            ("vk", "VK"),
        ]
        if getattr(city, name)
    ]
    phones = [p.strip() for p in city.phones.split(",") if p.strip()]
    return {"coordinators": coordinators, "social": social, "phones": phones}


def panels(name: str) -> list[list[str]]:
    """Slots later apps fill on the public pages: `<app>/_city_home.html`, `<app>/_edition.html`.

    Each entry is a list for `{% include %}`, which renders the first template that exists; an app without the
    partial falls back to an empty one. The partials get the page's context (`city`, `edition`, `phase`).
    """
    labels = [c.label for c in apps.get_app_configs() if not c.name.startswith("django") and c.label != "editions"]
    return [[f"{label}/{name}", "editions/_no_panel.html"] for label in labels]


def _get_city(city_slug: str) -> City:
    return get_object_or_404(City, slug=city_slug)


def index(request):
    cities = list(City.objects.all())
    if len(cities) == 1:
        return redirect(cities[0])
    return render(request, "editions/index.html", {"cities": cities})


def city_home(request, city_slug: str):
    city = _get_city(city_slug)
    now = timezone.now()
    edition = current_edition(city, now)
    context = {
        "city": city,
        "edition": edition,
        "phase": edition.phase_at(now) if edition else None,
        "countdown": countdown(edition, now) if edition else None,
        "how_it_works": [(phase, PHASE_HELP[phase]) for phase in PHASE_START_FIELDS],
        "faq": FAQ,
        "panels": panels("_city_home.html"),
        **_contacts(city),
    }
    return render(request, "editions/city.html", context)


def edition_detail(request, city_slug: str, year: int):
    now = timezone.now()
    edition = get_object_or_404(
        Edition.objects.select_related("city").filter(announcement_starts__lte=now), city__slug=city_slug, year=year
    )
    districts = edition.edition_districts.select_related("district")
    districts = sorted(districts, key=lambda row: row.district.name.casefold())
    context = {
        "city": edition.city,
        "edition": edition,
        "phase": edition.phase_at(now),
        "countdown": countdown(edition, now),
        "timeline": timeline(edition, now),
        "categories": sorted(edition.categories.all(), key=lambda c: c.name.casefold()),
        "districts": districts,
        "shared_budget": shared_budget(edition.budget, [row.budget for row in districts]),
        "ballot_help": ballot_help(edition),
        "rule_help": RULE_HELP[CountingRule(edition.counting_rule)],
        "panels": panels("_edition.html"),
    }
    return render(request, "editions/edition.html", context)


def edition_list(request, city_slug: str):
    city = _get_city(city_slug)
    now = timezone.now()
    editions = [(e, e.phase_at(now)) for e in city.editions.filter(announcement_starts__lte=now)]
    return render(request, "editions/edition_list.html", {"city": city, "editions": editions})


def contacts(request, city_slug: str):
    city = _get_city(city_slug)
    return render(request, "editions/contacts.html", {"city": city, **_contacts(city)})
