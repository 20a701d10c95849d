"""Emails about consultations, sent after the response (``app.background``): whether an
address has answered already is never found out while the person waits."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.consultations import answering
from app.consultations.models import Consultation
from app.extensions import db
from app.mail import queue_email


def answer_link_requested(consultation_id: int, address: str, link: str, locale: str) -> None:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        return
    answered = answering.has_answered(consultation, answering.address_hash(consultation, address))
    with force_locale(locale):
        title = consultation.title.shown().text
        template = "answer_already.txt" if answered else "answer_link.txt"
        body = render_template(
            f"consultations/email/{template}",
            consultation=consultation,
            link=link,
            days=answering.LINK_DAYS,
        )
        queue_email(address, _("Your link to answer: %(title)s", title=title), body, locale=locale)
    db.session.commit()
