# ruff: noqa: E501 (the IDEAS table keeps one idea per line)
"""Demo proposals for `manage.py load_demo`: 40 residents' ideas for Aksu, in Russian and Kazakh.

Runs after editions' loader (INSTALLED_APPS order) and before review's, which assigns experts and decides the
submitted ones according to the edition's phase. Most proposals are submitted; a few are drafts, withdrawn,
hidden by a moderator or merged into a duplicate, so every screen has something to show. Idempotent: a proposal
is found by (edition, title) and left as it is (review may have moved it on since).
"""

import io
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from .models import Comment, Proposal, ProposalAttachment, ProposalFollow, ProposalStatusChange, ProposalSupport
from .uploads import process_upload

# (lang, title, summary, category index, district index, address, cost in tenge)
# Category indexes follow editions.demo.AKSU_CATEGORIES, district indexes AKSU_DISTRICTS. One row per idea.
# fmt: off
IDEAS = [
    ("ru", "Детская площадка во дворе Ленина, 12", "Качели, горка и песочница с мягким покрытием", 1, 0, "ул. Ленина, 12", 6_500_000),
    ("kk", "Абай көшесіндегі аулаға балалар алаңы", "Әткеншек, сырғанақ және жұмсақ жабын", 1, 0, "Абай көшесі, 7", 5_800_000),
    ("ru", "Освещение тропинки к школе № 3", "Фонари на солнечных батареях вдоль тропинки", 5, 1, "мкр. Энергетик, школа № 3", 3_200_000),
    ("kk", "Мектепке баратын жолды жарықтандыру", "Күн батареяларындағы шамдар", 5, 2, "Жастар шағын ауданы, 4-мектеп", 2_900_000),
    ("ru", "Уличные тренажёры в парке Победы", "Комплекс из восьми тренажёров для всех возрастов", 2, 0, "Парк Победы", 4_800_000),
    ("kk", "Қалқаман ауылында футбол алаңы", "Жасанды шөбі бар шағын футбол алаңы", 2, 4, "Қалқаман ауылы, мектеп жанында", 7_600_000),
    ("ru", "Скамейки и урны на набережной", "Двадцать скамеек и урн вдоль набережной Иртыша", 3, 3, "Набережная, Старый город", 2_400_000),
    ("kk", "Ертіс жағалауына орындықтар", "Жағалау бойына орындықтар мен қоқыс жәшіктері", 3, 3, "Ертіс жағалауы", 2_100_000),
    ("ru", "Аллея из ста деревьев", "Посадить сто берёз и клёнов с системой полива", 4, 1, "ул. Энергетиков", 3_600_000),
    ("kk", "Евгеньевка ауылында саябақ", "Ағаштар, орындықтар және жарықтандыру", 4, 5, "Евгеньевка ауылы, орталық", 5_400_000),
    ("ru", "Пандусы у поликлиники", "Удобный вход для колясок и людей с инвалидностью", 5, 0, "ул. Астана, 30", 1_800_000),
    ("kk", "Кітапханада балалар бұрышы", "Кітап сөрелері, жұмсақ орындықтар, ойындар", 3, 0, "Орталық кітапхана", 1_500_000),
    ("ru", "Скейт-площадка для подростков", "Рампы и перила на асфальтированной площадке", 1, 2, "мкр. Молодёжный, у стадиона", 8_900_000),
    ("kk", "Жастарға арналған скейт-алаң", "Рампалар мен тұтқалар", 1, 2, "Жастар шағын ауданы", 8_700_000),
    ("ru", "Остановка с навесом в селе Достык", "Тёплый павильон ожидания автобуса", 5, 6, "с. Достык, ул. Центральная", 2_300_000),
    ("kk", "Достық ауылында аялдама", "Жылы күту павильоны", 5, 6, "Достық ауылы", 2_200_000),
    ("ru", "Летняя сцена в сквере", "Деревянная сцена для концертов и праздников", 3, 0, "Сквер у акимата", 6_900_000),
    ("kk", "Саябақтағы жазғы сахна", "Концерттер мен мерекелерге арналған сахна", 3, 3, "Ескі қала саябағы", 6_700_000),
    ("ru", "Велопарковки у магазинов", "Десять велопарковок в центре города", 4, 0, "ул. Ленина", 900_000),
    ("kk", "Велосипед тұрақтары", "Орталықта он велосипед тұрағы", 4, 1, "Энергетик шағын ауданы", 850_000),
    ("ru", "Баскетбольная площадка с покрытием", "Резиновое покрытие, кольца и ограждение", 2, 1, "мкр. Энергетик, 15", 5_200_000),
    ("kk", "Волейбол алаңы", "Тор, жабын және қоршау", 2, 5, "Евгеньевка ауылы", 3_900_000),
    ("ru", "Зона отдыха для пожилых", "Беседка, столы для шахмат и навес от солнца", 3, 1, "мкр. Энергетик, 3", 2_800_000),
    ("kk", "Қарттарға демалыс аймағы", "Шахмат үстелдері мен шатыр", 3, 4, "Қалқаман ауылы", 2_600_000),
    ("ru", "Контейнеры для раздельного сбора", "Площадки для пластика, стекла и бумаги", 4, 2, "мкр. Молодёжный", 1_900_000),
    ("kk", "Қалдықтарды бөлек жинау", "Пластик, шыны және қағаз контейнерлері", 4, 3, "Ескі қала", 1_700_000),
    ("ru", "Видеонаблюдение во дворах", "Камеры у подъездов и детских площадок", 5, 2, "мкр. Молодёжный, 8", 4_100_000),
    ("kk", "Ауладағы бейнебақылау", "Кіреберістер мен алаңдардағы камералар", 5, 1, "Энергетик шағын ауданы", 3_800_000),
    ("ru", "Каток в зимнее время", "Заливной каток с освещением и раздевалкой", 2, 3, "Старый город, стадион", 4_500_000),
    ("kk", "Қысқы мұз айдыны", "Жарықтандырылған мұз айдыны", 2, 6, "Достық ауылы", 3_300_000),
    ("ru", "Ремонт тротуара на Комсомольской", "Новая плитка и бордюры на 400 метрах", 0, 3, "ул. Комсомольская", 9_500_000),
    ("kk", "Тротуарды жөндеу", "400 метр жаңа тақтайша", 0, 0, "Тәуелсіздік көшесі", 9_200_000),
    ("ru", "Клумбы у детского сада", "Цветники и низкая живая изгородь", 4, 2, "Детский сад «Балдырган»", 700_000),
    ("kk", "Балабақша жанындағы гүлзар", "Гүлзарлар мен тірі қоршау", 4, 1, "«Айгөлек» балабақшасы", 650_000),
    ("ru", "Площадка для выгула собак", "Огороженная площадка со снарядами", 0, 1, "мкр. Энергетик, пустырь", 2_000_000),
    ("kk", "Ит серуендететін алаң", "Қоршалған алаң", 0, 2, "Жастар шағын ауданы", 1_950_000),
    ("ru", "Детская площадка во дворе Ленина 12", "Дубликат: качели и горка", 1, 0, "ул. Ленина, 12", 6_000_000),
    ("ru", "Продам гараж недорого", "Звоните", 0, 0, "—", 100_000),
    ("kk", "Спорт залын жөндеу", "Мектептің спорт залы", 2, 0, "№ 1 мектеп", 7_500_000),
    ("ru", "Фонтан на площади", "Сухой фонтан с подсветкой", 3, 0, "Центральная площадь", 9_900_000),
]
# fmt: on

