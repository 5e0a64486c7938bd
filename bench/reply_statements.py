"""The SQL one reply runs, end to end: a signed-in member's POST through the real routes, caught in-process.

    DATABASE_URL=... SECRET_KEY=... .venv/bin/python bench/reply_statements.py PSEUDONYM PASSWORD /boards/x/topics/1

`make bench` (bench/run.py) runs it on each database it measured, after the load test, with its poster. Every
statement SQLAlchemy sends during the POST is listed in order, the session's user load and the commit included.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def main() -> None:
    pseudonym, password, topic_path = sys.argv[1:4]
    app = create_app()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"csrf_token": _TOKEN.search(page).group(1), "pseudonym": pseudonym, "password": password}
    )
    page = client.get(topic_path).get_data(as_text=True)
    token = _TOKEN.search(page).group(1)
    with app.app_context():
        engine = db.engine
    caught: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        caught.append(" ".join(statement.split()))

    def record_commit(_conn):
        caught.append("COMMIT")

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", record_commit)
    try:
        answer = client.post(
            f"{topic_path}/reply", data={"csrf_token": token, "body": "Thank you, this helps.", "content_note": ""}
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", record_commit)
    if answer.status_code != 302:
        sys.exit(f"the reply was refused ({answer.status_code})")
    commits = caught.count("COMMIT")
    print(f"{engine.dialect.name}: one reply runs {len(caught) - commits} statements in {commits} transactions")
    number = 0
    while number < len(caught):
        same = 1
        while number + same < len(caught) and caught[number + same] == caught[number]:
            same += 1
        times = f" (x{same}, one per row)" if same > 1 else ""
        print(f"  {number + 1:2}. {caught[number][:120]}{times}")
        number += same


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
