"""Residents who are hard to reach, and residents' own data.

Community mediators type in proposals for residents (from a conversation or a paper) and hand
them a printed slip with the proposal's reference and tracking link. A resident who holds a
tracking link sees what the council keeps about them, downloads it, and asks for it to be
deleted; the council's secretary completes the request.
"""
