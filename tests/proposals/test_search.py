"""The search box of the public list: part of a word, without accents or hamza, in every
language, following every change of the text, and answered from an index on both databases."""

import pytest
from sqlalchemy import text

from app.auth import Role
from app.extensions import db
from app.proposals import services
from app.proposals.models import ProposalState, Topic
from app.residents import services as residents
from app.translate import services as translate

COUNCIL = "/councils/council-a"


@pytest.fixture
def council(make_council):
    return make_council("Council A", languages=["en", "ar", "uk", "fr"], default_language="en")


@pytest.fixture
def secretary(council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    return user


class Anonymous:
    is_authenticated = False


_keys = iter(range(10_000))


def submit(council, *, title, body="", lang="en"):
    proposal, _token = services.submit(
        council,
        services.Submission(
            title=title, body=body or title, topic=Topic.culture, lang=lang, contact_email=""
        ),
        author=Anonymous(),
        address="192.0.2.1",
        submission_key=f"key-{next(_keys)}",
    )
    db.session.commit()
    return proposal


def public(council, secretary, **kwargs):
    proposal = submit(council, **kwargs)
    services.change_state(proposal, ProposalState.accepted, actor=secretary)
    db.session.commit()
    return proposal


def found(council, query: str) -> set:
    statement = services.public_proposals(council, services.Filters(query=query))
    return set(db.session.scalars(statement))


@pytest.fixture
def shelf(council, secretary):
    return {
        "fr": public(
            council, secretary, title="Des interprètes à la santé", body="Pour les familles."
        ),
        "ar": public(
            council, secretary, title="عقود الإيجار للعائلات", body="والمدرسة قريبة", lang="ar"
        ),
        "uk": public(
            council,
            secretary,
            title="Безкоштовні курси української мови",
            body="Для дорослих і дітей.",
            lang="uk",
        ),
        "en": public(council, secretary, title="More benches in the park", body="To rest."),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("interpr", {"fr"}),  # the start of a word
        ("terprè", {"fr"}),  # the middle of a word
        ("SANTE", {"fr"}),  # without accents or case
        ("santé interprètes", {"fr"}),  # every word must be there
        ("الايجار", {"ar"}),  # without the hamza under the alef
        ("إيجار", {"ar"}),  # without the attached article
        ("مدرسة", {"ar"}),  # inside "والمدرسة": the conjunction and the article attached
        ("українськ", {"uk"}),
        ("КУРСИ", {"uk"}),
        ("benches park", {"en"}),
        ("famil", {"fr"}),
        ("santé park", set()),
        ("zzz", set()),
    ],
)
def test_search_finds_part_of_a_word_in_every_language(council, shelf, query, expected):
    assert found(council, query) == {shelf[lang] for lang in expected}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("à", {"fr", "en"}),  # one letter, folded: "a" (in "santé" and in "park")
        ("la", {"fr"}),
        ("la sante", {"fr"}),  # a short word with an indexed one
        ("و", {"ar"}),
        ("і", {"uk"}),
    ],
)
def test_words_of_one_or_two_letters_still_find(council, shelf, query, expected):
    assert found(council, query) == {shelf[lang] for lang in expected}


@pytest.mark.parametrize(
    "query",
    ['"sante"', 'a"b"c', "100%_", "NEAR(x y)", "sante*", "AND OR NOT", "-santé", "^ :col"],
)
def test_what_the_index_reads_as_syntax_is_searched_as_plain_text(council, shelf, query):
    assert found(council, query) == set()


def test_the_search_follows_edits_translations_and_deletions(
    app, council, secretary, make_user, add_member
):
    proposal = public(council, secretary, title="Call Mrs Dupontel about the pool", lang="en")
    assert found(council, "dupontel") == {proposal}

    services.edit_for_privacy(
        proposal,
        title="Call the organiser about the pool",
        body="A swimming pool for girls.",
        reason="A person's name",
        actor=secretary,
    )
    db.session.commit()
    assert found(council, "dupontel") == set()
    assert found(council, "organis swim") == {proposal}

    translator = make_user("translator@example.org")
    add_member(council, translator, Role.translator)
    translate.save(
        "proposal", proposal, "title", "uk", "Басейн для дівчат", checked=True, user=translator
    )
    db.session.commit()
    assert found(council, "басейн") == {proposal}

    # A proposal deleted at its author's request leaves nothing findable behind, not even
    # for the next proposal, which SQLite may give the same id.
    private = submit(council, title="Secret quokka plans")
    request = residents.request_deletion(private)
    residents.complete_deletion(request, actor=secretary)
    db.session.commit()
    following = public(council, secretary, title="Shade over the playground")
    assert found(council, "quokka") == set()
    assert found(council, "playgr") == {following}


def test_the_search_page_finds_by_part_of_a_word(app, council, shelf):
    html = app.test_client().get(f"{COUNCIL}/proposals?q=الايجا").get_data(as_text=True)
    assert "عقود الإيجار للعائلات" in html and "benches" not in html


def grow(proposal, copies: int) -> None:
    """Public proposals like this one, in bulk: enough that reading every row would cost."""
    table = proposal.__table__
    row = dict(db.session.execute(table.select().where(table.c.id == proposal.id)).mappings().one())
    rows = [
        dict(
            row,
            id=None,
            tracking_hash=f"{n:064d}",
            submission_key=f"filler-{n}",
            reference=f"F{n:07d}",
            search_text=f"filler number {n} about benches",
        )
        for n in range(copies)
    ]
    for row in rows:
        del row["id"]
    db.session.execute(table.insert(), rows)
    db.session.commit()


def plan(statement) -> str:
    """How the database answers the statement, as one line of text."""
    connection = db.session.connection()
    sql = statement.compile(connection, compile_kwargs={"literal_binds": True})
    if connection.dialect.name == "sqlite":
        return " | ".join(
            row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        )
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " | ".join(connection.exec_driver_sql(f"EXPLAIN {sql}").scalars())


def letters_beyond_ascii() -> bool:
    if db.engine.dialect.name == "sqlite":
        return True  # FTS5's trigrams take every character
    return bool(db.session.scalar(text("SELECT show_trgm('яяя') <> '{}'")))


def uses_index(steps: str) -> bool:
    return "VIRTUAL TABLE INDEX" in steps or "ix_proposals_search_text_trigram" in steps


def test_the_search_reads_the_index_not_every_row(app, council, shelf):
    grow(shelf["en"], 2000)
    if db.engine.dialect.name == "postgresql":
        db.session.connection().exec_driver_sql("ANALYZE proposals")
    queries = {"sante interpr": "fr", "الايجار": "ar", "українськ": "uk", "la sante": "fr"}
    for query, lang in queries.items():
        assert found(council, query) == {shelf[lang]}
        if not query.isascii() and not letters_beyond_ascii():
            continue  # a C-locale PostgreSQL: pg_trgm reads only ASCII letters
        steps = plan(services.public_proposals(council, services.Filters(query=query)))
        assert uses_index(steps), (query, steps)


def test_a_word_too_short_for_the_index_is_compared_on_the_rows_left(app, council, shelf):
    assert found(council, "la") == {shelf["fr"]}
    steps = plan(services.public_proposals(council, services.Filters(query="la")))
    assert not uses_index(steps), steps
