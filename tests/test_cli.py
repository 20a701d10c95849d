from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.auth import Role
from app.councils.models import Council
from app.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.meetings.models import Meeting, MeetingState
from tests.helpers import sign_in


def test_seed_demo_creates_the_demo_council_and_accounts_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Council)) == 1
    council = db.session.scalar(select(Council))
    assert council.name.shown_in("en").text == "Demo City Migrant Council"
    assert {"en", "ar", "uk", "fr"} <= set(council.languages)
    roles = {m.user.email: m for m in council.current_memberships}
    assert roles["chair@demo.test"].role is Role.chair
    assert roles["secretary@demo.test"].role is Role.secretary
    assert roles["translator@demo.test"].role is Role.translator
    voters = [e for e, m in roles.items() if e.startswith("member0") and m.voting_right]
    assert len(voters) == 9
    assert db.session.scalar(select(User).filter_by(email="admin@demo.test")).is_admin
    assert db.session.scalar(select(User).filter_by(email="resident@demo.test")) is not None


@pytest.mark.parametrize("clock", ["00:20", "14:10", "23:30", "23:59:30"])
def test_the_demo_meeting_of_today_is_in_progress_at_any_hour(app, clock):
    zone = ZoneInfo("Europe/Brussels")
    now = datetime.combine(date(2026, 11, 22), time.fromisoformat(clock), zone)
    seed_demo(now=now)
    db.session.commit()
    [today] = db.session.scalars(select(Meeting).filter_by(state=MeetingState.in_progress))
    utc_now = now.astimezone(UTC).replace(tzinfo=None)
    assert today.starts_at <= utc_now <= today.ends_at
    assert today.starts_at.replace(tzinfo=UTC).astimezone(zone).date() == now.date()


def test_demo_accounts_sign_in_with_the_published_password(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    sign_in(client, "member01@demo.test", DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_real_data_alone(app, make_council):
    make_council("Real Council")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in result.output
    assert db.session.scalar(select(func.count()).select_from(Council)) == 1


def test_create_admin(app, client, monkeypatch):
    answers = iter(["a long admin secret", "a long admin secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Boss@Example.org", "--name", "Boss"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).filter_by(email="boss@example.org")).is_admin
    sign_in(client, "boss@example.org", "a long admin secret")


def test_create_admin_refuses_a_short_password(app, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "short")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "b@example.org", "--name", "B"]
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_create_admin_if_none_asks_only_on_an_instance_without_one(app, monkeypatch, make_user):
    """`DEMO=0 make run` on an empty database asks for the first administrator, once."""
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a long admin secret")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--if-none"], input="first@example.org\nFirst\n")
    assert result.exit_code == 0, result.output
    assert "no administrator yet" in result.output
    assert db.session.scalar(select(User).filter_by(email="first@example.org")).is_admin
    again = runner.invoke(args=["create-admin", "--if-none"], input="")
    assert again.exit_code == 0 and again.output == ""
    assert len(db.session.scalars(select(User).filter_by(is_admin=True)).all()) == 1
