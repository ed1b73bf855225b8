"""Demo data for `manage.py load_demo`: Aksu's "Berekeli bastama", Khromtau's 2020 pilot and demo staff.

Every installed app may add its own demo data: give the app a module `<app>/demo.py` with a function
`load(context: DemoContext) -> None`. `load_demo` calls each app's `load` in INSTALLED_APPS order, which is the
dependency order (accounts, audit, editions, proposals, review, voting, results, implementation), so a loader
finds everything its app depends on in `context`. A loader must be idempotent: running `load_demo` again
updates the same rows (look rows up by a natural key, e.g. `update_or_create`) and never duplicates them.

The Aksu 2022 edition's phase dates are relative to the moment the demo is loaded: by default voting opened
three days ago and closes in eleven days (`load_demo --phase proposals` puts it in another phase). The year stays
2022, as in the real programme. Khromtau's 2020 pilot keeps its real dates and is in the archive.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PHASE_START_FIELDS, Category, City, District, Edition, EditionDistrict, Phase, Role

DEMO_PASSWORD = "bastama-demo-password"
# A fixed authenticator secret (hex, as django-otp stores it) so demo staff can add it to an app once, or read
# the current code with `manage.py load_demo --codes`. Demo data only: never on a real site.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # base32: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ

# (phone, role, city slug or None, name)
DEMO_STAFF = [
    ("+77000000001", Role.ADMINISTRATOR, None, "Ержан Абдрахманов"),
    ("+77000000002", Role.COORDINATOR, "aksu", "Айгерім Сейітқали"),
    ("+77000000003", Role.COORDINATOR, "aksu", "Ольга Ким"),
    ("+77000000004", Role.EXPERT, "aksu", "Марат Жұмабаев"),
    ("+77000000005", Role.EXPERT, "aksu", "Наталья Петренко"),
    ("+77000000006", Role.COORDINATOR, "khromtau", "Бауыржан Исмаилов"),
]

# How long each phase of the demo edition lasts, in days (archive starts after implementation).
_PHASE_DAYS = {
    Phase.ANNOUNCEMENT: 14,
    Phase.PROPOSALS: 30,
    Phase.REVIEW: 21,
    Phase.VOTING: 14,
    Phase.RESULTS: 14,
    Phase.IMPLEMENTATION: 365,
}


@dataclass
class DemoContext:
    """What the loaders share: the moment, the demo cities, editions and people, and lines to print at the end."""

    now: datetime
    phase: Phase = Phase.VOTING  # the phase the showcase edition is in
    cities: dict[str, City] = field(default_factory=dict)
    # "aksu" is the showcase edition (Aksu 2022); "khromtau" the 2020 pilot.
    editions: dict[str, Edition] = field(default_factory=dict)
    staff: dict[str, object] = field(default_factory=dict)  # phone -> User
    notes: list[str] = field(default_factory=list)
    write: Callable[[str], None] = print


def demo_loaders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(app label, load) for every installed app with a `demo` module, in INSTALLED_APPS (dependency) order."""
    loaders = []
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
            continue
        if callable(getattr(module, "load", None)):
            loaders.append((app_config.label, module.load))
    return loaders


def load_all(context: DemoContext) -> DemoContext:
    """Run every app's demo loader in order, each in its own transaction."""
    for label, load in demo_loaders():
        with transaction.atomic():
            load(context)
        context.write(f"demo: {label} loaded")
    return context


def phase_dates(now: datetime, current: Phase = Phase.VOTING, days_in: int = 3) -> dict[str, datetime]:
    """Start dates for every phase so that `current` began `days_in` days ago, at 09:00 local time."""
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE))
    anchor = local.replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=days_in)
    phases = list(PHASE_START_FIELDS)
    index = phases.index(current)
    starts = {current: anchor}
    for i in range(index - 1, -1, -1):
        starts[phases[i]] = starts[phases[i + 1]] - timedelta(days=_PHASE_DAYS[phases[i]])
    for i in range(index + 1, len(phases)):
        starts[phases[i]] = starts[phases[i - 1]] + timedelta(days=_PHASE_DAYS[phases[i - 1]])
    return {field: starts[phase] for phase, field in PHASE_START_FIELDS.items()}


