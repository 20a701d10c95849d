"""Pictures of two demo flyers for the docs: docs/screenshots/flyer-ar-a4.png and
flyer-uk-a5.png, the first page of each PDF drawn by pdftoppm (Debian's poppler-utils).

    .venv/bin/python scripts/flyer_screenshots.py

Works on a throwaway instance with the demo data; the meeting on the flyer is the demo's
next one, so the dates are those of the day it runs. The address printed on them comes from
CONSULTA_BASE_URL (https://consulta.demo-city.example unless set)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "docs" / "screenshots"
FLYERS = [("ar", "a4"), ("uk", "a5")]
#: Dots per inch: both pictures about 900 pixels high.
RESOLUTION = {"a4": 80, "a5": 110}


def main() -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm is missing: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CONSULTA_INSTANCE"] = folder
        os.environ.setdefault("CONSULTA_BASE_URL", "https://consulta.demo-city.example")
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(  # noqa: S603 - our own commands
                [*flask, *command], cwd=ROOT, check=True, capture_output=True
            )
        sys.path.insert(0, str(ROOT))
        from app import create_app

        app = create_app()
        client = app.test_client()
        for language, size in FLYERS:
            response = client.get(f"/councils/demo-city/flyers/{language}/{size}.pdf")
            assert response.status_code == 200, response.status_code
            pdf = Path(folder) / f"flyer-{language}-{size}.pdf"
            pdf.write_bytes(response.data)
            target = SHOTS / f"flyer-{language}-{size}"
            subprocess.run(  # noqa: S603 - a fixed command on a file made here
                [pdftoppm, "-png", "-singlefile", "-r", str(RESOLUTION[size]), pdf, target],
                check=True,
            )
            print(f"{target}.png")


if __name__ == "__main__":
    main()
