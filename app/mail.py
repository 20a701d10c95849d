"""Outgoing email through the configured SMTP server; silently off when none is configured."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_email(to: str, subject: str, body: str, attachments=()) -> bool:
    """Send one plain-text message; returns False when email is not configured."""
    config = current_app.config
    if not mail_enabled():
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True


def try_send_email(to: str, subject: str, body: str) -> bool:
    """Send one message; False, and a line in the log, when the mail server refuses. For
    links that are also shown on the page: what was saved must not be lost to a mail error."""
    try:
        return send_email(to, subject, body)
    except (smtplib.SMTPException, OSError):
        log.exception("Could not email %s", to)
        return False
