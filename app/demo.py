"""Demo data: a council with accounts for every role, password ``consulta-demo``."""

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import Role
from app.councils import services as councils
from app.councils.models import Council
from app.extensions import db

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
    return council
