"""Consultations: questionnaires the council puts to residents, and their results."""
