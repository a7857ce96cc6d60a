"""The words around a match, with the matched words marked, escaped for HTML.

The document's text is the author's, so it is escaped here word by word and
only our own ``<mark>`` is added: no user HTML reaches the page::

    highlight("Mehr <b>Obstbäume</b> im Park", parse("obstbaum"))
    # Markup('Mehr &lt;b&gt;<mark>Obstbäume</mark>&lt;/b&gt; im Park')
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from .query import Query
from .stemming import WORD, Stems

#: Words shown around the first match.
BEFORE, LENGTH = 12, 36


def _marked(text: str, query: Query) -> Markup:
    out, last, stems = [], 0, Stems()
    for match in WORD.finditer(text):
        if query.matches(stems.of(match.group().casefold())):
            out.append(escape(text[last:match.start()]))
            out.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def highlight(text: str, query: Query) -> Markup:
    """All of ``text`` (a title), escaped, with matched words marked."""
    return _marked(text or "", query)


def snippet(text: str, query: Query) -> Markup:
    """About :data:`LENGTH` words of ``text`` around its first match (or its start), escaped and marked."""
    text = " ".join((text or "").split())
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    if not spans:
        return Markup("")
    stems = Stems()
    first = next((i for i, (start, end) in enumerate(spans)
                  if any(query.matches(stems.of(w.casefold())) for w in WORD.findall(text[start:end]))), 0)
    begin = max(0, min(first - BEFORE, len(spans) - LENGTH))
    end = min(len(spans), begin + LENGTH)
    part = text[spans[begin][0]:spans[end - 1][1]]
    return Markup("%s%s%s") % ("… " if begin > 0 else "", _marked(part, query), " …" if end < len(spans) else "")