def _almaty(*args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Almaty"))


AKSU = {
    "name_kk": "Ақсу",
    "name_ru": "Аксу",
    "name_en": "Aksu",
    "programme_kk": "Берекелі бастама — Қалалық бастама",
    "programme_ru": "Берекелі бастама — Городская инициатива",
    "programme_en": "Berekeli bastama — City initiative",
    "about_kk": (
        "«Берекелі бастама» — Ақсу қаласының қатысу бюджеті. Жыл сайын ERG демеушісі облыс әкімдігімен жасалған "
        "меморандум бойынша 80 000 000 теңге бөледі. Тұрғындар қала мен ауылдарды абаттандыру жобаларын "
        "ұсынады, сараптама кеңесі оларды іске асыруға болатынын тексереді, ал жеңімпаздарды тұрғындардың "
        "өздері дауыс беру арқылы таңдайды. Жобалық орталық бәрін үйлестіреді."
    ),
    "about_ru": (
        "«Берекелі бастама» — бюджет участия города Аксу. Каждый год спонсор ERG по меморандуму с акиматом "
        "области выделяет 80 000 000 тенге. Жители предлагают проекты благоустройства города и сёл, экспертный "
        "совет проверяет, реализуемы ли они, а победителей жители выбирают сами голосованием. Всё координирует "
        "проектный центр."
    ),
    "about_en": (
        "Berekeli bastama is Aksu's participatory budget. Every year the sponsor, ERG, sets aside 80,000,000 tenge "
        "under a memorandum with the regional akimat. Residents propose projects for the town and its villages, "
        "an expert council checks that they are feasible, and residents choose the winners by voting. A project "
        "centre coordinates it all."
    ),
    "email": "bastama.aksu@example.kz",
    "phones": "+7 718 37 5 12 34, +7 700 000 00 02",
    "instagram": "https://www.instagram.com/berekeli_bastama_aksu/",
    "telegram": "https://t.me/berekeli_bastama_aksu",
    "whatsapp": "https://wa.me/77000000002",
    "facebook": "https://www.facebook.com/berekeli.bastama.aksu",
    "odnoklassniki": "",
    "vk": "",
}

# (kk, ru, en, own budget or None)
AKSU_DISTRICTS = [
    ("Орталық шағын ауданы", "Центральный микрорайон", "Central microdistrict", None),
    ("Энергетик шағын ауданы", "Микрорайон Энергетик", "Energetik microdistrict", None),
    ("Жастар шағын ауданы", "Микрорайон Молодёжный", "Molodezhny microdistrict", None),
    ("Ескі қала", "Старый город", "Old town", None),
    ("Қалқаман ауылы", "Село Калкаман", "Kalkaman village", 8_000_000),
    ("Евгеньевка ауылы", "Село Евгеньевка", "Yevgenyevka village", 6_000_000),
    ("Достық ауылы", "Село Достык", "Dostyk village", 6_000_000),
]

AKSU_CATEGORIES = [
    ("Аулаларды абаттандыру", "Благоустройство дворов", "Courtyards"),
    ("Балалар мен жастар", "Дети и молодёжь", "Children and youth"),
    ("Спорт және денсаулық", "Спорт и здоровье", "Sport and health"),
    ("Мәдениет және демалыс", "Культура и досуг", "Culture and leisure"),
    ("Экология және көгалдандыру", "Экология и озеленение", "Ecology and greenery"),
    ("Жарықтандыру және қауіпсіздік", "Освещение и безопасность", "Lighting and safety"),
]

KHROMTAU = {
    "name_kk": "Хромтау",
    "name_ru": "Хромтау",
    "name_en": "Khromtau",
    "programme_kk": "Хромтау бастамасы (пилот)",
    "programme_ru": "Инициатива Хромтау (пилот)",
    "programme_en": "Khromtau initiative (pilot)",
    "about_kk": "2020 жылғы пилоттық қатысу бюджеті: тұрғындардың 13 идеясы 2021 жылы іске асырылды.",
    "about_ru": "Пилотный бюджет участия 2020 года: 13 идей жителей реализованы в 2021 году.",
    "about_en": "The 2020 pilot participatory budget: 13 residents' ideas were built in 2021.",
    "email": "bastama.khromtau@example.kz",
    "phones": "+7 713 36 2 11 22",
    "instagram": "https://www.instagram.com/khromtau_bastama/",
    "telegram": "",
    "whatsapp": "",
    "facebook": "",
    "odnoklassniki": "https://ok.ru/khromtau.bastama",
    "vk": "",
}

KHROMTAU_DISTRICTS = [
    ("Орталық", "Центральный", "Central", None),
    ("Жастар шағын ауданы", "Микрорайон Молодёжный", "Molodezhny microdistrict", None),
    ("Дон ауылы", "Село Дон", "Don village", None),
    ("Тасөткел ауылы", "Село Тасоткель", "Tasotkel village", None),
]

KHROMTAU_CATEGORIES = [
    ("Аулаларды абаттандыру", "Благоустройство дворов", "Courtyards"),
    ("Спорт және денсаулық", "Спорт и здоровье", "Sport and health"),
    ("Балалар мен жастар", "Дети и молодёжь", "Children and youth"),
]

KHROMTAU_DATES = {
    "announcement_starts": _almaty(2020, 8, 3, 9),
    "proposals_start": _almaty(2020, 8, 17, 9),
    "review_starts": _almaty(2020, 9, 21, 9),
    "voting_starts": _almaty(2020, 10, 19, 9),
    "results_start": _almaty(2020, 11, 2, 9),
    "implementation_starts": _almaty(2021, 1, 11, 9),
    "archive_starts": _almaty(2022, 1, 10, 9),
}


def _city(slug: str, fields: dict) -> City:
    city, _ = City.objects.update_or_create(slug=slug, defaults=fields)
    return city


def _districts(city: City, rows) -> list[tuple[District, int | None]]:
    out = []
    for kk, ru, en, budget in rows:
        district, _ = District.objects.update_or_create(city=city, name_en=en, defaults={"name_kk": kk, "name_ru": ru})
        out.append((district, budget))
    return out


def _edition(city: City, year: int, fields: dict, districts, categories) -> Edition:
    edition, _ = Edition.objects.update_or_create(city=city, year=year, defaults=fields)
    for kk, ru, en in categories:
        Category.objects.update_or_create(edition=edition, name_en=en, defaults={"name_kk": kk, "name_ru": ru})
    for district, budget in districts:
        EditionDistrict.objects.update_or_create(edition=edition, district=district, defaults={"budget": budget})
    return edition


def _staff(context: DemoContext) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import services
    from accounts.models import User

    for phone, role, city_slug, name in DEMO_STAFF:
        user = User.objects.filter(phone=phone).first()
        if user is None or not user.check_password(DEMO_PASSWORD):
            user = services.create_staff_account(actor=None, phone=phone, name=name, password=DEMO_PASSWORD)
        services.grant_role(actor=None, user=user, role=role, city=context.cities.get(city_slug))
        TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
        context.staff[phone] = user


def load(context: DemoContext) -> None:
    """The editions app's demo: the cities, their editions, districts, categories and the demo staff."""
    phase = context.phase
    aksu = context.cities["aksu"] = _city("aksu", AKSU)
    context.editions["aksu"] = _edition(
        aksu,
        2022,
        {
            "title_kk": "Берекелі бастама 2022",
            "title_ru": "Берекелі бастама 2022",
            "title_en": "Berekeli bastama 2022",
            "budget": 80_000_000,
            "proposal_cost_cap": 10_000_000,
            "min_voter_age": 16,
            "ballot_type": "knapsack",
            "counting_rule": "greedy",
            "tie_break_seed": "aksu-2022",
            **phase_dates(context.now, phase),
        },
        _districts(aksu, AKSU_DISTRICTS),
        AKSU_CATEGORIES,
    )
    khromtau = context.cities["khromtau"] = _city("khromtau", KHROMTAU)
    context.editions["khromtau"] = _edition(
        khromtau,
        2020,
        {
            "title_kk": "Хромтау 2020 пилоты",
            "title_ru": "Пилот Хромтау 2020",
            "title_en": "Khromtau 2020 pilot",
            "budget": 100_000_000,
            "proposal_cost_cap": 15_000_000,
            "min_voter_age": 18,
            "ballot_type": "approval",
            "max_choices": 3,
            "counting_rule": "greedy",
            **KHROMTAU_DATES,
        },
        _districts(khromtau, KHROMTAU_DISTRICTS),
        KHROMTAU_CATEGORIES,
    )
    _staff(context)
    context.notes.append(
        f"Demo staff sign in at /accounts/staff/sign-in/ with password {DEMO_PASSWORD!r} and the authenticator "
        "code from `manage.py load_demo --codes` (or add the secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ to an app):"
    )
    for phone, role, city_slug, name in DEMO_STAFF:
        context.notes.append(f"  {phone}  {role.value:<13} {city_slug or 'all cities':<10} {name}")
    context.notes.append(
        "Residents sign in at /accounts/sign-in/ with any +7 7xx number; the one-time code is printed in the "
        "runserver console (SMS_BACKEND=console)."
    )