# Index in IDEAS -> a status other than "submitted" (review decides the submitted ones later).
SPECIAL = {36: "merged", 37: "hidden", 38: "draft", 39: "withdrawn"}
MERGE_TARGET = 0
HIDE_REASON = "Реклама, не относится к благоустройству. / Жарнама, абаттандыруға қатысы жоқ."
WITH_PHOTOS = (0, 4, 5, 12, 16)

_TEXT = {
    "ru": (
        "Сейчас здесь {problem}. Жители двора давно просят это исправить.",
        "Предлагаем: {summary}. Работы можно провести за один сезон; содержание возьмёт на себя КСК.",
        "ничего нет, и люди вынуждены идти далеко",
    ),
    "kk": (
        "Қазір мұнда {problem}. Тұрғындар мұны көптен бері сұрап жүр.",
        "Ұсынысымыз: {summary}. Жұмысты бір маусымда жүргізуге болады; күтімін ПИК өз мойнына алады.",
        "ештеңе жоқ, адамдар алысқа баруға мәжбүр",
    ),
}

COMMENTS = {
    "ru": ["Отличная идея, поддерживаю!", "А кто будет следить за порядком?", "Давно пора."],
    "kk": ["Керемет идея, қолдаймын!", "Тәртіпті кім қадағалайды?", "Әлдеқашан керек еді."],
}


def _residents(count: int) -> list:
    User = get_user_model()
    names = ["Айгерім", "Ольга", "Нұрлан", "Сергей", "Дана", "Марат", "Елена", "Бақыт", "Ирина", "Асқар"]
    people = []
    for i in range(count):
        user, _created = User.objects.get_or_create(
            phone=f"+7701000{i + 1:04d}", defaults={"name": f"{names[i % len(names)]} (демо)"}
        )
        people.append(user)
    return people


