"""What importing and loading the crisis detector costs a process: `python bench/crisis_load.py [--root DIR]`.

Each figure comes from a fresh interpreter: the time to import forum.crisis.detector, the time to load it (lexicon
compiled, model read) and rate a first post, the resident memory that adds (peak and after), and the Python
allocations' peak under tracemalloc (a separate run: tracing slows it down many times). ``--root`` measures another
checkout, such as an export of main, the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, resource, sys, time, tracemalloc
def rss_mb():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 1e6
trace = sys.argv[1] == "trace"
if trace:
    tracemalloc.start()
rss0, peak0 = rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
t0, c0 = time.perf_counter(), time.process_time()
import forum.crisis.detector as detector
t1, c1 = time.perf_counter(), time.process_time()
rss1 = rss_mb()
if hasattr(detector, "load"):
    detector.load()
detector.assess("i want to end it tonight")
t2, c2 = time.perf_counter(), time.process_time()
out = {"import_s": t1 - t0, "import_cpu_s": c1 - c0, "load_s": t2 - t1, "load_cpu_s": c2 - c1,
       "import_rss_mb": rss1 - rss0, "load_rss_mb": rss_mb() - rss1,
       "rss_peak_added_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3 - peak0}
if trace:
    out = {"traced_now_mb": tracemalloc.get_traced_memory()[0] / 1e6, "traced_peak_mb": tracemalloc.get_traced_memory()[1] / 1e6}
print(json.dumps(out))
"""


def measure(root: Path, mode: str) -> dict[str, float]:
    """One fresh interpreter's figures for the checkout at ``root``."""
    run = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", _PROBE, mode], cwd=root, capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout.splitlines()[-1])


def main(argv: list[str]) -> None:
    root = Path(argv[argv.index("--root") + 1]) if "--root" in argv else ROOT
    runs = [measure(root, "plain") for _ in range(3)]
    best = {k: min(r[k] for r in runs) for k in runs[0]}
    best.update(measure(root, "trace"))
    print(f"crisis detector in {root}")
    print(f"  import: {best['import_s']:.3f} s (CPU {best['import_cpu_s']:.3f} s)")
    print(f"  load + first post: {best['load_s']:.2f} s (CPU {best['load_cpu_s']:.2f} s)")
    print(f"  resident memory added: import {best['import_rss_mb']:.0f} MB (forum package and Flask included),")
    print(f"    load {best['load_rss_mb']:.0f} MB; process peak {best['rss_peak_added_mb']:.0f} MB above start")
    print(
        f"  Python allocations (tracemalloc): {best['traced_now_mb']:.0f} MB kept, peak {best['traced_peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
