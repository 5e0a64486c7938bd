"""Every query behind the index, board and topic pages finds its rows through an index."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import event, text

from forum.extensions import db
from tests.factories import make_board, make_post, make_topic, make_user


def _plans(client, url: str) -> list[str]:
    caught: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, *_rest):
        if statement.lstrip().upper().startswith("SELECT"):
            caught.append((statement, parameters))

    db.session.expunge_all()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    with db.engine.connect() as conn:
        return [
            row[-1]
            for statement, parameters in caught
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]


def test_page_queries_never_scan_posts_topics_or_members(app, client):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; make bench prints the plans")
    board = make_board()
    topic = make_topic(board)
    for i in range(25):
        make_post(topic, author=make_user(), anonymous=i % 3 == 0)
    for _ in range(5):
        make_topic(board)
    for url in ("/", f"/boards/{board.slug}", f"/boards/{board.slug}/topics/{topic.id}"):
        details = _plans(client, url)
        assert details, url
        scans = [d for d in details if re.match(r"SCAN (post|topic|user)\b", d)]
        assert not scans, (url, scans)
    # The visible-row counts read the listing indexes alone, however long the thread.
    details = _plans(client, f"/boards/{board.slug}/topics/{topic.id}") + _plans(client, f"/boards/{board.slug}")
    assert "SEARCH post USING COVERING INDEX ix_post_topic_listing (topic_id=?)" in details
    # (A board's visible topics are counted through ix_topic_board_newest, which holds status
    # before id, so the count reads only the visible rows' index entries.)
    assert "SEARCH topic USING COVERING INDEX ix_topic_board_newest (board_id=? AND status=?)" in details


def test_feed_queries_read_topics_and_posts_in_order_through_indexes(app, client):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; make bench prints the plans")
    board = make_board()
    topic = make_topic(board)
    for _ in range(5):
        make_post(topic, author=make_user())
        make_topic(board)
    for url in ("/latest.atom", f"/boards/{board.slug}/feed.atom", f"/boards/{board.slug}/topics/{topic.id}/feed.atom"):
        details = _plans(client, url)
        assert details, url
        # No sort of a board's or a thread's rows: each feed reads its newest rows in index order
        # and stops after twenty. (The forum-wide feed walks topic ids backwards: "SCAN topic"
        # with no sort, as the primary key is the order it wants.)
        sorts = [d for d in details if "TEMP B-TREE" in d]
        assert not sorts, (url, sorts)
        scans = [d for d in details if re.match(r"SCAN (post|user|board)\b", d)]
        assert not scans, (url, scans)
    board_feed = _plans(client, f"/boards/{board.slug}/feed.atom")
    assert "SEARCH topic USING COVERING INDEX ix_topic_board_newest (board_id=? AND status=?)" in board_feed


def test_search_queries_find_posts_and_topics_by_key_and_count_with_a_bound(app, client):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; bench/search_plans.py prints both engines' plans")
    board = make_board()
    for i in range(5):
        topic = make_topic(board, title=f"Needle {i}", body="needle in the opening post")
        make_post(topic, body="another needle")
    caught: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        caught.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        details = _plans(client, "/search?q=needle")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    scans = [d for d in details if re.match(r"SCAN (post|topic|user|board)\b", d)]
    assert not scans, scans
    # Posts and topics behind the hits are found by primary key, never walked.
    assert "SEARCH post USING INTEGER PRIMARY KEY (rowid=?)" in details
    assert "SEARCH topic USING INTEGER PRIMARY KEY (rowid=?)" in details
    # The count stops one past the window instead of counting every readable hit.
    counts = [s for s in caught if "count(" in s and "post_fts" in s]
    assert counts and all(re.search(r"LIMIT \?( OFFSET \?)?\)\s*AS anon_1", s) for s in counts), counts


def test_search_count_looks_up_each_hit_on_postgresql(app, client, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("reads PostgreSQL's EXPLAIN; the SQLite plans are checked above")
    from forum.demo import seed_demo
    from forum.search import services

    seed_demo(20, 1000, 5000, seed=1)
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    monkeypatch.setattr(services, "WINDOW", 50)
    caught: list[tuple[str, dict]] = []

    def record(_conn, _cursor, statement, parameters, *_rest):
        if statement.lstrip().startswith("SELECT count("):
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/search?q=feel").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(caught) == 1
    with db.engine.connect() as conn:
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN (COSTS OFF) " + caught[0][0], caught[0][1]))
    # Each hit's post and topic are looked up by primary key: no sequential scan of topic and no
    # walk over every visible post's index entry (which a join with the hits chose).
    assert re.search(r"Index Scan using pk_post on post \w+\n\s+Index Cond: \(id = hits.post_id\)", plan), plan
    assert "Index Scan using pk_topic on topic" in plan, plan
    assert "Seq Scan on topic" not in plan, plan
    assert not re.search(r"ix_post_topic_listing on post\s*\n\s*Index Cond: \(status", plan), plan


def test_a_members_board_and_topic_pages_never_scan_either(app, client, login, member):
    """The read state (forum/boards/reading.py) joins by key, and its counts walk one topic's posts by index."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN; make bench prints the plans")
    board = make_board()
    topics = [make_topic(board) for _ in range(5)]
    login(member)
    for topic in topics:
        client.get(f"/boards/{board.slug}/topics/{topic.id}")
        make_post(topic, author=make_user())
    for url in (f"/boards/{board.slug}", f"/boards/{board.slug}/topics/{topics[0].id}"):
        # _plans empties the session: flask-login loads the member again, as a new request would.
        g.pop("_login_user", None)
        details = _plans(client, url)
        scans = [d for d in details if re.match(r"SCAN (post|topic|user|topic_read)\b", d)]
        assert not scans, (url, scans)
    g.pop("_login_user", None)
    details = _plans(client, f"/boards/{board.slug}")
    assert any(re.match(r"SEARCH topic_read USING (COVERING )?INDEX", d) for d in details), details
