"""Result arithmetic: counts and shares, the Borda count worked out by hand, scale means,
and filters by language and channel. Only sent responses count."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.consultations import answering, tally
from app.consultations.answering import Given
from app.consultations.models import Channel
from app.extensions import db
from tests.consultations.conftest import option_ids


def respond(consultation, answers: dict, *, lang="en", channel=Channel.online, send=True):
    """A response with ``answers`` by question position (from 1)."""
    response, _ = answering.start(consultation, lang=lang, address=f"{lang}{channel}{id(answers)}")
    response.channel = channel
    questions = consultation.questions
    answering.save(response, {questions[n - 1]: given for n, given in answers.items()})
    if send:
        answering.send(response)
    db.session.commit()
    return response


def test_borda_by_hand():
    # Three places; four options a, b, c, d (ids 1..4).
    # Response 1: a, b, c  -> a 3, b 2, c 1
    # Response 2: b, a     -> b 3, a 2
    # Response 3: c        -> c 3
    # Response 4: b, c, a  -> b 3, c 2, a 1
    # Totals: a 6, b 8, c 6, d 0
    points = tally.borda([[1, 2, 3], [2, 1], [3], [2, 3, 1]], places=3)
    assert dict(points) == {1: 6, 2: 8, 3: 6}
    assert points[4] == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=1, max_value=6), max_size=5, unique=True), max_size=30),
    st.integers(min_value=1, max_value=5),
)
def test_borda_gives_each_full_ranking_the_same_total(rankings, places):
    points = tally.borda(rankings, places)
    expected = sum(sum(places - p for p in range(min(len(r), places))) for r in rankings)
    assert sum(points.values()) == expected
    assert all(v >= 0 for v in points.values())


def test_a_ranking_question_is_ordered_by_points_then_first_places(make_consultation):
    consultation = make_consultation(["ranking"], max_choices={1: 3})
    parks, housing, jobs, health = option_ids(consultation.questions[0])
    for ranking in ([parks, housing, jobs], [housing, parks], [jobs], [housing, jobs, parks]):
        respond(consultation, {1: Given(choices=tuple(ranking))})
    # Not sent: never counted.
    respond(consultation, {1: Given(choices=(health,))}, send=False)
    result = tally.tally(consultation).questions[0]
    assert result.places == 3 and result.answered == 4
    # Parks and Jobs both have 6 points; Parks was first once, Jobs once: by position.
    assert [(e.option.id, e.points, e.first, e.count) for e in result.options] == [
        (housing, 8, 2, 3),
        (parks, 6, 1, 3),
        (jobs, 6, 1, 3),
        (health, 0, 0, 0),
    ]


def test_choices_are_counted_with_shares_of_those_who_answered(make_consultation):
    consultation = make_consultation(["single", "multiple", "scale"])
    single, multiple, _scale = consultation.questions
    parks, housing, jobs = option_ids(single)
    m_parks, m_housing, m_jobs = option_ids(multiple)
    respond(
        consultation,
        {1: Given(choices=(parks,)), 2: Given(choices=(m_parks, m_jobs)), 3: Given(number=5)},
    )
    respond(
        consultation, {1: Given(choices=(parks,)), 2: Given(choices=(m_parks,)), 3: Given(number=2)}
    )
    respond(consultation, {1: Given(choices=(jobs,)), 3: Given(number=2)})
    results = tally.tally(consultation)
    assert results.responses == 3
    first, second, third = results.questions
    assert [(e.count, e.percent) for e in first.options] == [
        (2, Decimal("66.7")),
        (0, Decimal("0")),
        (1, Decimal("33.3")),
    ]
    assert second.answered == 2
    assert [(e.count, e.percent) for e in second.options] == [
        (2, Decimal("100.0")),
        (0, Decimal("0")),
        (1, Decimal("50.0")),
    ]
    assert [(v.value, v.count) for v in third.values] == [(1, 0), (2, 2), (3, 0), (4, 0), (5, 1)]
    assert third.mean == Decimal("3.00")


@pytest.mark.parametrize(
    ("filters", "responses", "parks"),
    [
        (tally.Filters(), 3, 2),
        (tally.Filters(lang="ar"), 2, 1),
        (tally.Filters(channel="paper"), 1, 1),
        (tally.Filters(lang="ar", channel="paper"), 1, 1),
        (tally.Filters(lang="uk"), 0, 0),
        (tally.Filters(channel="nonsense"), 3, 2),
    ],
)
def test_filters_by_language_and_channel(make_consultation, filters, responses, parks):
    consultation = make_consultation(["single"])
    ids = option_ids(consultation.questions[0])
    respond(consultation, {1: Given(choices=(ids[0],))}, lang="en")
    respond(consultation, {1: Given(choices=(ids[0],))}, lang="ar", channel=Channel.paper)
    respond(consultation, {1: Given(choices=(ids[1],))}, lang="ar")
    results = tally.tally(consultation, filters)
    assert results.responses == responses
    assert results.questions[0].options[0].count == parks
    assert tally.languages(consultation) == ["ar", "en"]


def test_free_texts_are_kept_with_their_language(make_consultation):
    consultation = make_consultation(["text"])
    respond(consultation, {1: Given(text="حدائق أكثر", lang="ar")}, lang="ar")
    respond(consultation, {1: Given(text="Більше парків", lang="uk")})
    texts = tally.tally(consultation).questions[0].texts
    assert [(t.original, t.get(t.original)) for t in texts] == [
        ("ar", "حدائق أكثر"),
        ("uk", "Більше парків"),
    ]
