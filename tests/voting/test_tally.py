"""Tally rules as pure functions: order never matters, shares add up, boundaries are exact."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.voting.tally import (
    ABSTAIN,
    DEFAULT_OPTIONS,
    NO,
    RULES,
    YES,
    meets_rule,
    needed,
    share,
    tally,
)

choices = st.lists(st.sampled_from(DEFAULT_OPTIONS), max_size=60)
rules = st.sampled_from(RULES)


@given(choices, rules, st.booleans(), st.randoms())
def test_the_result_never_depends_on_ballot_order(ballots, rule, abstentions_count, random):
    shuffled = list(ballots)
    random.shuffle(shuffled)
    entitled = len(ballots) + 3
    first = tally(
        ballots, DEFAULT_OPTIONS, rule=rule, entitled=entitled, abstentions_count=abstentions_count
    )
    second = tally(
        shuffled, DEFAULT_OPTIONS, rule=rule, entitled=entitled, abstentions_count=abstentions_count
    )
    assert first == second


@given(choices, rules)
def test_percentages_add_up_to_exactly_one_hundred(ballots, rule):
    result = tally(ballots, DEFAULT_OPTIONS, rule=rule, entitled=len(ballots))
    total = sum(result.percentages().values())
    assert total == pytest.approx(100.0 if ballots else 0.0)
    assert sum(result.counts.values()) == result.cast == len(ballots)


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 10_000), min_size=1))
def test_shares_are_each_within_a_tenth_of_the_exact_value(counts):
    total = sum(counts.values())
    shares = share(counts, total)
    for key, count in counts.items():
        exact = 100 * count / total if total else 0
        assert abs(shares[key] - exact) <= 0.1 + 1e-9


@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_simple_majority_is_more_yes_than_no(yes, no, abstain):
    ballots = [YES] * yes + [NO] * no + [ABSTAIN] * abstain
    result = tally(ballots, DEFAULT_OPTIONS, rule="simple", entitled=120)
    assert result.passed == (yes > no)
    with_abstentions = tally(
        ballots, DEFAULT_OPTIONS, rule="simple", entitled=120, abstentions_count=True
    )
    assert with_abstentions.passed == (yes > no + abstain)


@pytest.mark.parametrize(
    ("yes", "no", "passed"),
    [(5, 5, False), (6, 5, True), (0, 0, False), (1, 0, True)],
)
def test_simple_majority_at_the_boundary(yes, no, passed):
    result = tally([YES] * yes + [NO] * no, DEFAULT_OPTIONS, rule="simple", entitled=20)
    assert result.passed is passed


@pytest.mark.parametrize(
    ("entitled", "yes", "passed"),
    [(10, 5, False), (10, 6, True), (9, 4, False), (9, 5, True), (1, 1, True), (0, 0, False)],
)
def test_absolute_majority_is_more_than_half_of_the_entitled(entitled, yes, passed):
    result = tally([YES] * yes, DEFAULT_OPTIONS, rule="absolute", entitled=entitled)
    assert result.passed is passed


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "abstentions_count", "passed"),
    [
        (6, 3, 0, False, True),  # exactly two thirds
        (5, 3, 0, False, False),  # just under
        (6, 3, 3, False, True),  # abstentions outside the base
        (6, 3, 3, True, False),  # ... or inside it
        (8, 4, 0, False, True),
        (0, 0, 5, False, False),  # nobody voted yes or no
    ],
)
def test_two_thirds_of_votes_cast_at_the_boundary(yes, no, abstain, abstentions_count, passed):
    ballots = [YES] * yes + [NO] * no + [ABSTAIN] * abstain
    result = tally(
        ballots,
        DEFAULT_OPTIONS,
        rule="two_thirds",
        entitled=30,
        abstentions_count=abstentions_count,
    )
    assert result.passed is passed


def test_a_choice_between_alternatives_is_won_only_with_the_rules_majority():
    options = ["option-1", "option-2", "option-3", ABSTAIN]
    clear = tally(
        ["option-1"] * 6 + ["option-2"] * 3 + ["option-3"] * 2, options, rule="simple", entitled=11
    )
    assert clear.adopted == "option-1" and clear.passed
    split = tally(
        ["option-1"] * 4 + ["option-2"] * 3 + ["option-3"] * 2, options, rule="simple", entitled=9
    )
    assert split.adopted is None and not split.passed


def test_ballots_for_unknown_options_are_an_error_not_a_silent_zero():
    with pytest.raises(ValueError):
        tally(["maybe"], DEFAULT_OPTIONS, rule="simple", entitled=3)


@given(rules, st.integers(0, 500), st.integers(0, 500))
def test_the_number_needed_is_exactly_where_the_rule_starts_to_carry(rule, counted, extra):
    """ "5 of 9 needed" on the page is the rule itself: one vote fewer does not carry."""
    entitled = counted + extra
    votes = needed(rule, counted=counted, entitled=entitled)
    if votes <= counted or rule == "absolute":
        assert meets_rule(votes, counted - votes, rule=rule, counted=counted, entitled=entitled)
    fewer = votes - 1
    assert not meets_rule(fewer, counted - fewer, rule=rule, counted=counted, entitled=entitled)


def test_the_number_needed_in_words_members_know():
    assert needed("absolute", counted=2, entitled=9) == 5
    assert needed("simple", counted=5, entitled=9) == 3
    assert needed("two_thirds", counted=6, entitled=9) == 4
    result = tally([YES], DEFAULT_OPTIONS, rule="absolute", entitled=9)
    assert (result.needed, result.passed) == (5, False)
