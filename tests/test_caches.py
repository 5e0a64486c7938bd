"""Member text kept in memory is bounded by bytes, and leaves it when the post is edited or erased."""

from __future__ import annotations

from forum import caches
from forum.accounts.privacy import REMOVE_POSTS, delete_account
from forum.boards import services as boards
from forum.text import render_markdown
from tests.factories import PASSWORD, make_post, make_user


def test_the_cache_stays_under_its_byte_bound_dropping_the_oldest():
    lru = caches.BytesLRU(max_bytes=100)
    for n in range(10):
        lru.get_or_make(f"text {n}", lambda text: text.upper() + "!" * 10)
    assert lru.bytes <= 100
    assert "text 9" in lru and "text 0" not in lru


def test_a_text_larger_than_the_bound_is_rendered_but_not_kept():
    lru = caches.BytesLRU(max_bytes=10)
    assert lru.get_or_make("a long post body", str.upper) == "A LONG POST BODY"
    assert len(lru) == 0 and lru.bytes == 0


def test_editing_a_post_forgets_its_old_rendering(app, member):
    post = make_post(author=member, body="Words I **regret**.")
    render_markdown(post.body)
    assert "Words I **regret**." in caches.markdown
    boards.edit_post(post, member, body="Better words.")
    assert "Words I **regret**." not in caches.markdown


def test_erasing_an_account_drops_its_posts_from_memory(app):
    writer = make_user("leaving")
    post = make_post(author=writer, body="Something private about me.")
    render_markdown(post.body)
    delete_account(writer, password=PASSWORD, posts=REMOVE_POSTS)
    assert "Something private about me." not in caches.markdown
