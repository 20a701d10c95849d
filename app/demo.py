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
from app.meetings.models import ItemKind, Meeting, Presence

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


def seed_meetings(council: Council) -> None:
    """A past, a today's (in progress) and an upcoming meeting, with agendas and attendance."""
    if db.session.scalar(select(Meeting.id).filter_by(council_id=council.id).limit(1)):
        return
    zone = ZoneInfo(council.timezone)
    now = datetime.now(zone)
    for days, hour, titles, place in MEETINGS:
        if hour is None:  # today's meeting started an hour ago
            start = (now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        else:
            start = (now + timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
        details = meetings.MeetingDetails(
            title=titles["en"],
            lang="en",
            day=start.date(),
            starts=start.time(),
            ends=(start + timedelta(hours=2)).time(),
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
        if days < 0:
            meetings.close_meeting(meeting)
            for attendance in meeting.attendances:  # as it happened, not as seeded
                if attendance.arrived_at:
                    attendance.arrived_at, attendance.left_at = meeting.starts_at, meeting.ends_at


def _translate(obj, field: str, texts: dict[str, str]) -> None:
    value = getattr(obj, field)
    for lang, text in texts.items():
        if lang != value.original:
            value = value.with_text(lang, text)
    setattr(obj, field, value)


def demo_council() -> Council | None:
    return db.session.scalar(select(Council).filter_by(slug="demo-city"))


def seed_demo() -> Council:
    """Create the demo council and accounts; running it again changes nothing."""
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
    for email, name, locale, role, voting, listed in DEMO_PEOPLE:
        user = db.session.scalar(select(User).filter_by(email=email))
        if user is None:
            user = accounts.create_user(
                email, name, DEMO_PASSWORD, locale, is_admin=email.startswith("admin@")
            )
        if role is not None and council.current_membership_of(user) is None:
            membership = councils.add_membership(council, user, role, voting_right=voting)
            membership.listed = listed
            db.session.flush()
            db.session.refresh(user)
    seed_meetings(council)
    return council
