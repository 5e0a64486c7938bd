"""Command-line groups: thin wrappers around services."""

from __future__ import annotations

import logging
import sys
import time
from datetime import timedelta

import click
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from forum.accounts import services as account_services
from forum.accounts.models import utcnow
from forum.backup import backup_database
from forum.boards import counts as board_counts
from forum.boards import services as board_services
from forum.crisis.services import seed_hotlines
from forum.demo import seed_demo
from forum.errors import InvalidAction, NotFound
from forum.faults import close_session
from forum.meetings import reminders as meeting_reminders
from forum.meetings import services as meeting_services
from forum.permissions import Role
from forum.resources.services import seed_resources
from forum.worker import POLL_SECONDS, run_once

log = logging.getLogger(__name__)

# While the database is away, `alerts deliver --loop` waits this long, doubling up to the maximum:
# soon enough after a restart, without a busy loop through a long outage.
DATABASE_RETRY_FIRST_SECONDS = 1
DATABASE_RETRY_MAX_SECONDS = 30

users = click.Group("users", help="Create accounts and set roles.")
boards = click.Group("boards", help="Add, rename and reorder boards.")
alerts = click.Group("alerts", help="Deliver moderator alerts from the outbox.")
demo = click.Group("demo", help="Fill the database with demo content.")
check = click.Group("check", help="Verify (and repair) what the database keeps derived.")
meetings = click.Group("meetings", help="Facilitated meetings: erase ended rooms, send reminders.")


def _fail(error: InvalidAction) -> None:
    raise click.ClickException(error.message)


