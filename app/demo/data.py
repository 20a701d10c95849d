"""The demo's content: people, council texts, meetings, agendas and proposals, as plain data.

The seeding steps that turn it into records live in ``app.demo.seed``."""

from app.auth import Role
from app.meetings.models import ItemKind
from app.proposals.models import Topic
from app.site.demo import DEMO_PASSWORD as DEMO_PASSWORD  # defined with the demo banner

DEMO_PEOPLE = [
    # email, name, locale, role (None: no council seat), voting right, listed publicly
    ("admin@demo.test", "Ada Admin", "en", None, False, False),
    ("chair@demo.test", "Amina Haddad", "ar", Role.chair, True, True),
    ("secretary@demo.test", "Olena Kovalenko", "uk", Role.secretary, False, True),
    ("member01@demo.test", "Yusuf Demir", "en", Role.member, True, True),
    ("member02@demo.test", "Fatima Zahra Benali", "fr", Role.member, True, True),
    ("member03@demo.test", "Oksana Melnyk", "uk", Role.member, True, True),
    ("member04@demo.test", "Samir Nasser", "ar", Role.member, True, False),
    ("member05@demo.test", "Lucía Fernández", "en", Role.member, True, True),
    ("member06@demo.test", "Kwame Mensah", "en", Role.member, True, False),
    ("member07@demo.test", "Mariam Yousef", "ar", Role.member, True, True),
    ("member08@demo.test", "Andrii Shevchenko", "uk", Role.member, True, True),
    ("member09@demo.test", "Aïcha Diallo", "fr", Role.member, True, False),
    ("translator@demo.test", "Layla Karimi", "ar", Role.translator, False, True),
    ("mediator@demo.test", "Grace Okafor", "en", Role.mediator, False, False),
    ("resident@demo.test", "Rami Saleh", "ar", None, False, False),
]

COUNCIL_TEXTS = {
    "en": (
        "Demo City Migrant Council",
        "The Migrant Council gives residents who came to Demo City from abroad a voice in local "
        "policy: housing, schools, health and work. Its members are elected by migrant "
        "communities and advise the city council.",
        "Meetings are open to the public. Anyone living in Demo City can send the council a "
        "proposal in their own language, and every proposal gets a public answer.",
    ),
    "ar": (
        "مجلس المهاجرين في مدينة ديمو",
        "يمنح مجلس المهاجرين السكانَ القادمين إلى مدينة ديمو من الخارج صوتًا في السياسة "
        "المحلية: السكن والمدارس والصحة والعمل. ينتخب مجتمعاتُ المهاجرين أعضاءَه، ويقدّم "
        "المشورة لمجلس المدينة.",
        "الاجتماعات مفتوحة للجمهور. يمكن لكل من يعيش في مدينة ديمو أن يرسل إلى المجلس اقتراحًا "
        "بلغته، وكل اقتراح يحصل على ردّ علني.",
    ),
    "fr": (
        "Conseil des migrants de Demo City",
        "Le Conseil des migrants donne aux habitants venus de l'étranger une voix dans la "
        "politique locale : logement, écoles, santé et travail. Ses membres sont élus par les "
        "communautés migrantes et conseillent le conseil municipal.",
        "Les réunions sont publiques. Toute personne habitant Demo City peut envoyer au conseil "
        "une proposition dans sa langue, et chaque proposition reçoit une réponse publique.",
    ),
    "uk": (
        "Рада мігрантів міста Демо",
        "Рада мігрантів дає мешканцям, які приїхали до міста Демо з-за кордону, голос у місцевій "
        "політиці: житло, школи, здоров'я та робота. Її членів обирають громади мігрантів, і "
        "вона радить міській раді.",
        "Засідання відкриті для публіки. Кожен, хто живе в місті Демо, може надіслати раді "
        "пропозицію своєю мовою, і кожна пропозиція отримує публічну відповідь.",
    ),
}


