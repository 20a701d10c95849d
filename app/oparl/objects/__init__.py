"""Records as OParl 1.1 objects (https://schema.oparl.org/1.1/), one module per part of the
record.

Ids are URLs built from ``CONSULTA_BASE_URL`` (``external_url``), never from the request.
OParl strings have one language: each text field holds the original, and
``consulta:translations`` holds every version; votes and hands counted on an agenda item are
``consulta:voteEvents``, shaped like Popolo's VoteEvent (docs/oparl.md).
"""

from app.oparl.objects.common import url
from app.oparl.objects.council import body, membership, organization, person, system
from app.oparl.objects.meetings import (
    agenda_item,
    document_file,
    location,
    meeting,
    minutes_file,
)
from app.oparl.objects.papers import consultation, paper

__all__ = [
    "agenda_item",
    "body",
    "consultation",
    "document_file",
    "location",
    "meeting",
    "membership",
    "minutes_file",
    "organization",
    "paper",
    "person",
    "system",
    "url",
]
