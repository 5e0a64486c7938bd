from forum.crisis.services import seed_hotlines
from forum.extensions import db
from tests.crisis.test_services import CONCERN_TEXT, SAFE_TEXT, URGENT_TEXT
from tests.factories import make_board, make_topic, make_user


def _post_topic(client, board, body):
    return client.post(f"/boards/{board.slug}/topics/new", data={"title": "checking in", "body": body})


def test_crisis_post_shows_calm_support_panel_once(client, login, member):
    seed_hotlines()
    board = make_board()
    login(member)
    response = _post_topic(client, board, URGENT_TEXT)
    page = client.get(response.headers["Location"], follow_redirects=True).text
    assert "glad you reached out" in page
    assert 'href="tel:988"' in page and 'href="sms:741741?&amp;body=HOME"' in page
    assert "More options" in page
    for alarming in ("flagged", "violat", "warning", "emergency detected"):
        assert alarming not in page.lower().split("more options")[0]
    assert "Waiting for a moderator" in page  # the author still sees their held post
    assert URGENT_TEXT.split(",")[0] in page.replace("&#39;", "'")
    assert "glad you reached out" not in client.get("/").text


def test_concern_post_is_published_and_shows_panel(client, login, member, other_member):
    seed_hotlines()
    topic = make_topic()
    login(member)
    response = client.post(f"/boards/{topic.board.slug}/topics/{topic.id}/reply", data={"body": CONCERN_TEXT})
    assert "glad you reached out" in client.get(response.headers["Location"], follow_redirects=True).text
    client.post("/logout")
    login(other_member)
    assert "want to die lately" in client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text


def test_held_post_is_invisible_to_others(client, login, member, other_member):
    board = make_board()
    login(member)
    _post_topic(client, board, URGENT_TEXT)
    client.post("/logout")
    assert "checking in" not in client.get(f"/boards/{board.slug}").text
    login(other_member)
    assert "checking in" not in client.get(f"/boards/{board.slug}").text


def test_safe_post_shows_no_panel(client, login, member):
    seed_hotlines()
    login(member)
    response = _post_topic(client, make_board(), SAFE_TEXT)
    assert "glad you reached out" not in client.get(response.headers["Location"], follow_redirects=True).text


def test_get_help_page_for_guests_and_by_region(client, login, app):
    seed_hotlines()
    page = client.get("/help").text
    assert 'href="tel:988"' in page and "Samaritans" in page.split("More options")[1]
    uk = make_user("londoner", region="UK")
    login(uk)
    page = client.get("/help").text
    assert 'href="tel:116123"' in page.split("More options")[0]


def test_member_sets_region(client, login, member):
    login(member)
    client.post("/account/region", data={"region-region": "UK"})
    assert db.session.get(type(member), member.id).region == "UK"


def test_only_admins_manage_hotlines(client, login, member, moderator, admin):
    seed_hotlines()
    assert client.get("/admin/hotlines").status_code == 302
    login(member)
    assert client.get("/admin/hotlines").status_code == 403
    client.post("/logout")
    login(moderator)
    assert client.get("/admin/hotlines").status_code == 403
    client.post("/logout")
    login(admin)
    assert "Samaritans" in client.get("/admin/hotlines").text
    response = client.post(
        "/admin/hotlines/new", data={"region": "UK", "name": "Test line", "phone": "", "sms_number": "", "url": ""}
    )
    assert (
        response.status_code == 200 and "Give a phone number" in response.text and 'value="Test line"' in response.text
    )
    response = client.post(
        "/admin/hotlines/new", data={"region": "UK", "name": "Test line", "phone": "0800 000 000", "position": "9"}
    )
    assert response.status_code == 302


