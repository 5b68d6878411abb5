"""Readable ids for new elements: one slug, one way to make an id unique.

Every id the application makes for a user (actors, flows, placed modules, needs,
goals, advantages) and every download's file stem come from here, so they all
look alike and a change of the rules happens in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_SLUG = 60
LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
"""Letters that do not decompose into a Latin letter and a mark."""


def slug(text: str, fallback: str = "actor") -> str:
    """A readable id from a name: lower-case letters and digits joined by ``-``, at most 60 characters.

    Accented letters keep their letter (``Pysäköinti`` → ``pysakointi``, ``Łódź`` → ``lodz``), never drop it.

    >>> slug("Parking app operator (Oulu)"), slug("City of Oulu!"), slug("!!", "configuration")
    ('parking-app-operator-oulu', 'city-of-oulu', 'configuration')
    >>> slug("Pysäköinti"), slug("Łódź Straße"), slug("Ærø")
    ('pysakointi', 'lodz-strasse', 'aero')
    """
    latin = unicodedata.normalize("NFKD", text.lower().translate(LETTERS))
    plain = "".join(c for c in latin if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:MAX_SLUG].rstrip("-") or fallback


def fresh_id(base: str, taken: Container[str]) -> str:
    """``base`` itself when free, else ``base-2``, ``base-3``... (the first free one).

    >>> fresh_id("city", {"city", "city-2"}), fresh_id("op", set())
    ('city-3', 'op')
    """
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def numbered_id(prefix: str, taken: set[str]) -> str:
    """``prefix`` and a number not in use, counting on from the number of ids in use
    (usually the next one, without scanning from 1 on every call).

    >>> numbered_id("f", {"f1", "f2"}), numbered_id("f", {"f2"}), numbered_id("m", set())
    ('f3', 'f3', 'm1')
    """
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
