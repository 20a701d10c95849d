"""The demo's consultations: one open, in four languages, with a few answers so far; one
closed, with answers given online and on paper in several languages, its results and the
council's answer. Built through the services, as the secretary, residents and translator
would; only the dates of the closed one are moved into the past afterwards."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.consultations import answering
from app.consultations import services as consultations
from app.consultations.models import Channel, Consultation, Question, QuestionKind, Response
from app.councils.models import Council
from app.database import utcnow
from app.extensions import db
from app.translate import services as translate

LANGS = ("en", "ar", "fr", "uk")


@dataclass(frozen=True)
class DemoQuestion:
    kind: QuestionKind
    #: The question in en, ar, fr, uk.
    text: tuple[str, str, str, str]
    #: Each option in en, ar, fr, uk.
    options: tuple[tuple[str, str, str, str], ...] = ()
    max_choices: int | None = None
    required: bool = False


@dataclass(frozen=True)
class DemoConsultation:
    #: Each text in en, ar, fr, uk.
    title: tuple[str, ...]
    intro: tuple[str, ...]
    questions: tuple[DemoQuestion, ...]
    answer: tuple[str, ...] = ()


OPEN = DemoConsultation(
    title=(
        "Which three topics should the council work on next year?",
        "ما المواضيع الثلاثة التي يجب أن يعمل عليها المجلس في العام المقبل؟",
        "Sur quels trois sujets le conseil devrait-il travailler l’an prochain ?",
        "Над якими трьома темами рада має працювати наступного року?",
    ),
    intro=(
        "The council sets its work plan for next year in March. Tell us what matters most "
        "to you: it takes three minutes, and we do not ask your name.",
        "يضع المجلس خطة عمله للعام المقبل في شهر مارس. أخبرنا بما يهمك أكثر: يستغرق ذلك ثلاث "
        "دقائق، ولا نسأل عن اسمك.",
        "Le conseil fixe son programme de l’an prochain en mars. Dites-nous ce qui compte le "
        "plus pour vous : cela prend trois minutes, et nous ne demandons pas votre nom.",
        "Рада складає план роботи на наступний рік у березні. Скажіть, що для вас найважливіше: "
        "це займе три хвилини, і ми не питаємо вашого імені.",
    ),
    questions=(
        DemoQuestion(
            QuestionKind.ranking,
            (
                "Rank the three topics that matter most to you",
                "رتّب المواضيع الثلاثة الأهم بالنسبة لك",
                "Classez les trois sujets qui comptent le plus pour vous",
                "Розташуйте три найважливіші для вас теми за порядком",
            ),
            (
                ("Housing", "السكن", "Logement", "Житло"),
                ("Work and training", "العمل والتدريب", "Emploi et formation", "Робота і навчання"),
                ("Health", "الصحة", "Santé", "Здоров’я"),
                (
                    "Schools and childcare",
                    "المدارس ورعاية الأطفال",
                    "Écoles et garde d’enfants",
                    "Школи та догляд за дітьми",
                ),
                ("Language courses", "دورات اللغة", "Cours de langue", "Мовні курси"),
                ("Public transport", "النقل العام", "Transports publics", "Громадський транспорт"),
            ),
            max_choices=3,
            required=True,
        ),
        DemoQuestion(
            QuestionKind.multiple,
            (
                "Where do you hear about the council?",
                "من أين تسمع عن المجلس؟",
                "Par quel moyen entendez-vous parler du conseil ?",
                "Звідки ви дізнаєтеся про раду?",
            ),
            (
                ("Friends and family", "الأصدقاء والعائلة", "Amis et famille", "Друзі та родина"),
                ("A community centre", "مركز مجتمعي", "Un centre social", "Громадський центр"),
                ("Social media", "وسائل التواصل الاجتماعي", "Réseaux sociaux", "Соцмережі"),
                ("The city’s website", "موقع المدينة", "Le site de la ville", "Сайт міста"),
            ),
        ),
        DemoQuestion(
            QuestionKind.scale,
            (
                "How welcome do you feel in the city?",
                "إلى أي حد تشعر بالترحيب في المدينة؟",
                "À quel point vous sentez-vous bienvenu·e dans la ville ?",
                "Наскільки вас гостинно приймають у місті?",
            ),
        ),
        DemoQuestion(
            QuestionKind.text,
            (
                "What else should the council know?",
                "ماذا يجب أن يعرف المجلس أيضاً؟",
                "Que devrait savoir le conseil d’autre ?",
                "Що ще має знати рада?",
            ),
        ),
    ),
)

CLOSED = DemoConsultation(
    title=(
        "What stops you from using the health centre?",
        "ما الذي يمنعك من استخدام المركز الصحي؟",
        "Qu’est-ce qui vous empêche d’aller au centre de santé ?",
        "Що заважає вам звертатися до медичного центру?",
    ),
    intro=(
        "The health committee of the city asked the council for advice before it changes the "
        "centre's opening hours.",
        "طلبت لجنة الصحة في المدينة رأي المجلس قبل تغيير مواعيد عمل المركز.",
        "La commission santé de la ville a demandé l’avis du conseil avant de changer les "
        "horaires du centre.",
        "Комісія міста з охорони здоров’я попросила пораду ради, перш ніж змінювати години "
        "роботи центру.",
    ),
    questions=(
        DemoQuestion(
            QuestionKind.single,
            (
                "Have you used the health centre in the last year?",
                "هل استخدمت المركز الصحي خلال العام الماضي؟",
                "Êtes-vous allé·e au centre de santé cette année ?",
                "Чи зверталися ви до медичного центру за останній рік?",
            ),
            (
                ("Yes", "نعم", "Oui", "Так"),
                ("No", "لا", "Non", "Ні"),
                (
                    "I did not know it exists",
                    "لم أكن أعرف بوجوده",
                    "Je ne savais pas qu’il existe",
                    "Я не знав(ла), що він існує",
                ),
            ),
            required=True,
        ),
        DemoQuestion(
            QuestionKind.multiple,
            (
                "What made it hard? Choose up to two.",
                "ما الذي جعل الأمر صعباً؟ اختر اثنين على الأكثر.",
                "Qu’est-ce qui a été difficile ? Deux choix au plus.",
                "Що було складно? Оберіть до двох.",
            ),
            (
                ("Opening hours", "مواعيد العمل", "Les horaires", "Години роботи"),
                (
                    "Nobody spoke my language",
                    "لم يتحدث أحد لغتي",
                    "Personne ne parlait ma langue",
                    "Ніхто не говорив моєю мовою",
                ),
                ("Waiting time", "وقت الانتظار", "L’attente", "Час очікування"),
                ("Cost", "التكلفة", "Le coût", "Вартість"),
            ),
            max_choices=2,
        ),
        DemoQuestion(
            QuestionKind.text,
            (
                "What would help?",
                "ما الذي سيساعد؟",
                "Qu’est-ce qui aiderait ?",
                "Що б допомогло?",
            ),
        ),
    ),
    answer=(
        "Thank you to the 14 residents who answered, four of them on paper at the Park Lane "
        "community centre. Language was the most named obstacle. The council will advise the "
        "city to open the centre on Saturday mornings and to offer interpreters in Arabic and "
        "Ukrainian, and will discuss it at its next meeting.",
        "شكراً للمقيمين الأربعة عشر الذين أجابوا، أربعة منهم على الورق في مركز بارك لين المجتمعي. "
        "كانت اللغة أكثر العوائق ذكراً. سيوصي المجلس المدينة بفتح المركز صباح أيام السبت وتوفير "
        "مترجمين بالعربية والأوكرانية، وسيناقش ذلك في اجتماعه القادم.",
        "Merci aux 14 habitant·es qui ont répondu, dont quatre sur papier au centre social de "
        "Park Lane. La langue est l’obstacle le plus cité. Le conseil recommandera à la ville "
        "d’ouvrir le centre le samedi matin et de proposer des interprètes en arabe et en "
        "ukrainien, et en discutera à sa prochaine réunion.",
        "Дякуємо 14 мешканцям, які відповіли, з них четверо — на папері в громадському центрі "
        "Park Lane. Найчастіше згадували мовний бар’єр. Рада порадить місту відкривати центр у "
        "суботу зранку та запросити перекладачів з арабської й української і обговорить це на "
        "наступному засіданні.",
    ),
)

#: Answers to the closed consultation: (language, channel, option of question 1, options of
#: question 2, free text or None). Options are counted from 0.
CLOSED_RESPONSES = [
    ("ar", Channel.online, 0, (1, 2), ("ar", "مترجم في يوم محدد من الأسبوع")),
    ("ar", Channel.online, 1, (1,), None),
    ("ar", Channel.paper, 2, (), ("ar", "لم يخبرني أحد بالمركز")),
    ("ar", Channel.paper, 0, (1, 0), None),
    ("uk", Channel.online, 0, (2,), ("uk", "Запис онлайн українською")),
    ("uk", Channel.online, 0, (1, 2), None),
    ("uk", Channel.paper, 1, (0,), None),
    ("fr", Channel.online, 0, (0, 3), ("fr", "Ouvrir le samedi matin")),
    ("fr", Channel.online, 2, (), None),
    ("fr", Channel.paper, 0, (1,), ("fr", "Une liste des médecins qui parlent d’autres langues")),
    ("en", Channel.online, 0, (0,), ("en", "Evening hours once a week")),
    ("en", Channel.online, 1, (3,), None),
    ("en", Channel.online, 0, (2, 0), None),
    ("ar", Channel.online, 0, (1, 2), None),
]

#: Answers so far to the open consultation: (language, ranked options, heard from, scale).
OPEN_RESPONSES = [
    ("ar", (0, 4, 1), (0, 1), 3),
    ("uk", (4, 1, 3), (2,), 4),
    ("fr", (0, 2, 1), (1,), 4),
    ("en", (1, 0, 5), (3, 2), 5),
    ("ar", (0, 3, 4), (0,), 2),
]


def _translations(consultation: Consultation, data: DemoConsultation, *, by: User) -> None:
    """Every text in every demo language, as the translator gives them."""
    questions = list(zip(consultation.questions, data.questions, strict=True))
    for index, lang in enumerate(LANGS[1:], 1):
        texts = {
            "title": data.title[index],
            "intro": data.intro[index],
        }
        for question, demo in questions:
            texts[f"q{question.id}"] = demo.text[index]
            for option, labels in zip(question.options, demo.options, strict=True):
                texts[f"o{option.id}"] = labels[index]
        translate.save_all(
            "consultation",
            consultation,
            lang,
            {name: (text, True) for name, text in texts.items()},
            actor=by,
        )


def _build(
    council: Council, data: DemoConsultation, first, last, secretary: User, translator: User
):
    consultation = consultations.create_consultation(
        council,
        consultations.ConsultationDetails(
            title=data.title[0],
            lang="en",
            opens_on=first,
            closes_on=last,
            intro=data.intro[0],
        ),
        actor=secretary,
    )
    for demo in data.questions:
        consultations.add_question(
            consultation,
            consultations.QuestionDetails(
                kind=demo.kind,
                text=demo.text[0],
                lang="en",
                required=demo.required,
                max_choices=demo.max_choices,
                options=[labels[0] for labels in demo.options],
            ),
            actor=secretary,
        )
    _translations(consultation, data, by=translator)
    consultations.publish_consultation(consultation, actor=secretary)
    return consultation


def _respond(consultation, lang, channel, givens, secretary) -> None:
    paper = channel is Channel.paper
    response, _token = answering.start(
        consultation,
        lang=lang,
        address=None if paper else f"demo-{lang}",
        channel=channel,
        entered_by=secretary if paper else None,
    )
    assert response is not None  # noqa: S101 - the demo never fills the honeypot
    saved = answering.save(response, givens)
    if saved.errors:
        raise ValueError(f"demo answers refused: {saved.errors}")
    answering.send(response)


def _given(question: Question, choices=(), number=None, text=None) -> answering.Given:
    ids = tuple(question.options[n].id for n in choices)
    if text:
        return answering.Given(text=text[1], lang=text[0])
    return answering.Given(choices=ids, number=number)


def seed_consultations(council: Council, secretary: User, translator: User) -> None:
    """Once: a second run finds them and changes nothing."""
    if db.session.scalar(select(Consultation.id).where(Consultation.council_id == council.id)):
        return
    today = utcnow().date()

    closed = _build(council, CLOSED, today, today + timedelta(days=1), secretary, translator)
    single, hard, helps = closed.questions
    for lang, channel, used, difficulties, text in CLOSED_RESPONSES:
        givens = {single: _given(single, (used,)), hard: _given(hard, difficulties)}
        if text:
            givens[helps] = _given(helps, text=text)
        _respond(closed, lang, channel, givens, secretary)
    consultations.answer_consultation(closed, CLOSED.answer[0], "en", actor=secretary)
    for index, lang in enumerate(LANGS[1:], 1):
        translate.save_all(
            "consultation",
            closed,
            lang,
            {"answer": (CLOSED.answer[index], True)},
            actor=translator,
        )
    # It ran for three weeks and closed ten days ago.
    moved = timedelta(days=31)
    closed.opens_at -= moved
    closed.closes_at -= timedelta(days=11)
    closed.published_at = closed.opens_at
    closed.answered_at = closed.closes_at + timedelta(days=5)
    for response in db.session.scalars(
        select(Response).where(Response.consultation_id == closed.id)
    ):
        response.started_on = response.submitted_on = (closed.closes_at - timedelta(days=3)).date()

    open_ = _build(
        council, OPEN, today - timedelta(days=5), today + timedelta(days=25), secretary, translator
    )
    ranking, heard, scale, _text = open_.questions
    for lang, ranked, sources, welcome in OPEN_RESPONSES:
        _respond(
            open_,
            lang,
            Channel.online,
            {
                ranking: _given(ranking, ranked),
                heard: _given(heard, sources),
                scale: _given(scale, number=welcome),
            },
            secretary,
        )
