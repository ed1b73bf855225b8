"""Demo data: a few of Aksu's news in Kazakh, Russian and English (idempotent: keyed by city and slug)."""

from datetime import timedelta

from .models import NewsItem

AKSU_NEWS = [
    (
        "start",
        40,
        ("«Берекелі бастама» қайта басталды", "«Берекелі бастама» стартует снова", "Berekeli bastama starts again"),
        (
            "Биыл да ERG 80 000 000 теңге бөледі. Қаланы абаттандыру идеяларыңызды ұсыныңыз: аула, спорт алаңы, "
            "жарықтандыру, демалыс орындары.",
            "В этом году ERG снова выделяет 80 000 000 тенге. Предлагайте идеи благоустройства: дворы, спортивные "
            "площадки, освещение, места отдыха.",
            "This year ERG again sets aside 80,000,000 tenge. Propose your ideas for the town: courtyards, sports "
            "grounds, lighting, places to rest.",
        ),
    ),
    (
        "review",
        15,
        (
            "Сараптама кеңесі жобаларды қарап жатыр",
            "Экспертный совет рассматривает проекты",
            "The expert council is reviewing proposals",
        ),
        (
            "Сарапшылар әр жобаның іске асыруға болатынын, жер мәселесін және құнын тексереді. Шешімдер мен "
            "себептері сайтта жарияланады.",
            "Эксперты проверяют реализуемость каждого проекта, вопросы земли и стоимость. Решения и их причины "
            "публикуются на сайте.",
            "The experts check each proposal's feasibility, land ownership and cost. Decisions and their reasons "
            "are published on the site.",
        ),
    ),
    (
        "voting",
        2,
        ("Дауыс беру ашылды", "Голосование открыто", "Voting is open"),
        (
            "16 жастан асқан Ақсу тұрғындары ЖСН арқылы онлайн немесе сайлау учаскелерінде қағаз бюллетеньмен "
            "дауыс бере алады.",
            "Жители Аксу старше 16 лет могут проголосовать онлайн с ИИН или бумажным бюллетенем на пунктах "
            "голосования.",
            "Aksu residents aged 16 and over can vote online with their IIN, or on a paper ballot at a polling point.",
        ),
    ),
]


def load(context) -> None:
    city = context.cities["aksu"]
    author = next(iter(context.staff.values()), None)
    for slug, days_ago, titles, bodies in AKSU_NEWS:
        NewsItem.objects.update_or_create(
            city=city,
            slug=slug,
            defaults={
                "title_kk": titles[0],
                "title_ru": titles[1],
                "title_en": titles[2],
                "body_kk": bodies[0],
                "body_ru": bodies[1],
                "body_en": bodies[2],
                "published_at": context.now - timedelta(days=days_ago),
                "author": author,
            },
        )
    context.notes.append(f"News: {len(AKSU_NEWS)} Aksu news in kk/ru/en at /aksu/news/ (feeds /aksu/news/ru/rss.xml).")
