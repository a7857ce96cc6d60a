"""Markdown to sanitized HTML for documents, in time linear in the length of the text.

::

    from plugins.commenting.render import markdown, to_html

    md = markdown()
    html = to_html(md, md.parse("Kosten < 5 % & **mehr**"))   # Markup, passed through clean_html

Why not simply ``clean_html(md.render(text))``: markdown-it writes every ``&``,
``<``, ``>`` and ``"`` of the text as an entity, and bleach's HTML parser
(inside :func:`core.sanitize.clean_html`) takes each entity as a piece of text
of its own and appends it to the text so far. 200 kB of ``<`` took 17 s
(quadratic), and inside code spans the entities came out escaped twice
(``&amp;lt;``). Here the renderer writes those four characters of the text as
private-use stand-ins, bleach reads each text in one piece, and after
sanitizing the stand-ins become the entities again.

Why that is safe: to bleach a stand-in is an ordinary letter, so it can never
open a tag or an attribute; the entity it turns into afterwards is text
wherever it lands (element content or a quoted attribute value). Stand-in
characters that were in the text itself are written as character references
(``&#xE000;``), so nothing a person typed can turn into one.

An import sanitizes its blocks a hundred at a time (:func:`clean_all`): bleach
spends about half a millisecond on every call before it reads a character, so
a file of 10,000 one-line paragraphs took 6 s block by block; and its tree
walker looks a node up among all its siblings, so 8,000 blocks in one call
took 7 s.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markupsafe import Markup

from core.toolkit import clean_html

_STAND_INS = {"&": "\ue000", "<": "\ue001", ">": "\ue002", '"': "\ue003"}
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
#: Between the blocks of one :func:`clean_all` call. The line breaks around it end any link
#: the linkifier makes of the text before it, so a block's link never runs into the next block.
_SEPARATOR = "\ue004"
#: Stand-ins a person typed stay themselves, as character references.
_TYPED = {ord(char): f"&#x{ord(char):X};" for char in (*_STAND_INS.values(), _SEPARATOR)}
_TEXT = str.maketrans({**_STAND_INS, **_TYPED})
_ATTRIBUTE = str.maketrans(_TYPED)
_BACK = str.maketrans({stand_in: _ENTITIES[char] for char, stand_in in _STAND_INS.items()})


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with the text written as stand-ins instead of entities."""

    def text(self, tokens, idx, options, env):
        return tokens[idx].content.translate(_TEXT)

    def code_inline(self, tokens, idx, options, env):
        return f"<code{self.renderAttrs(tokens[idx])}>{tokens[idx].content.translate(_TEXT)}</code>"

    def code_block(self, tokens, idx, options, env):
        return f"<pre><code>{tokens[idx].content.translate(_TEXT)}</code></pre>\n"

    def fence(self, tokens, idx, options, env):
        # The language name would only become a class, which the sanitizer removes.
        return f"<pre><code>{tokens[idx].content.translate(_TEXT)}</code></pre>\n"

    @staticmethod
    def renderAttrs(token):  # noqa: N802 (markdown-it's name)
        return "".join(f' {escapeHtml(key)}="{escapeHtml(str(value)).translate(_ATTRIBUTE)}"' for key, value in token.attrItems())


def markdown() -> MarkdownIt:
    """The parser for document text: CommonMark, no raw HTML, no typographer (text stays as typed)."""
    return MarkdownIt("commonmark", {"html": False, "typographer": False}, renderer_cls=_Renderer)


def to_html(md: MarkdownIt, tokens) -> Markup:
    """Sanitized HTML of block tokens from ``md.parse`` (``md`` from :func:`markdown`)."""
    return clean_all([render_block(md, tokens)])[0]


def render_block(md: MarkdownIt, tokens) -> str:
    """Block tokens as HTML that is *not yet sanitized*: for :func:`clean_all` only."""
    return md.renderer.render(tokens, md.options, {})


def render_inline(md: MarkdownIt, children) -> str:
    """An inline token's children (a heading's text) as HTML *not yet sanitized*: for :func:`clean_all` only."""
    return md.renderer.renderInline(children or [], md.options, {})


#: Pieces per call of ``clean_html`` (see the module docstring).
_BATCH = 100


def clean_all(pieces: list[str]) -> list[Markup]:
    """Sanitize pieces from :func:`render_block` and :func:`render_inline`, a hundred per ``clean_html`` call."""
    result = []
    for start in range(0, len(pieces), _BATCH):
        batch = pieces[start : start + _BATCH]
        cleaned = str(clean_html(f"\n{_SEPARATOR}\n".join(batch))).split(_SEPARATOR)
        if len(cleaned) != len(batch):  # never seen; but a piece must never take its neighbour's markup
            cleaned = [str(clean_html(piece)) for piece in batch]
        result.extend(Markup(piece.strip("\n").translate(_BACK)) for piece in cleaned)
    return result