def _photo(seed: int) -> ProposalAttachment | None:
    image = Image.new("RGB", (960, 640), (40 + seed * 30 % 200, 120, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle([80, 360, 880, 600], fill=(90, 160, 90))
    draw.ellipse([600, 80, 760, 240], fill=(250, 220, 90))
    data = io.BytesIO()
    image.save(data, "JPEG")
    data.name, data.size = f"demo-{seed}.jpg", len(data.getvalue())
    return process_upload(data)


def _create(edition, index: int, idea, author, categories, districts, now) -> Proposal:
    lang, title, summary, cat, dist, address, cost = idea
    first, second, problem = _TEXT[lang]
    submitted_at = now - timedelta(days=40 - index % 30, hours=index)
    proposal = Proposal(
        edition=edition,
        author=author,
        title=title,
        summary=summary,
        problem=first.format(problem=problem),
        description=second.format(summary=summary[0].lower() + summary[1:]),
        category=categories[cat] if cat < len(categories) else None,
        district=districts[dist] if dist < len(districts) else None,
        address=address,
        latitude=Decimal("52.0400") + Decimal(index % 7) / 200,
        longitude=Decimal("76.9000") + Decimal(index % 9) / 150,
        estimated_cost=cost,
        status="submitted",
        submitted_at=submitted_at,
        created_at=submitted_at - timedelta(hours=2),
        moderated_at=submitted_at + timedelta(hours=3) if index % 4 else None,
    )
    proposal.refresh_search_text()
    proposal.save()
    ProposalStatusChange.objects.create(
        proposal=proposal, status_from="", status_to="draft", at=proposal.created_at, actor=author
    )
    ProposalStatusChange.objects.create(
        proposal=proposal, status_from="draft", status_to="submitted", at=submitted_at, actor=author
    )
    ProposalFollow.objects.get_or_create(proposal=proposal, user=author)
    return proposal


def _set_special(proposal: Proposal, status: str, target: Proposal | None, coordinator, now) -> None:
    if status == "draft":
        ProposalStatusChange.objects.filter(proposal=proposal, status_to="submitted").delete()
        proposal.submitted_at = None
    else:
        reason = {"hidden": HIDE_REASON, "merged": "Дубликат / Қайталау", "withdrawn": ""}[status]
        ProposalStatusChange.objects.create(
            proposal=proposal,
            status_from="submitted",
            status_to=status,
            at=now - timedelta(days=2),
            actor=proposal.author if status == "withdrawn" else coordinator,
            reason=reason,
        )
        if status == "hidden":
            proposal.moderation_reason = HIDE_REASON
            proposal.status_before_hiding = "submitted"
        if status == "merged":
            proposal.merged_into = target
    proposal.status = status
    proposal.save()


def load(context) -> None:
    """Create the Aksu demo edition's 40 proposals with supports, comments and a few photos."""
    edition = context.editions.get("aksu")
    if edition is None:
        return
    from editions.models import District

    categories = list(edition.categories.order_by("pk"))
    districts = list(District.objects.filter(city=edition.city).order_by("pk"))
    coordinator = next((u for phone, u in context.staff.items() if phone == "+77000000002"), None)
    residents = _residents(24)
    created = 0
    proposals: list[Proposal] = []
    for index, idea in enumerate(IDEAS):
        existing = Proposal.objects.filter(edition=edition, title=idea[1]).first()
        if existing is not None:
            proposals.append(existing)
            continue
        author = residents[index % len(residents)]
        proposal = _create(edition, index, idea, author, categories, districts, context.now)
        created += 1
        for j in range(0 if index in SPECIAL else index * 7 % 13):
            supporter = residents[(index + j + 1) % len(residents)]
            ProposalSupport.objects.get_or_create(proposal=proposal, user=supporter)
            ProposalFollow.objects.get_or_create(proposal=proposal, user=supporter)
        proposal.supports_count = proposal.supports.count()
        proposal.save(update_fields=["supports_count"])
        if index % 3 == 0 and index not in SPECIAL:
            lang = idea[0]
            top = Comment.objects.create(
                proposal=proposal, author=residents[(index + 5) % len(residents)], body=COMMENTS[lang][0]
            )
            Comment.objects.create(
                proposal=proposal, author=residents[(index + 6) % len(residents)], body=COMMENTS[lang][1], parent=top
            )
            Comment.objects.create(proposal=proposal, author=proposal.author, body=COMMENTS[lang][2], parent=top)
        if index in WITH_PHOTOS:
            processed = _photo(index)
            attachment = ProposalAttachment(
                proposal=proposal,
                kind=processed.kind,
                original_name=processed.original_name,
                size=processed.size,
                width=processed.width,
                height=processed.height,
            )
            attachment.file.save(processed.file.name, ContentFile(processed.file.read()), save=False)
            attachment.thumbnail.save(processed.thumbnail.name, ContentFile(processed.thumbnail.read()), save=False)
            attachment.save()
        if index in SPECIAL:
            _set_special(proposal, SPECIAL[index], proposals[MERGE_TARGET], coordinator, context.now)
        proposals.append(proposal)
    context.notes.append(
        f"Proposals: {created} created for Aksu ({len(IDEAS)} in all, in Russian and Kazakh); residents sign in "
        f"with +77010000001…+77010000024."
    )
