"""Flyers and posters: a council's call for proposals, to print and put up, in each of its
languages, A4 and A5."""
