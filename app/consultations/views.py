"""Consultation pages: building one, answering it, its results."""

from flask import Blueprint

from app.consultations import models  # noqa: F401 - the tables exist before any page does

bp = Blueprint("consultations", __name__)
