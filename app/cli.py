"""Commands: flask --app wsgi seed-demo | seed-scale | create-admin | translate … | backup |
restore | export | archive | outbox"""

import getpass
import re
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.i18n import DEFAULT_LOCALE, PLURAL_FORMS, UI_LOCALES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(translate)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(export_command)
    app.cli.add_command(archive_command)
    app.cli.add_command(outbox_command)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no council yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo council and its accounts (password: consulta-demo)."""
    from app.councils.models import Council
    from app.demo import DEMO_PASSWORD, seed_demo

    if if_empty and db.session.scalar(select(Council.id).limit(1)) is not None:
        click.echo("The database already has data; demo data not added.")
        return
    seed_demo()
    db.session.commit()
    click.echo(
        f"Demo data is ready: the sign-in page lists its accounts (password {DEMO_PASSWORD}).\n"
        "For a real council, start without it: stop the server, delete the database "
        "(instance/consulta.db) and run: DEMO=0 make run"
    )


@click.command("seed-scale")
@click.option("--proposals", default=10_000, show_default=True, help="Proposals to add.")
@click.option("--meetings", default=500, show_default=True, help="Meetings to add.")
@click.option("--members", default=200, show_default=True, help="Voting members to add.")
def seed_scale_command(proposals: int, meetings: int, members: int) -> None:
    """Grow the demo council to years of work, to measure pages at scale (never in production:
    the added accounts have the demo password)."""
    import time

    from app.councils.models import Council
    from app.demo import seed_demo
    from app.demo.scale import Sizes, demo_council, grow

    started = time.monotonic()
    if demo_council() is None:
        if db.session.scalar(select(Council.id).limit(1)) is not None:
            raise click.ClickException("This database has councils but not the demo's.")
        seed_demo()
        db.session.commit()
    added = grow(Sizes(proposals, meetings, members), report=lambda line: click.echo(f"… {line}"))
    db.session.commit()
    click.echo(", ".join(f"{name}: {count:,}" for name, count in sorted(added.items())))
    click.echo(f"Done in {time.monotonic() - started:.0f} s.")


@click.command("create-admin")
@click.option("--email")
@click.option("--name", help="The display name.")
@click.option("--if-none", is_flag=True, help="Only when the instance has no administrator yet.")
def create_admin_command(email: str | None, name: str | None, if_none: bool) -> None:
    """Create an instance administrator (asks for what is not given, and the password)."""
    from app.accounts import services
    from app.accounts.models import User
    from app.errors import DomainError

    if if_none and db.session.scalar(select(User.id).where(User.is_admin).limit(1)) is not None:
        return
    if if_none:
        click.echo("This instance has no administrator yet: create the first one.")
    email = email or click.prompt("Email")
    name = name or click.prompt("Display name")
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Repeat the password: "):
        raise click.ClickException("The two passwords are not the same.")
    try:
        services.check_password_rules(password)
        user = services.create_user(email, name, password, is_admin=True)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--if-behind",
    is_flag=True,
    help="Only when the database is older than the code (before an upgrade).",
)
def backup_command(path: Path | None, if_behind: bool) -> None:
    """Back up the database and the uploaded documents into one file (default: a timestamped
    file in instance/backups). Safe while the site runs and people vote."""
    from app import backup

    if if_behind and not backup.is_behind():
        return
    if path is None:
        path = Path(current_app.instance_path) / "backups"
        path.mkdir(exist_ok=True)
    try:
        done = backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backup written: {done.path} ({done.size / 1e6:.1f} MB; {done.rows} rows in "
        f"{done.tables} tables, {done.documents} documents; schema {done.revision}). "
        "Keep the instance's secret key apart from it: see docs/admin-guide.md."
    )


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def restore_command(path: Path) -> None:
    """Restore a backup into this empty instance, checking it first; an older backup is
    migrated to this version of Consulta."""
    from app import backup

    try:
        done = backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Restored {done.rows} rows in {done.tables} tables and {done.documents} documents "
        f"from {path}; the database is now at schema {done.revision}."
    )


@click.command("export")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--council", "slug", help="Only the council with this slug (default: every council).")
def export_command(path: Path, slug: str | None) -> None:
    """Write the public data of the councils as open data: one ZIP file (or a timestamped
    file in PATH when it is a folder) with CSV and JSON tables, the public documents and the
    published minutes as PDF. Safe while the site runs and people vote."""
    from app import export

    try:
        done = export.export(path, slug)
    except export.ExportError as error:
        raise click.ClickException(str(error)) from error
    rows = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in done.rows.items())
    size = f"{done.size / 1e6:.1f} MB" if done.size >= 1e6 else f"{done.size / 1e3:.0f} kB"
    click.echo(
        f"Open data written: {done.path} ({size}). Rows: {rows}; files: {done.documents} "
        f"documents, {done.minutes} minutes as PDF."
    )


@click.command("archive")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--council", "slug", help="Only the council with this slug (default: every council).")
@click.option("--zip", "as_zip", is_flag=True, help="Write one ZIP file PATH instead of a folder.")
def archive_command(path: Path, slug: str | None, as_zip: bool) -> None:
    """Write the public record of the councils as a static website (the folder PATH): every
    public page in each language the council offers, with the documents and the minutes as
    PDF. It opens from disk and from any static host; nothing in it needs Consulta."""
    from app import archive

    try:
        done = archive.archive(path, slug, as_zip=as_zip)
    except archive.ArchiveError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Archive written: {done.path} ({done.size / 1e6:.1f} MB; {done.pages} pages and "
        f"{done.files} files for {done.councils} council(s) in {done.languages} language(s), "
        f"{done.seconds:.0f} s). Open index.html in it."
    )


@click.group()
def translate() -> None:
    """Extract, update, compile and check the interface's translations."""


