"""Vote and decision pages, one module per concept, on one blueprint: the polls, the outcome
of each agenda item, and the council's register of decisions."""

from app.voting.views import outcomes, register
from app.voting.views.polls import bp

__all__ = ["bp", "outcomes", "register"]
