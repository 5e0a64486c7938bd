"""A worker's cold start: a fresh interpreter builds the app and answers its first page.

    DATABASE_URL=... SECRET_KEY=... .venv/bin/python bench/cold_start.py / /boards/x /boards/x/topics/1

Does what a gunicorn worker does after it is spawned (import wsgi, which calls create_app), then asks for each
path in turn through the app itself, as a guest. Prints two numbers: the seconds from this process's start to the
first page's 200 (interpreter start-up included, read from /proc), and the resident memory (VmRSS, MB) after every
path has been answered once. `make bench` (bench/run.py) runs it three times and keeps the median.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_age() -> float:
    """Seconds since this process started (field 22 of /proc/self/stat, in clock ticks since boot)."""
    started = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / _CLOCK_TICKS
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    paths = sys.argv[1:] or ["/"]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from wsgi import app

    client = app.test_client()
    first = client.get(paths[0])
    elapsed = _process_age()
    if first.status_code != 200:
        sys.exit(f"{paths[0]} answered {first.status_code}")
    for path in paths[1:]:
        answer = client.get(path)
        if answer.status_code != 200:
            sys.exit(f"{path} answered {answer.status_code}")
    print(f"{elapsed:.3f} {_rss_mb():.1f}")


if __name__ == "__main__":
    main()