def pybabel(*args: str) -> None:
    status = CommandLineInterface().run(["pybabel", *args])
    if status:
        raise click.ClickException(f"pybabel {args[0]} failed.")


@translate.command()
def extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "Consulta",
        "-o",
        str(POT),
        str(ROOT),
    )


@translate.command()
def update() -> None:
    """Extract, then merge new strings into every catalog."""
    assert extract.callback is not None
    extract.callback()
    pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    fix_plural_headers()
    fill_source_catalog()


@translate.command("init")
@click.argument("locale")
def init_locale(locale: str) -> None:
    """Start a catalog for a new language."""
    pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
    fix_plural_headers()


@translate.command()
def compile() -> None:  # noqa: A001 - the command's name
    """Build the .mo files the app reads."""
    pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


@translate.command()
def check() -> None:
    """Fail on any untranslated, fuzzy or mismatched entry, or a wrong plural rule."""
    problems = catalog_problems()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the catalogs.")
    click.echo(f"All {len(UI_LOCALES)} catalogs are complete.")


def fix_plural_headers() -> None:
    """Babel's plural rules differ from GNU gettext's for some languages; catalogs use GNU's."""
    header = re.compile(r'"Plural-Forms: (?:[^"]*"\n")*?[^"]*\\n"')
    for locale, rule in PLURAL_FORMS.items():
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            text = po.read_text(encoding="utf-8")

            def plural_forms(_match: re.Match[str], rule: str = rule) -> str:
                return f'"Plural-Forms: {rule}\\n"'

            text = header.sub(plural_forms, text, count=1)
            po.write_text(text, encoding="utf-8")


def fill_source_catalog() -> None:
    """The English catalog says what the source says."""
    po = TRANSLATIONS / DEFAULT_LOCALE / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=DEFAULT_LOCALE)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # plurals: the singular, then the plural form
            assert message.string is not None  # Babel gives plurals ('', '') when untranslated
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100)


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _markers(text: str) -> tuple[list[str], list[str]]:
    return sorted(PLACEHOLDER.findall(text)), sorted(TAG.findall(text))


def catalog_problems() -> list[str]:
    problems = []
    source_ids = set()
    if POT.exists():
        with POT.open("rb") as fh:
            source_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    for locale in UI_LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{locale}: no catalog")
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        header = catalog.mime_headers
        plural = dict(header).get("Plural-Forms", "")
        if locale in PLURAL_FORMS and plural.strip() != PLURAL_FORMS[locale]:
            problems.append(
                f"{locale}: Plural-Forms is {plural!r}, expected {PLURAL_FORMS[locale]!r}"
            )
        ids = set()
        for message in catalog:
            if not message.id:
                continue
            ids.add(message.id if isinstance(message.id, str) else message.id[0])
            problems.extend(f"{locale}: {p}" for p in message_problems(message))
        missing = source_ids - ids
        problems.extend(f"{locale}: missing {msgid!r}" for msgid in sorted(missing))
    return problems


def message_problems(message) -> list[str]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    label = ids[0][:60]
    if message.fuzzy:
        return [f"fuzzy: {label!r}"]
    if not all(strings):
        return [f"untranslated: {label!r}"]
    expected = _markers(ids[-1])
    found = []
    for string in strings:
        placeholders, tags = _markers(string)
        # A plural form may leave the number out ("one" in many languages), nothing else.
        if set(placeholders) - set(expected[0]) or tags != expected[1]:
            found.append(f"placeholders or tags differ: {label!r}")
        elif len(ids) == 1 and placeholders != expected[0]:
            found.append(f"placeholders differ: {label!r}")
    return found[:1]


@click.group("outbox")
def outbox_command() -> None:
    """The emails waiting to be sent (each app process sends them on its own)."""


@outbox_command.command("status")
def outbox_status_command() -> None:
    """How many emails wait, since when, and how many failed in the last day."""
    from app.mail import outbox

    backlog = outbox.backlog()
    since = f" (oldest queued {backlog.oldest:%Y-%m-%d %H:%M} UTC)" if backlog.oldest else ""
    click.echo(f"Waiting: {backlog.waiting}{since}")
    click.echo(f"Not delivered in the last day: {backlog.failed_today}")


@outbox_command.command("send")
def outbox_send_command() -> None:
    """Send what is due now (reminders and weekly digests included), then stop."""
    from app.mail import mail_enabled
    from app.mail.sender import run_round

    if not mail_enabled():
        raise click.ClickException("No mail server is configured (MAIL_SERVER).")
    result = run_round()
    click.echo(f"Sent: {result.sent}, to try again: {result.retried}, refused: {result.refused}")
