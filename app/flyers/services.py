"""What a flyer says: in which languages a council can print one, and its next meeting."""

from sqlalchemy import select

from app.councils.models import Council
from app.database import utcnow
from app.extensions import db
from app.i18n import UI_LOCALES
from app.meetings.models import Meeting, MeetingState

#: Paper sizes, as named in the URL and the file name.
SIZES = ("a4", "a5")


def flyer_languages(council: Council) -> list[str]:
    """The council's languages that the interface speaks: a flyer's every word but the
    council's own texts comes from the interface's translations."""
    return [code for code in council.languages if code in UI_LOCALES]


def next_public_meeting(council: Council) -> Meeting | None:
    """The next meeting people can still come to from when they read the flyer: published
    and not begun (one under way, or cancelled, is no invitation)."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.state == MeetingState.published,
            Meeting.starts_at > utcnow(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
