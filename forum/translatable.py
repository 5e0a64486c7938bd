"""English text the forum writes once and stores or shows as data: board names, default resources.

`translatable(text)` returns the text unchanged, so what is seeded into the database stays in
English as written; it also remembers the text, and the `seeded` template filter (forum/i18n.py)
shows the reader's translation only when the stored text is still exactly this English. A name
an admin has edited shows as written. `make translations` extracts these calls like `_()`.
"""

TRANSLATABLE: set[str] = set()


def translatable(text: str) -> str:
    """Mark `text` for translation on display; returns it unchanged."""
    TRANSLATABLE.add(text)
    return text


# What every member but the author and the moderators reads for an anonymous post's author: in
# topics, notifications, meetings and moderators' conversations alike.
ANONYMOUS_LABEL = translatable("Anonymous member")
