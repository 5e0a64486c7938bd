"""The Spanish catalogue covers every marked string, and the committed .mo is compiled from it."""

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "forum" / "translations" / "es" / "LC_MESSAGES"
MAPPING = [("forum/**.py", "python"), ("templates/**.html", "jinja2")]
# As forum/translations/babel.cfg: the page cache's {% fragment %} tag is Jinja syntax of its own, and
# without its extension the extractor skips every template that uses it, silently.
OPTIONS = {"templates/**.html": {"extensions": "forum.web.FragmentCache"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "translatable": None}


def _marked_strings() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=MAPPING, options_map=OPTIONS, keywords=KEYWORDS, directory_filter=_searched
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _searched(path: str) -> bool:
    # Babel's default skips directories starting with "_", which would miss templates/_partials.
    name = Path(path).name
    return not name.startswith(".") and name not in {"node_modules", "__pycache__"}


def _spanish():
    with open(CATALOGUE / "messages.po", "rb") as po:
        return read_po(po, locale="es")


def test_every_marked_string_has_a_spanish_translation():
    catalogue = _spanish()
    untranslated = []
    for msgid in sorted(_marked_strings()):
        message = catalogue.get(msgid)
        strings = message.string if message is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            untranslated.append(msgid)
    assert untranslated == [], "run `make translations` and translate these in messages.po"


def test_templates_with_a_cached_fragment_are_read_too():
    # Regression: board.html and topic.html wrap their rows in {% fragment %}, and their words had
    # dropped out of the extraction (and so out of the catalogue at the next `make translations`).
    assert {"Start a topic", "Post reply", "Topics in %(name)s"} <= _marked_strings()


def test_no_marked_string_starts_or_ends_with_a_space():
    # Babel's catalogue mishandles them (a lookup returned the header); keep spaces in the template.
    assert [msgid for msgid in _marked_strings() if msgid != msgid.strip()] == []


def test_placeholders_survive_translation():
    for message in _spanish():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {part.split(")")[0] for part in ids[-1].split("%(")[1:]}
        for text in strings:
            assert {part.split(")")[0] for part in text.split("%(")[1:]} == wanted, message.id


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        committed = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
    compiled = BytesIO()
    write_mo(compiled, _spanish())
    compiled.seek(0)
    assert committed == {_key(m.id): _key(m.string) for m in read_mo(compiled) if m.id}


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value
