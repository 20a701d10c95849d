"""Counting votes: pure functions of the ballots, so any result can be recomputed and checked.

A yes/no poll passes under its majority rule; a poll between custom options is won by the
option that meets the rule. Which ballots count towards the base of the rule:

- ``simple``: more yes than no (with abstentions counted: more yes than no and abstain
  together);
- ``absolute``: more yes than half of the entitled members;
- ``two_thirds``: at least two thirds of the votes cast (abstentions in the base only when
  they count).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

YES, NO, ABSTAIN = "yes", "no", "abstain"
DEFAULT_OPTIONS = (YES, NO, ABSTAIN)
RULES = ("simple", "absolute", "two_thirds")


@dataclass(frozen=True)
class Result:
    counts: dict[str, int]
    #: Ballots cast, abstentions included.
    cast: int
    #: Ballots in the base of the majority (abstentions only when they count).
    counted: int
    entitled: int
    rule: str
    #: The adopted option ("yes" for a motion that passed), or None: nothing was adopted.
    adopted: str | None

    @property
    def is_motion(self) -> bool:
        return set(self.counts) == set(DEFAULT_OPTIONS)

    @property
    def needed(self) -> int:
        """Votes an option needed to be adopted, under this result's rule."""
        return needed(self.rule, counted=self.counted, entitled=self.entitled)

    @property
    def passed(self) -> bool:
        return self.adopted is not None and (not self.is_motion or self.adopted == YES)

    def percentages(self) -> dict[str, float]:
        """Each option's share of the ballots cast, to one decimal; sums to 100 (or 0)."""
        return share(self.counts, self.cast)

    def to_json(self) -> dict:
        return {
            "counts": self.counts,
            "cast": self.cast,
            "counted": self.counted,
            "entitled": self.entitled,
            "rule": self.rule,
            "adopted": self.adopted,
        }


def share(counts: dict[str, int], total: int) -> dict[str, float]:
    """Percentages to one decimal that add up to exactly 100 (largest remainder method)."""
    if total == 0:
        return {key: 0.0 for key in counts}
    tenths = {key: Fraction(count * 1000, total) for key, count in counts.items()}
    floors = {key: int(value) for key, value in tenths.items()}
    left = 1000 - sum(floors.values())
    by_remainder = sorted(counts, key=lambda key: (-(tenths[key] - floors[key]), key))
    for key in by_remainder[:left]:
        floors[key] += 1
    return {key: floors[key] / 10 for key in counts}


def meets_rule(votes: int, against: int, *, rule: str, counted: int, entitled: int) -> bool:
    """Whether ``votes`` for an option carry it; ``against`` is every other counted ballot."""
    if rule == "simple":
        return votes > against
    if rule == "absolute":
        return 2 * votes > entitled
    if rule == "two_thirds":
        return counted > 0 and 3 * votes >= 2 * counted
    raise ValueError(f"unknown majority rule {rule!r}")


def needed(rule: str, *, counted: int, entitled: int) -> int:
    """The fewest votes for an option that carry it (``meets_rule`` as a number): what a
    member reads as "5 of 9 needed"."""
    if rule == "simple":
        return counted // 2 + 1
    if rule == "absolute":
        return entitled // 2 + 1
    if rule == "two_thirds":
        return max(1, -(-2 * counted // 3))
    raise ValueError(f"unknown majority rule {rule!r}")


def tally(
    choices: Iterable[str],
    options: Iterable[str],
    *,
    rule: str,
    entitled: int,
    abstentions_count: bool = False,
) -> Result:
    """The result of a poll from its ballots (one choice each, in any order)."""
    options = list(options)
    counter = Counter(choices)
    unknown = set(counter) - set(options)
    if unknown:
        raise ValueError(f"ballots for options that do not exist: {sorted(unknown)}")
    counts = {option: counter.get(option, 0) for option in options}
    return count(counts, rule=rule, entitled=entitled, abstentions_count=abstentions_count)


def count(
    counts: dict[str, int], *, rule: str, entitled: int, abstentions_count: bool = False
) -> Result:
    """The result from the number of votes for each option, in the options' order: ballots
    counted by the poll, or hands counted in the room."""
    options = list(counts)
    cast = sum(counts.values())
    abstentions = counts.get(ABSTAIN, 0)
    counted = cast if abstentions_count else cast - abstentions
    adopted = None
    for option in options:
        if option == ABSTAIN or (set(options) == set(DEFAULT_OPTIONS) and option != YES):
            continue
        votes = counts[option]
        against = counted - votes
        if meets_rule(votes, against, rule=rule, counted=counted, entitled=entitled):
            adopted = option
            break
    return Result(counts, cast, counted, entitled, rule, adopted)
