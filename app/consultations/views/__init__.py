"""Consultation pages, one module per concept: the consultations themselves (building,
publishing, the council's answer), responses, and results."""

from app.consultations.views import consultations, responses, results

blueprints = [consultations.bp, responses.bp, results.bp]
