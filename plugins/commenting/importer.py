"""Markdown import: one file becomes one document.

Format (see README.md)::

    # Title of the document          -> Document.title (exactly one, required)
    Text before the first chapter    -> the document's preamble (shown, not commentable)
    ## Chapter                       -> a chapter
    A paragraph.                     -> one commentable paragraph
    - a whole list                   -> one commentable paragraph
    ### Sub-heading                  -> kept, attached to the paragraph below it

A file without any ``##`` puts all its text into one chapter named after the
document, so there is always something to comment on. A file with a title and
no text is refused (it would import as an empty document).

A ``##`` section without text of its own, directly followed by the next ``##``
(a part heading such as "Ansatzpunkte und Maßnahmenvorschläge" above its
chapters), is not a chapter: people could only comment on an empty page. Its
heading becomes the *part* heading of the chapter that follows and is shown
above it in the contents; the part runs until the next part heading, as a
reader of the file sees it. Several such headings in a row are joined with
" – ". A heading without any text after it at the end of the file is refused.

Pasted text is normalised first: BOM and Windows line endings go, no-break and
other odd spaces become plain spaces, bullets such as "•", "–" or "▪" at the
start of a line become Markdown list items. Typographic quotes stay as typed.

The work is linear in the size of the file, and bounded: markdown-it-py and
bleach are pure Python and slow on dense markup (about 20 µs per ``[`` or
``*``), so a file is refused, with the reason, before parsing when it has more
than :data:`MAX_LINES` lines, a line longer than :data:`PARAGRAPH_MAX`
characters or more than :data:`MAX_MARKUP` markup characters; a paragraph
(or list) longer than :data:`PARAGRAPH_MAX` characters, or more than
:data:`MAX_ELEMENTS` paragraphs, list items, links and the like, are refused
after parsing. A real 60-page strategy is far below each limit; together they
keep the worst file at about two seconds (``tests/commenting/test_import.py``
tries the known bad shapes, each in its own process with a time limit).
Sanitizing goes through :mod:`.render` (see there why not
``clean_html(md.render(…))``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import format_decimal, gettext as _

from core.toolkit import plain_text

from .render import clean_all, markdown, render_block, render_inline

#: Largest Markdown file accepted (bytes). A 60-page strategy is about 150 kB.
MAX_BYTES = 1024 * 1024
TITLE_MAX = 200
#: Most lines a file may have: a 60-page strategy has about 3,000.
MAX_LINES = 20_000
#: Longest paragraph or list, in characters of Markdown: as much as the paragraph editor takes.
PARAGRAPH_MAX = 20_000
#: Most markup characters (those markdown-it's inline parser stops at, except line breaks):
#: about 2 % of a real text; 50,000 take markdown-it about a second.
MAX_MARKUP = 50_000
#: Most Markdown elements (paragraphs, list items, links, emphasis …): bleach takes about 60 µs
#: for each one; a 60-page strategy has about 3,000.
MAX_ELEMENTS = 15_000
_MARKUP_CHARS = "!#$%&*+-:<=>@[\\]^_`{}~"
_WITHOUT_MARKUP = str.maketrans("", "", _MARKUP_CHARS)

#: Spaces that word processors paste; all become a plain space.
_ODD_SPACES = re.compile("[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Bullet characters at the start of a line (after optional indentation).
_BULLET = re.compile(r"^([ \t]*)([•◦▪▫‣●○■□⁃∙·](?:\s*)|[–—−]\s+)(?=\S)")
_NATIVE_ITEM = re.compile(r"^[ \t]*([-*+])[ \t]")
_MARKERS = ("-", "*", "+")


class MarkdownImportError(ValueError):
    """The file cannot be imported; the message (localized) tells the person why."""


@dataclass
class ParsedChapter:
    title: str
    paragraphs: list[str] = field(default_factory=list)  # sanitized HTML, one per commentable paragraph
    part: str = ""  # the part heading shown above this chapter (see the module docstring)
    line: int = 0  # where the chapter's heading is in the file, for messages


@dataclass
class ParsedDocument:
    title: str
    preamble_html: str = ""
    chapters: list[ParsedChapter] = field(default_factory=list)
    #: Localized notes on what was imported but probably not meant that way (an empty chapter):
    #: the import goes ahead, and the page or command shows them.
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraph_count(self) -> int:
        return sum(len(c.paragraphs) for c in self.chapters)


def decode(data: bytes) -> str:
    """Bytes of an uploaded file as text: UTF-8 (with or without BOM) or UTF-16 with BOM."""
    if len(data) > MAX_BYTES:
        raise MarkdownImportError(
            _("The file is too large (%(size)s kB). At most %(max)s kB are accepted.",
              size=len(data) // 1024, max=MAX_BYTES // 1024)
        )
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MarkdownImportError(
            _("The file is not UTF-8 text (unreadable byte at position %(pos)d). "
              "Save it as “Markdown” or “Text, UTF-8” and try again.", pos=exc.start)
        ) from exc


def normalise(text: str) -> str:
    """Clean pasted text so Markdown sees what a reader sees.

    Trailing blanks go line by line with ``rstrip``: the regular expression
    ``[ \\t]+$`` that did it before restarted at every blank of a long run
    followed by a letter, so 10,000 tabs took 6.5 s and a 1 MB file hours.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    lines = [line.rstrip(" \t").replace("\t", "    ") for line in text.split("\n")]
    return "\n".join(_convert_bullets(lines))


