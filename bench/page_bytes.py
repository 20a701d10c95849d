"""Bytes on the wire for a few pages of a running Consulta, as they are and compressed, and what
compressing each costs the app (p50 of the compressor alone, at the app's settings).

Start the demo first (`make run`, or gunicorn on a scratch instance), then:

    .venv/bin/python bench/page_bytes.py http://127.0.0.1:5000
    .venv/bin/python bench/page_bytes.py http://127.0.0.1:5000 /councils/demo-city/calendar.ics
"""

import gzip
import re
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402 - after the project's folder is on the path

PAGES = ["/", "/councils/demo-city", "/councils/demo-city/proposals"]
RUNS = 200


def fetch(url: str, encoding: str) -> tuple[bytes, str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - a URL given
        return response.read(), response.headers.get("Content-Encoding", "")


def p50_ms(squeeze, data: bytes) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        squeeze(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(base: str, extra: list[str]) -> None:
    meetings, _ = fetch(base + "/councils/demo-city/meetings", "identity")
    meeting = re.search(rb'href="(/councils/demo-city/meetings/\d+)"', meetings)
    pages = PAGES + ([meeting.group(1).decode()] if meeting else []) + extra
    home, _ = fetch(base + "/", "identity")
    pages += [link.decode() for link in re.findall(rb'(?:href|src)="(/static/[^"]+)"', home)]
    print("| page | as it is | gzip | brotli | gzip p50 ms | brotli p50 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in pages:
        plain, _ = fetch(base + path, "identity")
        gzipped, gzip_used = fetch(base + path, "gzip")
        squeezed, brotli_used = fetch(base + path, "br")
        assert (gzip_used, brotli_used) == ("gzip", "br"), path
        gzip_cost = p50_ms(lambda data: gzip.compress(data, Config.COMPRESS_LEVEL), plain)
        brotli_cost = p50_ms(
            lambda data: brotli.compress(data, quality=Config.COMPRESS_BR_LEVEL), plain
        )
        print(
            f"| `{path}` | {len(plain):,} | {len(gzipped):,} | {len(squeezed):,} "
            f"| {gzip_cost:.2f} | {brotli_cost:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5000", sys.argv[2:])
