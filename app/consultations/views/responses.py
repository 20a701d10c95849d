"""Answering a consultation: online, one question per screen or all on one page, and typed in
from paper."""

from flask import Blueprint

bp = Blueprint("responses", __name__, url_prefix="/councils/<slug>/consultations")
