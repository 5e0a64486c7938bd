"""The concurrency test, longer: members post to a live gunicorn server, then the data is checked.

.venv/bin/python bench/soak.py --members 100 --seconds 120 --workers 4
TEST_DATABASE_URL=postgresql://... .venv/bin/python bench/soak.py   # against PostgreSQL (tables dropped after)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.security import test_concurrency as load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    load.MEMBERS, load.SECONDS, load.WORKERS = args.members, args.seconds, args.workers
    with tempfile.TemporaryDirectory() as tmp:
        url, shared = load._database(Path(tmp))
        port = load._free_port()
        server = load._serve(url, port)
        try:
            topics = load._seed(url)
            results, errors = [], []
            start = threading.Barrier(args.members)
            members = [
                load.Member(f"http://127.0.0.1:{port}", i, topics, start, results, errors) for i in range(args.members)
            ]
            for member in members:
                member.start()
            for member in members:
                member.join()
        finally:
            server.terminate()
            server.communicate(timeout=30)
        try:
            statuses = Counter(s for _, s in results)
            print(
                f"requests: {len(results)} in {args.seconds}s, {len(results) / args.seconds:.1f}/s; statuses {dict(statuses)}"
            )
            print(f"client errors: {len(errors)}", *errors[:5], sep="\n  ")
            load._check_consistency(url, [m for m, s in results if s == 302])
            print("consistency: every accepted post stored once; topic and board counts agree")
        finally:
            if shared:
                load._drop_everything(url)


if __name__ == "__main__":
    main()
