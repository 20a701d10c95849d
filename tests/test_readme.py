"""The README's install commands work as written on a real install, and `make run` can serve
without the demo: a reader copies them as they are."""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_lines() -> list[str]:
    blocks = re.findall(r"```(?:sh|bash|console)\n(.*?)```", README, re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_flask_commands_use_the_projects_own_python():
    """A bare `flask` is not on the PATH of a checkout set up with `make`."""
    mentioned = re.findall(r"(\S*)flask --app", README)
    assert mentioned, "the README names no flask command"
    assert set(mentioned) <= {".venv/bin/", "`.venv/bin/"}, mentioned
    assert not [line for line in shell_lines() if line.startswith("flask ")]


def test_a_real_council_starts_without_the_demo_and_the_readme_says_how_to_remove_it():
    assert any(line.startswith("DEMO=0 make run") for line in shell_lines())
    assert "instance/consulta.db" in README  # deleting it removes the demo


def make_run(*variables: str) -> str:
    """The commands `make run` would run (`make -n` prints them without running any)."""
    done = subprocess.run(  # noqa: S603 - a fixed command, no outside input
        [shutil.which("make") or "make", "-n", "run", *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_make_run_adds_the_demo_only_when_asked():
    assert "seed-demo --if-empty" in make_run()
    without = make_run("DEMO=0")
    assert "seed-demo" not in without
    assert "create-admin --if-none" in without
