"""The vote burst benchmark, run small on the test database: every vote of a burst is stored
once, nothing is lost or doubled, nobody is shown an error, and the count at the close equals
what was cast (pseudo-anonymous: counted from the sealed ballots once opened)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import new_database

ROOT = Path(__file__).resolve().parents[2]


def test_a_burst_of_votes_within_one_second_loses_nothing():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env.pop("DATABASE_URL", None)
    if os.environ.get("TEST_DATABASE_URL"):
        env["DATABASE_URL"] = new_database("burst")
    result = subprocess.run(  # noqa: S603 - our own benchmark
        [
            sys.executable,
            str(ROOT / "bench" / "vote_burst.py"),
            *("--members", "60", "--workers", "2", "--secret", "--json"),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    burst = json.loads(result.stdout.strip().splitlines()[-1])
    assert burst["sign_in_failures"] == 0
    assert burst["stored"] == 60 and burst["duplicates"] == 0
    assert burst["tally"] == burst["intended"]
    assert burst["errors_http"] == 0
    assert burst["shown"] == {"voted": 60, "already_voted": 6}
