"""Consultations as the council builds and publishes them, and as the public finds them."""

from flask import Blueprint

from app.consultations import models  # noqa: F401 - the tables exist before any page does

bp = Blueprint("consultations", __name__, url_prefix="/councils/<slug>/consultations")
