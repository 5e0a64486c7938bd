"""The command-line groups, run through Flask's CLI runner."""

from forum.accounts.models import User
from forum.boards.models import Board
from forum.extensions import db


def test_users_create_reads_password_from_stdin(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "sage", "--role", "moderator"], input="a long cli passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Recovery codes" in result.output
    user = db.session.scalar(db.select(User).where(User.pseudonym_key == "sage"))
    assert user.role == "moderator"
    from forum.accounts.services import authenticate

    assert authenticate("sage", "a long cli passphrase") == user


def test_users_create_refuses_weak_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "sage"], input="password\n")
    assert result.exit_code != 0 and "at least 10" in result.output


def test_users_set_role(app, member):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "set-role", "RIVER", "facilitator"]).exit_code == 0
    assert db.session.get(User, member.id).role == "facilitator"
    result = runner.invoke(args=["users", "set-role", "nobody", "admin"])
    assert result.exit_code != 0 and "No user" in result.output
    assert runner.invoke(args=["users", "set-role", "river", "emperor"]).exit_code != 0


def test_seed_and_board_commands(app):
    runner = app.test_cli_runner()
    assert "Boards added: 7" in runner.invoke(args=["seed"]).output
    assert "Boards added: 0; crisis lines added: 0" in runner.invoke(args=["seed"]).output
    assert runner.invoke(args=["boards", "add", "Sleep", "--description", "Rest."]).exit_code == 0
    assert runner.invoke(args=["boards", "add", "Sleep"]).exit_code != 0
    assert runner.invoke(args=["boards", "rename", "sleep", "Sleep & rest"]).exit_code == 0
    assert runner.invoke(args=["boards", "rename", "nope", "X"]).exit_code != 0
    assert runner.invoke(args=["boards", "reorder", "sleep"]).exit_code == 0
    listing = runner.invoke(args=["boards", "list"]).output.splitlines()
    assert "Sleep & rest" in listing[0]
    assert db.session.scalar(db.select(Board).where(Board.slug == "sleep")).position == 1


def test_app_refuses_to_start_without_a_secret_key():
    import pytest

    from forum import create_app
    from forum.config import DEV_SECRET_KEY, Config

    for key in ("", DEV_SECRET_KEY):
        with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
            create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, config_class=Config)
    app = create_app({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, config_class=Config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
