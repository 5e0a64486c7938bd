import pytest
from flask import g

from forum.accounts.models import User
from forum.extensions import db
from tests.factories import PASSWORD, make_user


def _register(client, **overrides):
    data = {"pseudonym": "quiet_fox", "password": "a long unusual passphrase", "agree": "y"} | overrides
    return client.post("/register", data=data)


def test_registration_page_shows_guidelines_and_labelled_fields(client):
    page = client.get("/register").text
    assert "not therapy or medical advice" in page
    assert "No buying, selling or sourcing substances" in page
    assert '<label for="pseudonym">Pseudonym</label>' in page
    assert '<label for="password">Password</label>' in page
    assert "email" in page.lower()


def test_register_shows_recovery_codes_once_and_signs_in(client, app):
    response = _register(client)
    assert response.status_code == 200
    assert "Save them somewhere safe" in response.text
    assert response.text.count("<code>") == 8
    assert "quiet_fox" in client.get("/").text
    assert db.session.scalar(db.select(User).where(User.pseudonym_key == "quiet_fox"))


def test_register_without_agreeing_keeps_the_pseudonym(client):
    response = _register(client, agree="")
    assert response.status_code == 200
    assert "agree to the community guidelines" in response.text
    assert 'value="quiet_fox"' in response.text


def test_register_with_email_as_pseudonym_explains_why(client):
    response = _register(client, pseudonym="me@example.com")
    assert "looks like an email address" in response.text


def test_login_and_logout_by_post(client, member):
    response = client.post("/login", data={"pseudonym": "RIVER", "password": PASSWORD})
    assert response.status_code == 302
    assert "river" in client.get("/").text
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert "Sign in" in client.get("/").text


def test_wrong_password_gives_generic_message(client, member):
    response = client.post("/login", data={"pseudonym": "river", "password": "wrong password!"})
    assert "don&#39;t match" in response.text
    assert 'value="river"' in response.text


def test_remember_me_sets_a_remember_cookie(client, member):
    client.post("/login", data={"pseudonym": "river", "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_login_next_only_goes_to_local_paths(client, member):
    response = client.post("/login?next=//evil.example/x", data={"pseudonym": "river", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_change_password_route(client, login, member):
    login(member)
    response = client.post(
        "/account/password", data={"pw-current_password": PASSWORD, "pw-new_password": "fresh long passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_change_password_with_wrong_current_password_is_refused(client, login, member):
    login(member)
    response = client.post(
        "/account/password", data={"pw-current_password": "nope nope nope", "pw-new_password": "fresh long passphrase"}
    )
    assert response.status_code == 400
    assert "current password" in response.text


def test_recover_with_code_and_regenerate(client):
    page = _register(client).text
    codes = [line.split("<code>")[1].split("</code>")[0] for line in page.splitlines() if "<code>" in line]
    client.post("/logout")
    response = client.post(
        "/recover", data={"pseudonym": "quiet_fox", "code": codes[0], "new_password": "new long passphrase"}
    )
    assert response.status_code == 302
    assert "7 recovery codes left" in client.get("/account").text or "7 unused" in client.get("/account").text
    regenerated = client.post("/account/recovery-codes")
    assert regenerated.text.count("<code>") == 8


def test_account_pages_need_sign_in(client):
    assert client.get("/account").status_code == 302


def test_banned_member_cannot_sign_in(client):
    make_user("gone", is_banned=True)
    response = client.post("/login", data={"pseudonym": "gone", "password": PASSWORD})
    assert response.status_code == 200
    assert "closed" in response.text


@pytest.mark.parametrize(
    "next_value",
    [
        "//evil.example/x",
        "/\t/evil.example",
        "/\n/evil.example",
        "\r//evil.example",
        "/\\/evil.example",
        " //evil.example",
        "/\t\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\x01x",
        "/\x7f",
        "",
    ],
)
def test_login_next_never_leaves_the_site(client, member, next_value):
    response = client.post(
        "/login", query_string={"next": next_value}, data={"pseudonym": "river", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_next_from_the_red_team_report_stays_home(client, member):
    for query in ("next=%2F%09%2Fevil.example", "next=%2F%0A%2Fx"):
        response = client.post(f"/login?{query}", data={"pseudonym": "river", "password": PASSWORD})
        assert response.headers["Location"] == "/"
        client.post("/logout")


def test_login_next_keeps_a_local_path_as_the_browser_reads_it(client, member):
    response = client.post(
        "/login", query_string={"next": "/boards/\tcalm?page=2"}, data={"pseudonym": "river", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/boards/calm?page=2"


def test_cookies_replayed_after_sign_out_no_longer_sign_in(app, member):
    browser = app.test_client()
    browser.post("/login", data={"pseudonym": "river", "password": PASSWORD, "remember": "y"})
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie("remember_token").value
    g.pop("_login_user", None)
    assert browser.get("/account").status_code == 200
    browser.post("/logout")
    for cookies in ({"session": session_cookie}, {"remember_token": remember_cookie}):
        thief = app.test_client()
        for name, value in cookies.items():
            thief.set_cookie(name, value)
        g.pop("_login_user", None)  # the tests' app context outlives requests; a server's doesn't
        assert thief.get("/account").status_code == 302, cookies


def test_signing_out_ends_the_sessions_on_other_devices_too(app, member):
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        g.pop("_login_user", None)
        device.post("/login", data={"pseudonym": "river", "password": PASSWORD})
    g.pop("_login_user", None)
    assert phone.get("/account").status_code == 200
    laptop.post("/logout")
    g.pop("_login_user", None)
    assert phone.get("/account").status_code == 302
