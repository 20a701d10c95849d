"""The results page and its CSV: hidden until the consultation closes (except from its
officers), tables and charts with text alternatives, filters, free text for officers only."""

import csv
import io
import re

import pytest

from app.auth import Role
from app.consultations.answering import Given
from app.consultations.models import Channel
from app.database import utcnow
from app.extensions import db
from tests.consultations.conftest import option_ids
from tests.consultations.test_tally import respond
from tests.helpers import sign_in


@pytest.fixture
def answered(make_consultation):
    """A consultation with three sent responses, closed by default (``close()`` to close)."""
    consultation = make_consultation(["single", "ranking", "scale", "text"])
    single, ranking, *_ = consultation.questions
    parks, housing, _jobs = option_ids(single)
    r_parks, r_housing, *_ = option_ids(ranking)
    respond(
        consultation,
        {
            1: Given(choices=(parks,)),
            2: Given(choices=(r_housing, r_parks)),
            3: Given(number=4),
            4: Given(text="حدائق أكثر للأطفال", lang="ar"),
        },
        lang="ar",
    )
    respond(consultation, {1: Given(choices=(parks,)), 3: Given(number=2)}, channel=Channel.paper)
    respond(consultation, {1: Given(choices=(housing,)), 2: Given(choices=(r_parks,))})
    return consultation


def close(consultation):
    consultation.opens_at = utcnow().replace(year=2020)
    consultation.closes_at = utcnow().replace(year=2021)
    db.session.commit()


def url(consultation, suffix=""):
    return f"/councils/council-a/consultations/{consultation.id}/results{suffix}"


def test_results_stay_hidden_from_the_public_until_the_consultation_closes(client, answered):
    html = client.get(url(answered)).get_data(as_text=True)
    assert "published when the consultation closes" in html and "Parks" not in html
    assert client.get(url(answered, ".csv")).status_code == 404
    close(answered)
    html = client.get(url(answered)).get_data(as_text=True)
    assert "3 responses sent." in html and "Parks" in html


def test_officers_see_results_and_free_text_at_any_time(
    app, client, answered, council, make_user, add_member
):
    secretary = make_user("secretary@a.example")
    add_member(council, secretary, Role.secretary)
    sign_in(client, secretary.email)
    html = client.get(url(answered)).get_data(as_text=True)
    assert "still open" in html
    assert re.search(r'<p lang="ar" dir="rtl" class="user-text ?">حدائق أكثر للأطفال</p>', html)


def test_free_text_is_not_shown_to_the_public(client, answered):
    close(answered)
    html = client.get(url(answered)).get_data(as_text=True)
    assert "حدائق أكثر" not in html and "The council reads the written answers" in html


def test_tables_and_charts_with_text_alternatives(client, answered):
    close(answered)
    html = client.get(url(answered)).get_data(as_text=True)
    charts = re.findall(r'<svg class="chart" role="img" aria-label="([^"]+)"', html)
    assert len(charts) == 3
    assert charts[0] == "Bar chart: Parks: 2 (66.7%); Housing: 1 (33.3%); Jobs: 0 (0%)"
    assert charts[1].startswith("Bar chart of the Borda points: Parks: 7 points; Housing: 4 points")
    assert (
        '<th scope="row"><span lang="en" dir="ltr">Parks</span></th><td>2</td><td>66.7%</td>'
        in html
    )
    assert "Borda count" in html and "Mean: 3" in html


def test_arabic_readers_get_bars_from_the_right(client, answered):
    close(answered)
    html = client.get(url(answered) + "?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html and '<text x="400"' in html
    assert "الحدائق" in html


def test_filters_by_language_and_channel(client, answered):
    close(answered)
    html = client.get(url(answered) + "?language=ar").get_data(as_text=True)
    assert "1 response sent." in html
    html = client.get(url(answered) + "?channel=paper").get_data(as_text=True)
    assert "1 response sent." in html
    assert 'value="paper" selected' in html


def test_the_csv_reads_back_with_the_counts(client, answered):
    close(answered)
    reply = client.get(url(answered, ".csv") + "?channel=online")
    assert reply.mimetype == "text/csv" and "attachment" in reply.headers["Content-Disposition"]
    text = reply.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Question number", "Question", "Kind", "Answer", "Responses"]
    by_answer = {(r[0], r[3]): r for r in rows[1:]}
    assert by_answer[("1", "Parks")][4:6] == ["1", "50.0"]
    assert by_answer[("2", "Parks")][6] == "7"
    assert by_answer[("2", "Housing")][6] == "4"
    assert by_answer[("4", "")][4] == "1"


def test_an_officer_translates_a_written_answer_and_reads_it_in_their_language(
    app, make_consultation, make_user, add_member, council
):
    """Written answers stay with the council: a secretary translates one from the results
    page; the results in English then show it in English with the original a click away; it
    is never sent to a machine (it is not public)."""
    from app.auth import Role
    from app.consultations.models import Answer, Response
    from app.database import utcnow
    from app.extensions import db
    from app.i18n import Translated
    from tests.helpers import post, sign_in

    consultation = make_consultation(("text",))
    (question,) = consultation.questions
    response = Response(consultation=consultation, lang="ar", token_hash="t" * 64)
    response.answers = [Answer(question=question, text=Translated.of("ملاعب للأطفال", "ar"))]
    response.submitted_on = utcnow().date()
    db.session.add(response)
    db.session.commit()
    answer = response.answers[0]
    secretary = make_user("secretary@example.org")
    add_member(council, secretary, Role.secretary)
    client = app.test_client()
    sign_in(client, secretary.email)

    results = f"/councils/council-a/consultations/{consultation.id}/results"
    page = client.get(results).get_data(as_text=True)
    assert "Translate answer 1" in page
    translate = f"/councils/council-a/translate/written/{answer.id}?to=en"
    form = client.get(translate).get_data(as_text=True)
    assert "Written answer" in form and "ملاعب للأطفال" in form
    assert "Machine draft" not in form
    post(
        client,
        translate,
        {"text-text": "Playgrounds for children", "checked-text": "y"},
        page=translate,
    )
    db.session.expire_all()
    assert answer.text.get("en") == "Playgrounds for children"
    page = client.get(results + "?lang=en").get_data(as_text=True)
    assert "Playgrounds for children" in page and "ملاعب للأطفال" in page  # the original too
    # The public never reads them, closed or not.
    assert "ملاعب" not in app.test_client().get(results).get_data(as_text=True)
