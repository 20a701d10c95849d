"""Consultation pages, one module per concept: the consultations themselves (building,
publishing, the council's answer), responses, results, and the live workshop."""

from app.consultations.views import consultations, responses, results, workshop

blueprints = [consultations.bp, responses.bp, results.bp, workshop.bp]
