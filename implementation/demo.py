"""Demo data: the 13 projects Khromtau's 2020 pilot built in 2021, and Aksu's winners once its results are out.

Idempotent: records are keyed by (edition, project id), milestones by (record, date, title); nothing is notified.
"""

from datetime import date

from django.core.exceptions import ValidationError

from editions.models import Category, District

from . import services
from .models import ImplementationRecord, Milestone

# (project id, title as the author wrote it, language, district (English name), category (English name),
#  allocated, spent, contractor, start, end)
KHROMTAU_2020 = [
    (
        "1",
        "Детская игровая площадка во дворе домов 12–14",
        "ru",
        "Central",
        "Children and youth",
        9_800_000,
        9_650_000,
        "ТОО «Хромтау Курылыс»",
        (2021, 4, 12),
        (2021, 6, 30),
    ),
    (
        "2",
        "Workout-площадка у школы № 3",
        "ru",
        "Central",
        "Sport and health",
        6_200_000,
        6_180_000,
        "ИП «Спорт-Ал»",
        (2021, 4, 19),
        (2021, 6, 15),
    ),
    (
        "3",
        "Абай көшесіндегі жаяу жүргіншілер жолын жарықтандыру",
        "kk",
        "Central",
        "Courtyards",
        8_500_000,
        8_120_000,
        "«Энерго-Сервис» ЖШС",
        (2021, 5, 3),
        (2021, 7, 20),
    ),
    (
        "4",
        "Благоустройство сквера «Жастар»",
        "ru",
        "Molodezhny",
        "Courtyards",
        14_000_000,
        13_870_000,
        "ТОО «Хромтау Курылыс»",
        (2021, 4, 26),
        (2021, 9, 10),
    ),
    (
        "5",
        "Мини-футбольное поле с искусственным покрытием",
        "ru",
        "Molodezhny",
        "Sport and health",
        12_500_000,
        12_500_000,
        "ТОО «Стадион Сервис»",
        (2021, 5, 10),
        (2021, 8, 31),
    ),
    (
        "6",
        "Скамейки и урны на бульваре Победы",
        "ru",
        "Central",
        "Courtyards",
        2_300_000,
        2_240_000,
        "ИП Жаксылыков",
        (2021, 5, 17),
        (2021, 6, 10),
    ),
    (
        "7",
        "Пандусы у поликлиники и почты",
        "ru",
        "Central",
        "Courtyards",
        3_100_000,
        3_050_000,
        "ИП «Доступная среда»",
        (2021, 6, 1),
        (2021, 7, 1),
    ),
    (
        "8",
        "Дон ауылындағы спорт алаңы",
        "kk",
        "Don",
        "Sport and health",
        7_400_000,
        7_390_000,
        "«Дала Құрылыс» ЖШС",
        (2021, 5, 24),
        (2021, 8, 16),
    ),
    (
        "9",
        "Остановочные павильоны на улице Мира",
        "ru",
        "Molodezhny",
        "Courtyards",
        5_600_000,
        5_480_000,
        "ТОО «Город Строй»",
        (2021, 6, 7),
        (2021, 8, 2),
    ),
    (
        "10",
        "Баскетбольная площадка в 1-м микрорайоне",
        "ru",
        "Molodezhny",
        "Sport and health",
        4_900_000,
        4_900_000,
        "ТОО «Стадион Сервис»",
        (2021, 6, 14),
        (2021, 8, 9),
    ),
    (
        "11",
        "Зона отдыха в селе Тасоткель",
        "ru",
        "Tasotkel",
        "Children and youth",
        6_800_000,
        6_710_000,
        "«Дала Құрылыс» ЖШС",
        (2021, 6, 21),
        (2021, 9, 6),
    ),
    (
        "12",
        "Велопарковки у школ и библиотеки",
        "ru",
        "Central",
        "Children and youth",
        1_600_000,
        1_560_000,
        "ИП Жаксылыков",
        (2021, 7, 5),
        (2021, 7, 30),
    ),
    (
        "13",
        "Ремонт дворового катка",
        "ru",
        "Molodezhny",
        "Sport and health",
        4_700_000,
        4_620_000,
        "ТОО «Город Строй»",
        (2021, 9, 13),
        (2021, 11, 26),
    ),
]

MILESTONES = {
    "ru": [("Работы начались: подрядчик вышел на объект", "start"), ("Работы завершены, объект принят", "end")],
    "kk": [("Жұмыс басталды: мердігер нысанға шықты", "start"), ("Жұмыс аяқталды, нысан қабылданды", "end")],
}


def _khromtau(context) -> int:
    edition = context.editions["khromtau"]
    districts = {d.name_en.split()[0]: d for d in District.objects.filter(city=edition.city)}
    categories = {c.name_en: c for c in Category.objects.filter(edition=edition)}
    for pid, title, language, district, category, allocated, spent, contractor, start, end in KHROMTAU_2020:
        record, _ = services.create_record(
            actor=None,
            edition=edition,
            project_id=pid,
            title=title,
            budget_allocated=allocated,
            district=districts.get(district),
            category=categories.get(category),
        )
        services.update_record(
            actor=None,
            record=record,
            status="completed",
            progress=100,
            contractor=contractor,
            budget_spent=spent,
            planned_start=date(*start),
            planned_end=date(*end),
            actual_start=date(*start),
            actual_end=date(*end),
        )
        if record.latitude is None:
            # Around Khromtau's centre (50.2526 N, 58.4353 E), one point per project, spread over the town.
            ImplementationRecord.objects.filter(pk=record.pk).update(
                latitude=round(50.2526 + 0.004 * ((int(pid) % 5) - 2), 6),
                longitude=round(58.4353 + 0.006 * ((int(pid) // 5) - 1) + 0.001 * (int(pid) % 3), 6),
            )
        for text, when in MILESTONES[language]:
            day = date(*start) if when == "start" else date(*end)
            Milestone.objects.get_or_create(record=record, date=day, title=text, defaults={"language": language})
    return len(KHROMTAU_2020)


def load(context) -> None:
    built = _khromtau(context)
    context.notes.append(
        f"Implementation: Khromtau 2020 pilot, {built} projects built; /implementation/ compares cities."
    )
    aksu = context.editions.get("aksu")
    if aksu is not None:
        try:
            created = services.sync_records_with_results(actor=None, edition=aksu).created
        except ValidationError:
            created = []
        if ImplementationRecord.objects.filter(edition=aksu).exists():
            context.notes.append(f"Implementation: Aksu 2022 winners tracked ({len(created)} new).")
