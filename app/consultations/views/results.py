"""A consultation's results: tables, charts and CSV."""

from flask import Blueprint

bp = Blueprint("results", __name__, url_prefix="/councils/<slug>/consultations")