def test_moderators_export_feedback(client, login, moderator, member):
    login(moderator)
    response = client.get("/moderation/crisis-feedback.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    client.post("/logout")
    login(member)
    assert client.get("/moderation/crisis-feedback.jsonl").status_code == 403


def test_moderator_flags_missed_post_and_gives_verdicts(client, login, moderator, member):
    from forum.crisis.models import CrisisFlag
    from forum.moderation.models import QueueItem
    from tests.factories import make_post

    post = make_post(author=member, body="sorting out who gets my dog after this weekend")
    login(moderator)
    assert "Flag for crisis support" in client.get(f"/posts/{post.id}", follow_redirects=True).text
    response = client.post(f"/posts/{post.id}/flag-missed", data={"level": "urgent", "note": ""})
    assert response.status_code == 200 and "This field is required" in response.text
    response = client.post(f"/posts/{post.id}/flag-missed", data={"level": "urgent", "note": "giving away a pet"})
    assert response.status_code == 302
    item = db.session.scalar(db.select(QueueItem))
    flag = db.session.scalar(db.select(CrisisFlag))
    assert flag.feedback == "missed" and item.post_id == post.id
    assert "giving away a pet" in client.get(f"/moderation/items/{item.id}").text
    client.post(f"/moderation/flags/{flag.id}/feedback", data={"verdict": "confirmed"})
    assert db.session.get(CrisisFlag, flag.id).feedback == "confirmed"
    client.post("/logout")
    login(member)
    assert client.post(f"/posts/{post.id}/flag-missed", data={"level": "urgent", "note": "x"}).status_code == 403
    assert client.post(f"/moderation/flags/{flag.id}/feedback", data={"verdict": "false_alarm"}).status_code == 403


def test_after_a_risky_post_the_redirect_lands_on_the_panel_heading(client, login, member):
    seed_hotlines()
    login(member)
    response = _post_topic(client, make_board(), URGENT_TEXT)
    landing = client.get(response.headers["Location"])
    assert landing.status_code == 302 and landing.headers["Location"].endswith("#support")
    page = client.get(landing.headers["Location"]).text
    assert '<h2 id="support" tabindex="-1">' in page
    # An urgent post: the emergency number is unfolded, before "More options".
    assert 'href="tel:911"' in page.split("More options")[0]
    assert "a moderator will look at it soon" in page.split("More options")[0]


def test_a_concern_post_keeps_the_emergency_number_folded_and_a_safe_post_lands_on_itself(client, login, member):
    seed_hotlines()
    topic = make_topic()
    login(member)
    response = client.post(f"/boards/{topic.board.slug}/topics/{topic.id}/reply", data={"body": CONCERN_TEXT})
    landing = client.get(response.headers["Location"])
    page = client.get(landing.headers["Location"]).text
    assert 'href="tel:911"' in page.split("More options")[1]
    assert 'href="tel:911"' not in page.split("More options")[0]
    response = client.post(f"/boards/{topic.board.slug}/topics/{topic.id}/reply", data={"body": SAFE_TEXT})
    assert "#post-" in client.get(response.headers["Location"]).headers["Location"]


def test_a_guest_chooses_a_region_on_help_and_it_is_remembered(client):
    seed_hotlines()
    page = client.get("/help?region=UK")
    assert 'href="tel:116123"' in page.text.split("More options")[0]
    cookie = client.get_cookie("region")
    assert cookie is not None and cookie.value == "UK" and cookie.http_only
    assert 'href="tel:116123"' in client.get("/help").text.split("More options")[0]
    page = client.get("/help?region=OTHER").text.split("More options")[0]
    assert "findahelpline.com" in page and 'href="tel:988"' in page and 'href="tel:131114"' in page
    assert client.get("/help?region=nowhere").status_code == 200
    assert client.get_cookie("region").value == "OTHER"


def test_the_panel_offers_the_region_choice_and_saving_a_region_on_the_account_wins_again(client, login, member):
    seed_hotlines()
    login(member)
    response = _post_topic(client, make_board(), URGENT_TEXT)
    page = client.get(response.headers["Location"], follow_redirects=True).text
    panel = page.split('<section class="support-panel"')[1].split("</section>")[0]
    assert 'href="/help?region=UK"' in panel and 'href="/help?region=OTHER"' in panel
    client.get("/help?region=UK")
    assert 'href="tel:116123"' in client.get("/help").text.split("More options")[0]
    client.post("/account/region", data={"region-region": "US"})
    assert client.get_cookie("region") is None
    assert 'href="tel:988"' in client.get("/help").text.split("More options")[0]


def test_moderator_reads_in_plain_words_what_the_model_raised_or_lowered(client, login, member, moderator):
    from forum.crisis.models import CrisisFlag
    from forum.moderation.models import QueueItem

    board = make_board()
    login(member)
    # The rules rate this urgent (an intent to jump); the model reads the joke and lowers it to concern.
    lowered = "i'm gonna jump off a bridge if my wifi drops during the zoom meeting one more time. kidding kidding"
    _post_topic(client, board, lowered)
    # The rules rate this concern (a wish not to wake up); the model reads means and a time, and raises it.
    _post_topic(client, board, "i keep wishing i wouldnt wake up. the house is empty tonight and i have what i need")
    client.post("/logout")
    login(moderator)
    items = db.session.scalars(db.select(QueueItem).order_by(QueueItem.id)).all()
    assert len(items) == 2
    assert [f.level for f in db.session.scalars(db.select(CrisisFlag).order_by(CrisisFlag.id))] == ["concern", "urgent"]
    page = client.get(f"/moderation/items/{items[0].id}").text.replace("&#34;", '"').replace("&#39;", "'")
    assert "Urgent by the phrases, lowered to concern: suicide plan or intent" in page
    assert '"gonna jump"' in page and "the model read it as safe (false-alarm score" in page
    assert "strongest signals" in page and '"one more"' in page
    page = client.get(f"/moderation/items/{items[1].id}").text.replace("&#34;", '"').replace("&#39;", "'")
    assert "Urgent: thoughts of dying or not wanting to exist" in page
    assert "the model also read it as needing a moderator at once (urgent score" in page
    assert "strongest signals" in page