def _convert_bullets(lines: list[str]) -> list[str]:
    """Turn "• item" lines into Markdown items; each new list gets a marker unlike the previous list's.

    Markdown joins neighbouring lists with the same marker, so "– a – b" followed by "▪ c ▪ d" would
    become one list; a different marker keeps them apart, as the author saw them.
    """
    result = []
    last_marker = ""  # marker of the most recent list item line
    last_bullet = ""  # the odd bullet character of the most recent converted run
    blank_since = False  # only blank lines since the last list item?
    for line in lines:
        match = _BULLET.match(line)
        if match:
            bullet = match.group(2).strip()
            if not (last_bullet == bullet and last_marker and (blank_since or result and _BULLET_DONE(result[-1]))):
                last_marker = next(m for m in _MARKERS if m != last_marker)
            last_bullet = bullet
            blank_since = False
            result.append(f"{match.group(1)}{last_marker} {line[match.end():]}")
            continue
        native = _NATIVE_ITEM.match(line)
        if native:
            last_marker, last_bullet, blank_since = native.group(1), "", False
        elif line.strip():
            if not line.startswith((" ", "\t")):
                last_bullet, blank_since = "", False  # a paragraph ends the list
        else:
            blank_since = bool(last_bullet)
        result.append(line)
    return result


def _BULLET_DONE(line: str) -> bool:
    return bool(_NATIVE_ITEM.match(line))


def _check_size(text: str) -> None:
    """Refuse, before parsing, a file whose parsing would take too long (see the module docstring)."""
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise MarkdownImportError(
            _("The file has %(num)s lines. At most %(max)s are accepted: please split it into several documents.",
              num=format_decimal(len(lines)), max=format_decimal(MAX_LINES))
        )
    for number, line in enumerate(lines, start=1):
        if len(line) > PARAGRAPH_MAX:
            raise MarkdownImportError(_paragraph_too_long(number, len(line)))
    markup = len(text) - len(text.translate(_WITHOUT_MARKUP))
    if markup > MAX_MARKUP:
        raise MarkdownImportError(
            _("The file has %(num)s markup characters such as * _ [ ] < > & ` (at most %(max)s are accepted). "
              "Is it really a text document?", num=format_decimal(markup), max=format_decimal(MAX_MARKUP))
        )


def _elements(token) -> int:
    """The HTML elements a markdown-it token becomes (plain text and line breaks in a paragraph cost nothing)."""
    if token.type == "inline":
        return sum(_elements(child) for child in token.children or ())
    return 0 if token.type in ("text", "softbreak") or token.nesting == -1 else 1


def _paragraph_too_long(line: int, length: int) -> str:
    return _("Line %(line)d: this paragraph has %(num)s characters, at most %(max)s are accepted. "
             "Split it into several paragraphs with blank lines.",
             line=line, num=format_decimal(length), max=format_decimal(PARAGRAPH_MAX))


