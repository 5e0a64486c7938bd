"""Which language a page is written in: English or Spanish.

A choice made with the footer link on this device comes first, then the one saved on the member's
account, then what the browser asks for; English otherwise. Member-written text is never
translated: only the forum's own words are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

import flask_babel
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from flask import Flask, g, has_request_context, request
from flask_babel import force_locale, get_locale, get_translations, gettext, refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from forum.extensions import babel
from forum.translatable import TRANSLATABLE

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# A functional cookie, like the crisis-lines region: it holds nothing but "en" or "es".
LANGUAGE_COOKIE = "lang"


class LazyText(LazyString):
    """Flask-Babel's lazy string, escaped like any other text when a page shows it.

    Flask-Babel's own marks itself as safe HTML, so a form label such as "What's wrong?" would reach
    the page unescaped (and differ from the English pages' bytes).
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_text(string: str, **variables) -> LazyText:
    """lazy_gettext for form labels, hints and messages defined at import time (imported as `_l`)."""
    return LazyText(gettext, string, **variables)


def choose_language(cookie: str | None, member_choice: str | None, asked: Iterable[str]) -> str:
    """The page's language: the device's choice, the account's, the browser's first known one."""
    for choice in (cookie, member_choice):
        if choice in LANGUAGES:
            return choice
    for tag in asked:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector, read once per request."""
    if not has_request_context():
        # The CLI and the alert worker write for staff, in the forum's default language.
        return DEFAULT_LANGUAGE
    # Kept on the request, not on g: an app context (and its g) may outlive one request.
    language = request.environ.get("forum.language")
    if language is None:
        # A fault page (g.degraded_page) must not load the member: the database may be away.
        signed_in = not g.get("degraded_page") and current_user.is_authenticated
        member_choice = current_user.language if signed_in else None
        # Accept-Language in the browser's order of preference (Werkzeug sorts by quality); q=0 is a refusal.
        asked = [tag for tag, quality in request.accept_languages if quality > 0]
        language = choose_language(request.cookies.get(LANGUAGE_COOKIE), member_choice, asked)
        request.environ["forum.language"] = language
    return language


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Write in a member's own language (their account's choice), whatever page the writer reads.

    For what the forum stores or sends to someone else: a warning to a member, an alert to a moderator.
    """
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def written_moment(moment: datetime) -> str:
    """ "05 December 2026, 09:30" or "5 de diciembre de 2026, 09:30", in the language being written."""
    if str(get_locale() or DEFAULT_LANGUAGE) == DEFAULT_LANGUAGE:
        return moment.strftime("%d %B %Y, %H:%M")
    return flask_babel.format_datetime(moment, "d 'de' MMMM 'de' y, HH:mm")


def page_translations():
    """The catalogue of the language being written, looked up once per request and language.

    Flask-Babel finds it through the context, the app, the domain and the locale's name on every string
    (dozens a page); its locale object stays the same until the request ends or in_language changes it.
    """
    locale = get_locale()
    if locale is None or not has_request_context():
        return get_translations()
    found = request.environ.get("forum.translations")
    if found is None or found[0] is not locale:
        found = request.environ["forum.translations"] = (locale, get_translations())
    return found[1]


def _choose_language_early() -> None:
    if request.endpoint != "static":
        select_locale()


def register_i18n(app: Flask) -> None:
    """Flask-Babel with the forum's selector; pages say which language they are in."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: page_translations().ugettext(string),
        ngettext=lambda singular, plural, n: page_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: page_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: page_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )

    filters = (month_year, day, day_time, day_hour, long_day, short_day, weekday, long_weekday, number, seeded)
    for page_filter in filters:
        app.add_template_filter(page_filter)
    # Flask-Babel keeps the locale on g, which outlives a request when an app context is already
    # pushed (the CLI, tests): start each request from its own choice.
    app.before_request(refresh)
    # Chosen while the member's row is fresh, so a page that fails later (a database restart) can
    # still be written in the reader's language without asking the database again.
    app.before_request(_choose_language_early)

    @app.context_processor
    def page_language():
        return {"page_language": select_locale, "languages": LANGUAGES}

    @app.after_request
    def vary_on_language(response):
        # The same address answers in English or Spanish, so shared caches must tell them apart.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response


def month_year(day: date) -> str:
    """ "December 2026" or "diciembre de 2026", as the reader's language writes it."""
    return format_skeleton("yMMMM", day, locale=get_locale())


def _written(moment: date, english: str, pattern: str, formatter: Callable = format_date) -> str:
    """English keeps the forms the pages have always used (strftime's C locale), byte for byte; other
    languages follow CLDR's ``pattern``."""
    if select_locale() == DEFAULT_LANGUAGE:
        return moment.strftime(english)
    return formatter(moment, pattern, locale=get_locale())


def day(moment: date) -> str:
    """ "05 Dec 2026" or "05 dic 2026"."""
    return _written(moment, "%d %b %Y", "dd MMM y")


def day_time(moment: datetime) -> str:
    """ "05 Dec 2026, 09:30" or "05 dic 2026, 09:30"."""
    return _written(moment, "%d %b %Y, %H:%M", "dd MMM y, HH:mm", format_datetime)


def day_hour(moment: datetime) -> str:
    """ "05 Dec 09:30" or "05 dic 09:30", for times within the next few days."""
    return _written(moment, "%d %b %H:%M", "dd MMM HH:mm", format_datetime)


def long_day(moment: date) -> str:
    """ "05 December 2026" or "5 de diciembre de 2026"."""
    return _written(moment, "%d %B %Y", "long")


def short_day(moment: date) -> str:
    """ "05 Dec" or "05 dic", for a chart's axis."""
    return _written(moment, "%d %b", "dd MMM")


def weekday(moment: date) -> str:
    """ "Sat 05 Dec" or "sáb 05 dic", for a row of a day-by-day table."""
    return _written(moment, "%a %d %b", "EEE dd MMM")


def long_weekday(moment: date) -> str:
    """ "Saturday 05 December" or "sábado, 5 de diciembre"."""
    return _written(moment, "%A %d %B", "EEEE, d 'de' MMMM")


def number(value: int) -> str:
    """ "12,345" or "12.345"."""
    return format_decimal(value, locale=select_locale())


def seeded(text: str | None) -> str | None:
    """Text the forum seeded (marked with translatable()) in the reader's language; anything else as written."""
    if text in TRANSLATABLE:
        return gettext(text)
    return text