@users.command("create")
@click.argument("pseudonym")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
def create_user(pseudonym: str, role: str) -> None:
    """Create an account; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user, codes = account_services.create_user(pseudonym, password, Role(role))
    except InvalidAction as error:
        _fail(error)
    click.echo(f"Created {user.pseudonym} ({user.role}). Recovery codes, shown once:")
    for code in codes:
        click.echo(f"  {code}")


@users.command("set-role")
@click.argument("pseudonym")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(pseudonym: str, role: str) -> None:
    """Give an existing account a role."""
    try:
        user = account_services.set_role(pseudonym, Role(role))
    except InvalidAction as error:
        _fail(error)
    click.echo(f"{user.pseudonym} is now {user.role}.")


@boards.command("add")
@click.argument("name")
@click.option("--description", default="")
def add_board(name: str, description: str) -> None:
    """Add a board at the end of the list."""
    try:
        board = board_services.add_board(name, description)
    except InvalidAction as error:
        _fail(error)
    click.echo(f"Added {board.name} at /boards/{board.slug}.")


@boards.command("rename")
@click.argument("slug")
@click.argument("name")
@click.option("--description", default=None)
def rename_board(slug: str, name: str, description: str | None) -> None:
    """Rename a board; its address stays the same."""
    try:
        board_services.rename_board(slug, name, description)
    except NotFound:
        raise click.ClickException(f"No board with slug {slug}.") from None
    click.echo(f"Renamed {slug} to {name}.")


@boards.command("reorder")
@click.argument("slugs", nargs=-1, required=True)
def reorder_boards(slugs: tuple[str, ...]) -> None:
    """Put the named boards first, in this order."""
    try:
        board_services.reorder_boards(list(slugs))
    except InvalidAction as error:
        _fail(error)
    click.echo("Boards reordered.")


@boards.command("list")
def list_boards() -> None:
    """Show the boards in order."""
    for board in board_services.list_boards():
        click.echo(f"{board.position:3}  {board.slug:24} {board.name}")


@click.command("seed")
def seed() -> None:
    """Add the default boards, crisis lines and resources where missing; safe to run again."""
    click.echo(
        f"Boards added: {board_services.seed_default_boards()}; crisis lines added: {seed_hotlines()}; "
        f"resources added: {seed_resources()}."
    )


@alerts.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering every few seconds.")
def deliver(loop: bool) -> None:
    """Send alerts that are due (once, or in a loop that waits out a database outage)."""
    failures = 0
    while True:
        failure = None
        try:
            sent = run_once()
        except SQLAlchemyError as error:
            if not loop:
                raise
            failure = type(error).__name__
        finally:
            close_session()
        if failure is not None:
            failures += 1
            wait = min(DATABASE_RETRY_FIRST_SECONDS * 2 ** min(failures - 1, 10), DATABASE_RETRY_MAX_SECONDS)
            log.warning(
                "alert delivery: database unavailable (%s, %s in a row); retrying in %s s", failure, failures, wait
            )
            time.sleep(wait)
            continue
        if failures:
            log.warning("alert delivery: database back after %s failed attempts", failures)
            failures = 0
        if not loop:
            click.echo(f"Delivered {sent} alert(s).")
            return
        time.sleep(POLL_SECONDS)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path: str) -> None:
    """Copy the SQLite database to PATH while the forum runs (see docs/backup.md)."""
    try:
        target = backup_database(path)
    except InvalidAction as error:
        _fail(error)
    click.echo(f"Backed up the database to {target}; integrity check ok.")


@demo.command("seed")
@click.option("--members", default=200, show_default=True, help="Demo members to add.")
@click.option("--topics", default=500, show_default=True, help="Topics to add.")
@click.option("--posts", default=5_000, show_default=True, help="Posts to add, topics' first posts included.")
@click.option("--months", default=6, show_default=True, help="Spread the posts over this many months.")
@click.option("--seed", "random_seed", type=int, default=None, help="Random seed, for the same text every run.")
def demo_seed(members: int, topics: int, posts: int, months: int, random_seed: int | None) -> None:
    """Add demo members, topics and posts in bulk (boards too, when there are none)."""
    if members < 1 or posts < topics:
        raise click.BadParameter("need at least one member, and at least as many posts as topics")
    started = time.perf_counter()
    result = seed_demo(members, topics, posts, months=months, seed=random_seed)
    click.echo(
        f"Added {result.members:,} members, {result.topics:,} topics and {result.posts:,} posts "
        f"over {result.boards} boards in {time.perf_counter() - started:.1f} s."
    )


@check.command("counts")
@click.option("--repair", is_flag=True, help="Recount the topics and boards that disagree, and store the result.")
def check_counts(repair: bool) -> None:
    """Recount every topic's and board's posts, topics and last activity; report (or repair) disagreements."""
    found = board_counts.check_counts(repair=repair)
    for mismatch in found:
        click.echo(
            f"{mismatch.kind} {mismatch.id}: stored {_plain(mismatch.stored)}, counted {_plain(mismatch.counted)}"
        )
    if not found:
        click.echo("Counts: every topic and board agrees with its posts.")
    elif repair:
        click.echo(f"Counts: repaired {len(found)} topic(s) and board(s).")
    else:
        raise click.ClickException(f"{len(found)} topic(s) and board(s) disagree; run with --repair to fix them.")


def _plain(values: tuple) -> str:
    return "(" + ", ".join("none" if v is None else str(v) for v in values) + ")"


@meetings.command("erase-ended")
def erase_ended() -> None:
    """Delete the posts of ended meetings that erase theirs (run it every few minutes, e.g. from cron)."""
    erased = meeting_services.erase_ended_meetings(utcnow())
    click.echo(f"Meetings erased: {erased}.")


@meetings.command("remind")
def remind() -> None:
    """Notify members who asked "Remind me" of meetings starting soon, once (run it from cron every few minutes)."""
    lead = timedelta(minutes=current_app.config["MEETING_REMINDER_MINUTES"])
    sent = meeting_reminders.send_reminders(utcnow(), lead)
    click.echo(f"Reminders sent: {sent}.")


def register_cli(app: Flask) -> None:
    for command in (users, boards, alerts, demo, check, seed, backup, meetings):
        app.cli.add_command(command)
