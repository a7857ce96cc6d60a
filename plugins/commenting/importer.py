"""Markdown import: one file becomes one document.

Format (see README.md)::

    # Title of the document          -> Document.title (exactly one, required)
    Text before the first chapter    -> the document's preamble (shown, not commentable)
    ## Chapter                       -> a chapter
    A paragraph.                     -> one commentable paragraph
    - a whole list                   -> one commentable paragraph
    ### Sub-heading                  -> kept, attached to the paragraph below it

A file without any ``##`` puts all its text into one chapter named after the
document, so there is always something to comment on.

Pasted text is normalised first: BOM and Windows line endings go, no-break and
other odd spaces become plain spaces, bullets such as "•", "–" or "▪" at the
start of a line become Markdown list items. Typographic quotes stay as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markdown_it import MarkdownIt

from core.sanitize import clean_html, plain_text

#: Largest Markdown file accepted (bytes). A 60-page strategy is about 150 kB.
MAX_BYTES = 1024 * 1024
TITLE_MAX = 200

#: Spaces that word processors paste; all become a plain space.
_ODD_SPACES = re.compile("[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Bullet characters at the start of a line (after optional indentation).
_BULLET = re.compile(r"^([ \t]*)([•◦▪▫‣●○■□⁃∙·](?:\s*)|[–—−]\s+)(?=\S)")
_NATIVE_ITEM = re.compile(r"^[ \t]*([-*+])[ \t]")
_MARKERS = ("-", "*", "+")
_TRAILING = re.compile(r"[ \t]+$", re.M)


class MarkdownImportError(ValueError):
    """The file cannot be imported; the message (localized) tells the person why."""


@dataclass
class ParsedChapter:
    title: str
    paragraphs: list[str] = field(default_factory=list)  # sanitized HTML, one per commentable paragraph


@dataclass
class ParsedDocument:
    title: str
    preamble_html: str = ""
    chapters: list[ParsedChapter] = field(default_factory=list)

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
    """Clean pasted text so Markdown sees what a reader sees."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = text.replace("\t", "    ")
    return _TRAILING.sub("", "\n".join(_convert_bullets(text.split("\n"))))


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


def _markdown() -> MarkdownIt:
    # No raw HTML, no typographer: the text stays as typed; links are linkified by clean_html.
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def _inline_text(md: MarkdownIt, token) -> str:
    return " ".join(plain_text(md.renderer.renderInline(token.children or [], md.options, {})).split())


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
    md = _markdown()
    tokens = md.parse(text)

    title: str | None = None
    preamble: list[str] = []
    chapters: list[ParsedChapter] = []
    pending_heading = ""  # ### sub-headings wait for the block below them
    i = 0
    while i < len(tokens):
        token = tokens[i]
        # Find the end of this top-level block.
        j = i
        if token.nesting == 1:
            depth = 0
            while True:
                depth += tokens[j].nesting
                if depth == 0:
                    break
                j += 1
        block = tokens[i : j + 1]
        line = (token.map[0] + 1) if token.map else 0
        i = j + 1

        if token.type == "heading_open":
            level = int(token.tag[1])
            heading = _inline_text(md, block[1])
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
                if pending_heading:
                    _append(chapters, preamble, pending_heading)
                    pending_heading = ""
                chapters.append(ParsedChapter(heading))
                continue
            tag = "h3" if level == 3 else "h4"
            pending_heading += f"<{tag}>{clean_html(md.renderer.renderInline(block[1].children or [], md.options, {}))}</{tag}>"
            continue
        if token.type == "hr":
            continue
        html = str(clean_html(md.renderer.render(block, md.options, {}))).strip()
        if not plain_text(html).strip():
            continue
        _append(chapters, preamble, pending_heading + html)
        pending_heading = ""
    if pending_heading:
        _append(chapters, preamble, pending_heading)

    if title is None:
        raise MarkdownImportError(
            _("The file has no title. Start it with a line like “# Climate strategy 2030” (a # and a space).")
        )
    if len(title) > TITLE_MAX:
        raise MarkdownImportError(_("The title is longer than %(max)d characters.", max=TITLE_MAX))
    document = ParsedDocument(title=title, preamble_html="".join(preamble), chapters=chapters)
    if not chapters and preamble:
        # No "##" at all: the whole text is one chapter, so people can comment on it.
        document.preamble_html = ""
        document.chapters = [ParsedChapter(title, list(preamble))]
    return document


def _append(chapters: list[ParsedChapter], preamble: list[str], html: str) -> None:
    if chapters:
        chapters[-1].paragraphs.append(html)
    else:
        preamble.append(html)