def parse(source: str | bytes) -> ParsedDocument:
    """Parse a Markdown file (bytes as uploaded, or text) into a :class:`ParsedDocument`."""
    text = decode(source) if isinstance(source, bytes) else source
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise MarkdownImportError(
            _("The file is too large (%(size)s kB). At most %(max)s kB are accepted.",
              size=len(text.encode("utf-8")) // 1024, max=MAX_BYTES // 1024)
        )
    text = normalise(text)
    if not text.strip():
        raise MarkdownImportError(_("The file is empty."))
    _check_size(text)
    md = markdown()
    tokens = md.parse(text)
    elements = sum(_elements(token) for token in tokens)
    if elements > MAX_ELEMENTS:
        raise MarkdownImportError(
            _("The file has %(num)s paragraphs, list items, links and other Markdown elements. At most %(max)s "
              "are accepted: please split it into several documents.",
              num=format_decimal(elements), max=format_decimal(MAX_ELEMENTS))
        )
    line_starts = [0]
    for line in text.split("\n"):
        line_starts.append(line_starts[-1] + len(line) + 1)
    blocks = []  # (first token, line, the block's tokens)
    i = 0
    while i < len(tokens):
        # Find the end of this top-level block.
        j = i
        if tokens[i].nesting == 1:
            depth = 0
            while True:
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        token = tokens[i]
        blocks.append((token, (token.map[0] + 1) if token.map else 0, tokens[i : j + 1]))
        i = j + 1
    raw = []
    for token, line, block in blocks:
        if token.type == "heading_open":
            raw.append(render_inline(md, block[1].children))
        elif token.type == "hr":
            raw.append("")
        else:
            length = line_starts[token.map[1]] - line_starts[token.map[0]] - 1 if token.map else 0
            if length > PARAGRAPH_MAX:
                raise MarkdownImportError(_paragraph_too_long(line, length))
            raw.append(render_block(md, block))
    cleaned = clean_all(raw)

    title: str | None = None
    preamble: list[str] = []
    chapters: list[ParsedChapter] = []
    part: list[str] = []  # headings of sections without text, waiting for the next chapter
    pending_heading = ""  # ### sub-headings wait for the block below them
    pending_texts: list[str] = []  # the same sub-headings as plain text
    for (token, line, _block), html in zip(blocks, cleaned):
        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = " ".join(plain_text(html).split())
            if level == 1:
                if title is not None:
                    raise MarkdownImportError(
                        _("Line %(line)d: the file has a second title (“# …”). A file holds one document; "
                          "use “## …” for chapters.", line=line)
                    )
                if not heading:
                    raise MarkdownImportError(_("Line %(line)d: the title is empty.", line=line))
                title = heading
                continue
            if level == 2:
                if not heading:
                    raise MarkdownImportError(_("Line %(line)d: the chapter title is empty.", line=line))
                if len(heading) > TITLE_MAX:
                    raise MarkdownImportError(
                        _("Line %(line)d: the chapter title is longer than %(max)d characters.", line=line, max=TITLE_MAX)
                    )
                if chapters and not chapters[-1].paragraphs:
                    # The section before had no text of its own: its headings head the chapters that follow.
                    section = chapters.pop()
                    part = [text for text in (section.part, section.title, *pending_texts) if text]
                elif pending_heading:
                    _append(chapters, preamble, pending_heading)
                pending_heading, pending_texts = "", []
                chapter = ParsedChapter(heading, part=" – ".join(part), line=line)
                if len(chapter.part) > TITLE_MAX:
                    raise MarkdownImportError(
                        _("Line %(line)d: the headings without text above this chapter are longer than %(max)d "
                          "characters together.", line=line, max=TITLE_MAX)
                    )
                chapters.append(chapter)
                part = []
                continue
            tag = "h3" if level == 3 else "h4"
            pending_heading += f"<{tag}>{html}</{tag}>"
            pending_texts.append(heading)
            continue
        if token.type == "hr":
            continue
        html = str(html)
        if not plain_text(html).strip():
            continue
        _append(chapters, preamble, pending_heading + html)
        pending_heading, pending_texts = "", []
    warnings = []
    if chapters and not chapters[-1].paragraphs:
        # A last heading without text is usually a section still to be written: import it, and say so.
        warnings.append(
            _("Line %(line)d: the chapter “%(title)s” has no text. It was imported empty, so people can only "
              "comment on it as a whole. Add its text in the browser, or import the file again.",
              line=chapters[-1].line, title=chapters[-1].title)
        )
    if pending_heading:
        _append(chapters, preamble, pending_heading)

    if title is None:
        raise MarkdownImportError(
            _("The file has no title. Start it with a line like “# Climate strategy 2030” (a # and a space).")
        )
    if len(title) > TITLE_MAX:
        raise MarkdownImportError(_("The title is longer than %(max)d characters.", max=TITLE_MAX))
    if not chapters and not preamble:
        # Like a document created in the browser: it exists, with nothing to comment on yet.
        warnings.append(
            _("The file has a title but no text, so the document is empty and there is nothing to comment on "
              "yet. Add chapters in the browser, or import a file with chapters (“## …”) and their paragraphs.")
        )
        return ParsedDocument(title=title, warnings=warnings)
    document = ParsedDocument(title=title, preamble_html="".join(preamble), chapters=chapters, warnings=warnings)
    if not chapters:
        # No "##" at all: the whole text is one chapter, so people can comment on it.
        document.preamble_html = ""
        document.chapters = [ParsedChapter(title, list(preamble))]
    return document


def _append(chapters: list[ParsedChapter], preamble: list[str], html: str) -> None:
    if chapters:
        chapters[-1].paragraphs.append(html)
    else:
        preamble.append(html)
