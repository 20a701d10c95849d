"""Demo data: a council with accounts for every role, password ``consulta-demo``.

``data`` holds the content (people, texts, meetings, proposals); ``seed`` creates it through
the domain services, each step by the person who would take it, so the demo's records have
an audit trail like real ones.
"""

from app.demo.data import DEMO_PASSWORD, DEMO_PEOPLE
from app.demo.seed import demo_council, seed_demo

__all__ = ["DEMO_PASSWORD", "DEMO_PEOPLE", "demo_council", "seed_demo"]