MEETINGS = [
    # days from today, start hour, title per language, place
    (
        -28,
        18,
        {
            "en": "Plenary meeting: housing",
            "ar": "الاجتماع العام: السكن",
            "fr": "Séance plénière : logement",
            "uk": "Пленарне засідання: житло",
        },
        "City Hall, Room 2, Market Square 1",
    ),
    (
        0,
        None,
        {
            "en": "Plenary meeting: schools and language classes",
            "ar": "الاجتماع العام: المدارس ودروس اللغة",
            "fr": "Séance plénière : écoles et cours de langue",
            "uk": "Пленарне засідання: школи та мовні курси",
        },
        "City Hall, Room 2, Market Square 1",
    ),
    (
        21,
        18,
        {
            "en": "Plenary meeting: health services",
            "ar": "الاجتماع العام: الخدمات الصحية",
            "fr": "Séance plénière : services de santé",
            "uk": "Пленарне засідання: медичні послуги",
        },
        "Library, Community Room, Bridge Street 12",
    ),
]

AGENDA = [
    (
        ItemKind.information,
        10,
        {
            "en": "Welcome and approval of the agenda",
            "ar": "الترحيب والموافقة على جدول الأعمال",
            "fr": "Accueil et adoption de l'ordre du jour",
            "uk": "Вітання та затвердження порядку денного",
        },
    ),
    (
        ItemKind.discussion,
        30,
        {
            "en": "Report from the working group",
            "ar": "تقرير مجموعة العمل",
            "uk": "Звіт робочої групи",
        },
    ),
    (
        ItemKind.decision,
        20,
        {
            "en": "Advice to the city council",
            "fr": "Avis au conseil municipal",
            "ar": "المشورة لمجلس المدينة",
        },
    ),
]


PROPOSALS = [
    # language, topic, title, body, what happened, translations {lang: (title, body)}.
    # What happened, in order: a state the council moved it to, "past"/"today" (put on that
    # meeting's agenda), "vote:yes"/"vote:no" (the members present voted on it there).
    (
        "ar",
        Topic.housing,
        "مساعدة في فهم عقود الإيجار",
        "كثير من العائلات الجديدة توقّع عقود إيجار لا تفهمها. نقترح جلسة شهرية مجانية في "
        "مكتبة الحي يشرح فيها متطوعون العقود بالعربية والأوكرانية.",
        ["accepted"],
        {
            "en": (
                "Help to understand rental contracts",
                "Many new families sign rental contracts they do not understand. We propose a "
                "free monthly session in the neighbourhood library where volunteers explain "
                "contracts in Arabic and Ukrainian.",
            )
        },
    ),
    (
        "uk",
        Topic.education,
        "Вечірні мовні курси для працюючих батьків",
        "Курси мови зараз проходять лише вдень. Батьки, які працюють, не можуть їх відвідувати. "
        "Просимо відкрити вечірню групу з доглядом за дітьми.",
        ["accepted", "today"],
        {
            "en": (
                "Evening language classes for working parents",
                "Language classes only take place during the day. Working parents cannot "
                "attend. We ask for an evening group with childcare.",
            )
        },
    ),
    (
        "en",
        Topic.public_services,
        "Translate the bin collection calendar",
        "The waste collection calendar is only in the local language. A version in the "
        "council's languages would avoid fines and help neighbours.",
        ["accepted", "past", "vote:yes", "implemented"],
        {},
    ),
    (
        "es",
        Topic.work,
        "Ventanilla única para emprendedores migrantes",
        "Abrir un negocio exige visitar cinco oficinas distintas. Proponemos una ventanilla "
        "única con información en varios idiomas.",
        ["accepted", "past", "vote:no"],
        {},
    ),
    (
        "fr",
        Topic.health,
        "Des interprètes dans les centres de santé",
        "Les patients qui ne parlent pas la langue locale viennent avec leurs enfants comme "
        "interprètes. Nous proposons un service d'interprétariat par téléphone.",
        ["accepted", "past", "postponed"],
        {},
    ),
    (
        "ar",
        Topic.culture,
        "مهرجان ثقافات الحي",
        "نقترح مهرجاناً سنوياً في الحديقة العامة تعرض فيه الجاليات موسيقاها وطعامها.",
        [],
        {},
    ),
    (
        "uk",
        Topic.health,
        "Довідник лікарів, які говорять іншими мовами",
        "Потрібен список лікарів міста з мовами, якими вони володіють.",
        ["changes_requested"],
        {},
    ),
    (
        "en",
        Topic.other,
        "Free parking for council members",
        "Council members should park for free near the town hall.",
        ["declined"],
        {},
    ),
]
#: The council's answers, by the state a proposal moves to.
ANSWERS = {
    "accepted": "Thank you. The council will discuss this proposal at a coming meeting.",
    "adopted": "The council adopted this proposal and asked the city to act on it.",
    "implemented": "The city now publishes the calendar in English, Arabic, Ukrainian, French "
    "and Spanish.",
    "rejected": "The city already plans a business desk; the council will follow its opening.",
    "postponed": "The council wants the health department's costs first and will decide later.",
    "changes_requested": "Could you say which languages and which parts of the city you mean?",
    "declined": "This proposal is about the council itself, not about residents' lives; "
    "we cannot take it up.",
}


