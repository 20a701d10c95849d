"""Demo data: a council with accounts for every role, password ``consulta-demo``."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import Role
from app.councils import services as councils
from app.councils.models import Council
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, ItemKind, Meeting, MeetingState, Presence
from app.proposals import services as proposals
from app.proposals.models import Proposal
from app.voting import services as voting
from app.voting.models import MajorityRule, PollMethod

DEMO_PASSWORD = "consulta-demo"  # noqa: S105 - published on purpose, see README

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


def seed_meetings(council: Council, now: datetime | None = None) -> None:
    """A past, a today's (in progress) and an upcoming meeting, with agendas and attendance.

    ``now`` (the council's local time) is for tests: the demo must work at any hour."""
    if db.session.scalar(select(Meeting.id).filter_by(council_id=council.id).limit(1)):
        return
    zone = ZoneInfo(council.timezone)
    now = now or datetime.now(zone)
    for days, hour, titles, place in MEETINGS:
        if hour is None:  # today's meeting started up to an hour ago, and ends today
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            start = max(
                now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1), midnight
            )
        else:
            start = (now + timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
        end = min(start + timedelta(hours=2), start.replace(hour=23, minute=59, second=59))
        details = meetings.MeetingDetails(
            title=titles["en"],
            lang="en",
            day=start.date(),
            starts=start.time(),
            ends=end.time(),
            place=place,
            step_free=True,
            interpretation=("ar", "uk"),
            accessibility_notes="Lift at the main entrance. Hearing loop in the room.",
        )
        meeting = meetings.create_meeting(council, details, allow_past=True)
        _translate(meeting, "title", titles)
        for kind, minutes, item_titles in AGENDA:
            item = meetings.add_item(
                meeting, title=item_titles["en"], lang="en", kind=kind, duration_minutes=minutes
            )
            _translate(item, "title", item_titles)
        meetings.publish_meeting(meeting)
        if days <= 0:
            meetings.start_meeting(meeting)
            voters = council.voting_memberships
            for membership in voters[:-2]:
                meetings.set_presence(meeting, membership, Presence.present)
            meetings.set_presence(meeting, voters[-1], Presence.excused)
        # The past meeting is closed by seed_polls(), once its votes have been held.


PROPOSALS = [
    # language, topic, title, body, what happened, translations {lang: (title, body)}
    (
        "ar",
        "housing",
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
        "education",
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
        "public_services",
        "Translate the bin collection calendar",
        "The waste collection calendar is only in the local language. A version in the "
        "council's languages would avoid fines and help neighbours.",
        ["accepted", "past", "vote:yes", "implemented"],
        {},
    ),
    (
        "es",
        "work",
        "Ventanilla única para emprendedores migrantes",
        "Abrir un negocio exige visitar cinco oficinas distintas. Proponemos una ventanilla "
        "única con información en varios idiomas.",
        ["accepted", "past", "vote:no"],
        {},
    ),
    (
        "fr",
        "health",
        "Des interprètes dans les centres de santé",
        "Les patients qui ne parlent pas la langue locale viennent avec leurs enfants comme "
        "interprètes. Nous proposons un service d'interprétariat par téléphone.",
        ["accepted", "past", "postponed"],
        {},
    ),
    (
        "ar",
        "culture",
        "مهرجان ثقافات الحي",
        "نقترح مهرجاناً سنوياً في الحديقة العامة تعرض فيه الجاليات موسيقاها وطعامها.",
        [],
        {},
    ),
    (
        "uk",
        "health",
        "Довідник лікарів, які говорять іншими мовами",
        "Потрібен список лікарів міста з мовами, якими вони володіють.",
        ["changes_requested"],
        {},
    ),
    (
        "en",
        "other",
        "Free parking for council members",
        "Council members should park for free near the town hall.",
        ["declined"],
        {},
    ),
]
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


def seed_proposals(council: Council) -> None:
    """Proposals in five languages, one in every state, one on today's meeting's agenda."""
    if db.session.scalar(select(Proposal.id).filter_by(council_id=council.id).limit(1)):
        return
    secretary = db.session.scalar(select(User).filter_by(email="secretary@demo.test"))
    supporters = db.session.scalars(
        select(User).where(User.email.in_(["resident@demo.test", "member01@demo.test"]))
    ).all()
    by_time = db.session.scalars(
        select(Meeting).filter_by(council_id=council.id).order_by(Meeting.starts_at)
    ).all()
    past, today = by_time[0], by_time[1]
    for number, (lang, topic, title, body, steps, translations) in enumerate(PROPOSALS):
        proposal, _token = proposals.submit(
            council,
            proposals.Submission(title=title, body=body, topic=topic, lang=lang),
            author=None,
            address=f"demo-{number}",
            submission_key=f"demo-{number}",
        )
        proposal.author_name = DEMO_AUTHORS[number % len(DEMO_AUTHORS)]
        for target, (translated_title, translated_body) in translations.items():
            proposal.title = proposal.title.with_text(target, translated_title)
            proposal.body = proposal.body.with_text(target, translated_body)
        proposals.refresh_search_text(proposal)
        for step in steps:
            if step == "today":
                proposals.schedule(proposal, today.id, actor=secretary)
            elif step == "past":
                _schedule_in_the_past(proposal, past, secretary)
            elif step.startswith("vote:"):
                _hold_vote(proposal.agenda_item, council, in_favour=step == "vote:yes")
            else:
                proposals.change_state(
                    proposal, step, answer=ANSWERS.get(step, ""), lang="en", actor=secretary
                )
        if proposal.state.value in ("accepted", "scheduled"):
            for user in supporters:
                proposals.endorse(proposal, user)


DEMO_AUTHORS = ["Layla", "Olena", "", "Carmen", "Fatou", "Omar", "Mykola", ""]


def _schedule_in_the_past(proposal, meeting: Meeting, actor: User) -> None:
    """History: the proposal was discussed at a meeting that has since closed."""
    item = AgendaItem(
        meeting=meeting,
        position=len(meeting.items) + 1,
        title=proposal.title,
        description=proposal.body,
        kind=ItemKind.decision,
    )
    db.session.add(item)
    db.session.flush()
    proposals.link_to_item(proposal, item, actor=actor)


def _hold_vote(item: AgendaItem, council: Council, *, in_favour: bool, voters=None, close=True):
    """A named vote on ``item`` by the members present, with the result published."""
    poll = voting.create_poll(
        item,
        voting.PollDetails(question=item.title.get(item.title.original), lang=item.title.original),
    )
    voting.open_poll(poll)
    for number, membership in enumerate(voting.entitled_memberships(poll)[:voters]):
        agrees = number % 3 != 0  # two in three follow the intended outcome; one abstains
        choice = "abstain" if number == 0 else ("yes" if agrees == in_favour else "no")
        voting.cast_vote(poll, membership, choice)
    if close:
        voting.close_poll(poll)
        voting.publish_poll(poll)
    return poll


def seed_polls(council: Council) -> None:
    """Today: one open named and one open secret vote. The past meeting: closed after its votes."""
    by_time = db.session.scalars(
        select(Meeting).filter_by(council_id=council.id).order_by(Meeting.starts_at)
    ).all()
    past, today = by_time[0], by_time[1]
    if past.state is not MeetingState.in_progress:
        return
    decision = next(i for i in today.items if i.kind is ItemKind.decision and not i.proposals)
    scheduled = next(i for i in today.items if i.proposals)
    _hold_vote(scheduled, council, in_favour=True, voters=3, close=False)  # still open
    secret = voting.create_poll(
        decision,
        voting.PollDetails(
            question="Should the council ask the city for a second advice office?",
            lang="en",
            method=PollMethod.secret,
            majority_rule=MajorityRule.absolute,
        ),
    )
    secret.question = secret.question.with_text(
        "ar", "هل يطلب المجلس من المدينة مكتب استشارات ثانياً؟"
    ).with_text("uk", "Чи має рада просити місто про другий консультаційний офіс?")
    voting.open_poll(secret)
    # The past meeting closes as it happened: everyone stayed until the end.
    meetings.close_meeting(past)
    for attendance in past.attendances:
        if attendance.arrived_at:
            attendance.arrived_at, attendance.left_at = past.starts_at, past.ends_at
    for item in past.items:
        for poll in item.polls:
            poll.opened_at = poll.closed_at = poll.published_at = past.ends_at


def _translate(obj, field: str, texts: dict[str, str]) -> None:
    value = getattr(obj, field)
    for lang, text in texts.items():
        if lang != value.original:
            value = value.with_text(lang, text)
    setattr(obj, field, value)


def demo_council() -> Council | None:
    return db.session.scalar(select(Council).filter_by(slug="demo-city"))


def seed_demo(now: datetime | None = None) -> Council:
    """Create the demo council and accounts; running it again changes nothing.

    ``now`` (local time in the demo council's zone) is for tests."""
    council = demo_council()
    if council is None:
        name, description, participation = COUNCIL_TEXTS["en"]
        council = councils.create_council(
            name=name,
            lang="en",
            description=description,
            participation=participation,
            municipality="Demo City",
            languages=["en", "ar", "uk", "fr", "es"],
            default_language="en",
            timezone="Europe/Brussels",
            slug="demo-city",
        )
        for lang, (name, description, participation) in COUNCIL_TEXTS.items():
            if lang != "en":
                council.name = council.name.with_text(lang, name)
                council.description = council.description.with_text(lang, description)
                council.participation = council.participation.with_text(lang, participation)
    for email, name, locale, role, voting_right, listed in DEMO_PEOPLE:
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            user = accounts.create_user(
                email, name, DEMO_PASSWORD, locale, is_admin=email.startswith("admin@")
            )
        if role is not None and council.current_membership_of(user) is None:
            membership = councils.add_membership(council, user, role, voting_right=voting_right)
            membership.listed = listed
            db.session.flush()
            db.session.refresh(user)
    seed_meetings(council, now)
    seed_proposals(council)
    seed_polls(council)
    return council
