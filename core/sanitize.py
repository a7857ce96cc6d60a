"""The only module that imports bleach: all user rich text passes through here.

Keeping the allow-list in one place means one review covers every plugin, and
swapping the sanitizer later touches one file::

    from core.sanitize import clean_html, plain_text
    paragraph.html = clean_html(form.text.data)
"""
from __future__ import annotations

import html
import re

import bleach
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True
)


def _harden_link(attrs, new=False):
    """Links from users never pass on referrers or get a search-engine boost."""
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_linker = Linker(callbacks=[_harden_link], skip_tags={"pre", "code"})


def clean_html(text: str | None) -> Markup:
    """Sanitize user HTML to the allow-list; safe to print unescaped."""
    return Markup(_linker.linkify(_cleaner.clean(text or "")))


def text_to_html(text: str | None) -> Markup:
    """Turn plain text (a comment typed in a textarea) into safe paragraphs with links."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", (text or "").strip()) if b.strip()]
    parts = ["<p>" + html.escape(b).replace("\n", "<br>") + "</p>" for b in blocks]
    return clean_html("".join(parts))


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h\d|blockquote|pre)>|<br\s*/?>", re.I)


def plain_text(html_text: str | None) -> str:
    """Readable text from sanitized HTML, for exports, excerpts and search."""
    text = _BLOCK_END.sub("\n", html_text or "")
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n{2,}", "\n", text)).strip()


def excerpt(html_text: str | None, length: int = 80) -> str:
    """The first ``length`` characters of the text, cut at a word with an ellipsis."""
    text = " ".join(plain_text(html_text).split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"
