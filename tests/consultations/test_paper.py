"""A secretary types in the sheets answered on paper at a community centre: each counts at
once, marked as paper, in the sheet's language; a sheet that cannot be taken as typed keeps
what was typed and stores nothing; sheets are typed in up to a week after the last day."""

from datetime import timedelta

import pytest

from app.auth import Role
from app.consultations import tally
from app.consultations.models import Channel, Response
from app.database import utcnow
from app.extensions import db
from tests.consultations.conftest import option_ids
from tests.helpers import post, sign_in


@pytest.fixture
def secretary(app, council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    client = app.test_client()
    sign_in(client, user.email)
    return client


def entry_url(consultation) -> str:
    return f"/councils/council-a/consultations/{consultation.id}/paper"


def test_sheets_count_at_once_marked_as_paper(secretary, make_consultation):
    consultation = make_consultation(("single", "scale", "text"), required=(2,))
    single, scale, text = consultation.questions
    url = entry_url(consultation)
    for choice, value in ((0, "4"), (1, "")):  # the second sheet left the required scale blank
        response = post(
            secretary,
            url,
            {
                "sheet_lang": "ar",
                f"q{single.id}": str(option_ids(single)[choice]),
                f"q{scale.id}": value,
                f"q{text.id}": "مترجم في المركز",
                f"q{text.id}-lang": "ar",
            },
            page=url,
        )
        assert response.status_code == 302
    page = secretary.get(response.location).get_data(as_text=True)
    assert "Saved. The form is ready for the next sheet." in page
    responses = db.session.query(Response).all()
    assert [r.channel for r in responses] == [Channel.paper, Channel.paper]
    assert all(r.is_submitted and r.lang == "ar" for r in responses)
    results = tally.tally(consultation, tally.Filters(channel="paper"))
    assert results.responses == 2


def test_a_sheet_that_cannot_be_taken_keeps_what_was_typed_and_stores_nothing(
    secretary, make_consultation
):
    consultation = make_consultation(("multiple", "text"), max_choices={1: 1})
    multiple, text = consultation.questions
    url = entry_url(consultation)
    response = post(
        secretary,
        url,
        {
            f"q{multiple.id}": [str(i) for i in option_ids(multiple)[:2]],
            f"q{text.id}": "Open on Saturdays",
            f"q{text.id}-lang": "en",
        },
        page=url,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose at most 1 option." in page
    assert "Open on Saturdays" in page
    assert db.session.query(Response).count() == 0


def test_sheets_are_taken_a_week_after_the_last_day_and_not_from_residents(
    app, secretary, make_consultation
):
    consultation = make_consultation(("scale",), opens=-20, closes=-3)
    (scale,) = consultation.questions
    url = entry_url(consultation)
    assert post(secretary, url, {f"q{scale.id}": "5"}, page=url).status_code == 302
    consultation.closes_at = utcnow() - timedelta(days=8)
    db.session.commit()
    response = post(secretary, url, {f"q{scale.id}": "5"}, page=url)
    assert "closed" in response.get_data(as_text=True)
    assert db.session.query(Response).count() == 1
    # Residents cannot type in "paper" answers.
    resident = app.test_client()
    refused = resident.get(url)
    assert refused.status_code == 302 and "/sign-in" in refused.location
