"""Markdown in, sanitized HTML out; and back to Markdown for the edit forms.

Initiators write paragraphs in the same Markdown as the import. Stored HTML is
turned back into Markdown when a paragraph is edited, so nobody edits HTML.
"""
from __future__ import annotations

from html.parser import HTMLParser

from markupsafe import Markup

from .importer import normalise
from .render import markdown, to_html


def markdown_to_html(text: str | None) -> Markup:
    """Sanitized HTML for a paragraph or preamble typed in Markdown."""
    md = markdown()
    return Markup(to_html(md, md.parse(normalise(text or ""))).strip())


class _ToMarkdown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.href: list[str | None] = []
        self.quote = 0
        self.pre = False

    def _newline(self, blank: bool = True) -> None:
        text = "".join(self.out).rstrip(" ")
        self.out = [text]
        if text and not text.endswith("\n"):
            self.out.append("\n")
        if blank and text and not "".join(self.out).endswith("\n\n") and not self.lists:
            self.out.append("\n")

    def _prefix(self) -> str:
        return "> " * self.quote

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("p", "blockquote", "h3", "h4", "pre"):
            if not self.lists:
                self._newline()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "p":
            self.out.append(self._prefix() if not self.lists else "")
        elif tag in ("h3", "h4"):
            self.out.append(self._prefix() + ("### " if tag == "h3" else "#### "))
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self.pre = True
            self.out.append("```\n")
        elif tag == "br":
            self.out.append("\\\n" + self._prefix())
        elif tag == "a":
            self.href.append(attrs.get("href"))
            self.out.append("[")
        elif tag in ("ul", "ol"):
            if not self.lists:
                self._newline()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newline(blank=False)
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            indent = "   " * (len(self.lists) - 1)
            self.out.append(self._prefix() + indent + ("- " if kind[0] == "ul" else f"{kind[1]}. "))

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self.pre = False
            self.out.append("\n```")
            self._newline()
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.out.append(f"]({href})" if href else "]")
        elif tag in ("p", "h3", "h4"):
            self._newline()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._newline()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline(blank=not self.lists)

    def handle_data(self, data):
        if not self.pre:
            data = " ".join(data.split("\n"))
            if not "".join(self.out[-1:]).strip() and not data.strip():
                return
        self.out.append(data)


def html_to_markdown(html: str | None) -> str:
    """Markdown that renders back to (nearly) the same sanitized HTML."""
    parser = _ToMarkdown()
    parser.feed(html or "")
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