#: Names residents gave with their proposals (empty: sent without a name), in order.
#: The member who sends apologies before each demo meeting (the last voting member), with
#: her note, and the member who leaves the past meeting for a while and comes back.
APOLOGY_NOTE = "Je travaille de nuit cette semaine."
#: Minutes after the start: left, then back.
AWAY = ("member01@demo.test", 50, 70)

DEMO_AUTHORS = ["Layla", "Olena", "", "Carmen", "Fatou", "Omar", "Mykola", ""]

#: The votes on residents' proposals, asked by the secretary in her own language (Ukrainian)
#: and translated by the translator; French is left for the worklist.
PROPOSAL_QUESTION = {
    "uk": "Чи ухвалює рада пропозицію мешканців, що обговорюється в цьому пункті?",
    "en": "Does the council adopt the residents' proposal discussed under this item?",
    "ar": "هل يعتمد المجلس اقتراح السكان الذي يُناقَش في هذا البند؟",
}

#: Today's secret vote, asked in English and translated by the translator.
SECRET_QUESTION = {
    "en": "Should the council ask the city for a second advice office?",
    "ar": "هل يطلب المجلس من المدينة مكتب استشارات ثانياً؟",
    "uk": "Чи має рада просити місто про другий консультаційний офіс?",
}

#: What the secretary wrote into the past meeting's minutes, for each item without a vote,
#: in the language she wrote them in (Arabic) and in their translation.
MINUTES_SUMMARIES = {
    "ar": "ناقش المجلس الموضوع واتفق على متابعته في الاجتماع القادم.",
    "en": "The council discussed the matter and agreed to follow it up at the next meeting.",
}
MINUTES_CLOSING = {
    "ar": "اختتمت الرئيسة الاجتماع وشكرت المترجمين الفوريين.",
    "en": "The chair closed the meeting and thanked the interpreters.",
}

#: How two of the past meeting's items ended, recorded by the secretary: by agenda position,
#: the kind of outcome and its summary per language. The show of hands is counted from the
#: members present (all but one for, one against, one abstaining).
PAST_OUTCOMES = {
    1: (
        "consensus",
        {
            "en": "The agenda was approved as published.",
            "fr": "L'ordre du jour est adopté tel que publié.",
            "ar": "تمت الموافقة على جدول الأعمال كما نُشر.",
            "uk": "Порядок денний затверджено в опублікованому вигляді.",
        },
    ),
    3: (
        "hands",
        {
            "en": "The council advises the city to publish its housing notices in Arabic and "
            "Ukrainian as well.",
            "fr": "Le conseil recommande à la ville de publier aussi ses avis sur le logement "
            "en arabe et en ukrainien.",
            "ar": "ينصح المجلس المدينة بنشر إعلانات السكن باللغتين العربية والأوكرانية أيضًا.",
            "uk": "Рада радить місту публікувати оголошення про житло також арабською та "
            "українською мовами.",
        },
    ),
}

#: A proposal a community mediator typed in from a resident's paper, in English, for a
#: resident who wrote in Tigrinya: (resident's language, language typed, topic, title, body,
#: the resident's name, how it came).
MEDIATED_PROPOSAL = (
    "ti",
    "en",
    Topic.public_services,
    "Letters from the city in simple words",
    "Written on paper at the Tuesday drop-in and typed in by the mediator. Letters from the city "
    "about rent support use words I do not understand. Please add a short summary in simple "
    "words, and a phone number where someone speaks Tigrinya.",
    "Semhar",
    "paper",
)
