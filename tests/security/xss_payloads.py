"""Cross-site scripting payloads, each carrying a marker that names where it was put.

Every payload is a template with ``{m}`` for a marker number: a payload that
runs calls ``alert(<marker>)`` or sets ``window.__xss = <marker>``, so a dialog
or a side effect in the browser says which payload in which field got through.
A payload that would only run on a click (a ``javascript:`` link, ``onmouseover``)
is caught by the DOM check in :mod:`tests.security.browser_probe` instead.

The families: script tags, event handlers, ``javascript:`` and other URL
schemes, SVG and MathML, broken and unclosed tags, breaking out of the element
or attribute the text is printed in (``</title>``, ``</textarea>``, quotes),
mutation XSS (markup that changes meaning when serialised and parsed again),
htmx attributes (htmx runs ``hx-on`` code itself), Markdown link tricks and
encoded variants. Each stays within 80 characters with a six-digit marker, so
one payload fits every text field (display names allow 80).
"""
from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # script tags
    "<script>alert({m})</script>",
    "<SCRIPT>alert({m})</SCRIPT>",
    "<script>window.__xss={m}</script>",
    "<script src=data:,alert({m})></script>",
    "<scr<script>ipt>alert({m})</scr</script>ipt>",
    "<<script>script>alert({m})<</script>/script>",
    "<script/x>alert({m})</script>",
    # event handlers
    "<img src=x onerror=alert({m})>",
    '<img src=x onerror="window.__xss={m}">',
    "<IMG SRC=x OnErRoR=alert({m})>",
    "<img/src=x/onerror=alert({m})>",
    "<img src=x:alert({m}) onerror=eval(src)>",
    "<body onload=alert({m})>",
    "<svg onload=alert({m})>",
    "<svg/onload=alert({m})>",
    "<details open ontoggle=alert({m})>",
    "<input autofocus onfocus=alert({m})>",
    "<select autofocus onfocus=alert({m})></select>",
    "<video><source onerror=alert({m})></video>",
    "<audio src=x onerror=alert({m})>",
    "<iframe onload=alert({m})></iframe>",
    '<iframe srcdoc="<script>parent.alert({m})</script>"></iframe>',
    "<object data=javascript:alert({m})></object>",
    "<embed src=javascript:alert({m})>",
    "<marquee onstart=alert({m})>x</marquee>",
    "<div onmouseover=alert({m})>hover</div>",
    '<p onclick="alert({m})">click</p>',
    "<a href=# onmouseover=alert({m})>x</a>",
    "<img src=x onerror=\"eval('al'+'ert({m})')\">",
    # javascript: and other schemes
    '<a href="javascript:alert({m})">x</a>',
    '<a href="JaVaScRiPt:alert({m})">x</a>',
    '<a href="  javascript:alert({m})">x</a>',
    '<a href="java&#x09;script:alert({m})">x</a>',
    '<a href="jav&#x0A;ascript:alert({m})">x</a>',
    '<a href="&#106;avascript:alert({m})">x</a>',
    '<a href="javascript&colon;alert({m})">x</a>',
    '<a href="data:text/html,<script>alert({m})</script>">x</a>',
    '<a href="vbscript:msgbox({m})">x</a>',
    "<a title=x href=javascript:alert({m})>x</a>",
    "javascript:alert({m})",
    "<form action=javascript:alert({m})><button>go</button></form>",
    "<button formaction=javascript:alert({m})>x</button>",
    '<meta http-equiv=refresh content="0;url=javascript:alert({m})">',
    '<base href="javascript:alert({m})//">',
    # SVG and MathML
    "<svg><script>alert({m})</script></svg>",
    '<svg><a xlink:href="javascript:alert({m})"><text y=9>x</text></a></svg>',
    "<svg><animate onbegin=alert({m}) attributeName=x dur=1s>",
    "<svg><set onbegin=alert({m}) attributeName=x to=1>",
    "<svg><style><img src=x onerror=alert({m})></style></svg>",
    '<math href="javascript:alert({m})">x</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({m})>",
    # broken and unclosed tags
    "<img src=x onerror=alert({m})//",
    '<img src="x" onerror="alert({m})"',
    '<img """><script>alert({m})</script>">',
    "<<img src=x onerror=alert({m})>>",
    "<img src=x onerror\x0b=alert({m})>",
    "<img src=x onerror=&#97;lert({m})>",
    "<!--><img src=x onerror=alert({m})>-->",
    "<!--<img src=x onerror=alert({m})>-->",
    # breaking out of the element or attribute the text lands in
    "</title><img src=x onerror=alert({m})>",
    "</textarea><img src=x onerror=alert({m})>",
    "</noscript><img src=x onerror=alert({m})>",
    "</style><img src=x onerror=alert({m})>",
    "</script><script>alert({m})</script>",
    "</p><img src=x onerror=alert({m})><p>",
    '"><img src=x onerror=alert({m})>',
    "'><img src=x onerror=alert({m})>",
    '" onmouseover="alert({m})" x="',
    "' autofocus onfocus='alert({m})' x='",
    # mutation XSS
    '<noscript><p title="</noscript><img src=x onerror=alert({m})>">',
    '<a title="</a><img src=x onerror=alert({m})>">x</a>',
    '<xmp><p title="</xmp><img src=x onerror=alert({m})>">',
    '<noembed><p title="</noembed><img src=x onerror=alert({m})>">',
    '<textarea><p title="</textarea><img src=x onerror=alert({m})>">',
    '<svg></p><style><a id="</style><img src=x onerror=alert({m})>">',
    # htmx attributes (htmx evaluates hx-on itself)
    '<div hx-get="/" hx-trigger="load" hx-on::before-request="alert({m})">',
    '<a hx-on:click="alert({m})">x</a>',
    # Markdown link tricks
    "[x](javascript:alert({m}))",
    "[x](JaVaScRiPt:alert({m}))",
    "[x]( javascript:alert({m}))",
    "[x](<javascript:alert({m})>)",
    "![x](javascript:alert({m}))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=={m})",
    "<javascript:alert({m})>",
    "[x][r{m}]\n\n[r{m}]: javascript:alert({m})",
    # encoded variants
    "&lt;script&gt;alert({m})&lt;/script&gt;",
    "&#60;img src=x onerror=alert({m})&#62;",
    "%3Cscript%3Ealert({m})%3C/script%3E",
    "\\u003cimg src=x onerror=alert({m})\\u003e",
    "\uff1cscript\uff1ealert({m})\uff1c/script\uff1e",
    '<a href="&#x6A;avascript:alert({m})">x</a>',
)

#: Payloads that try to leave the element or attribute they are printed in: the records holding
#: these are also opened in their edit forms (``<input value>``, ``<textarea>``) and detail pages.
BREAKOUTS: tuple[str, ...] = (
    "</title><img src=x onerror=alert({m})>",
    "</textarea><img src=x onerror=alert({m})>",
    '"><img src=x onerror=alert({m})>',
    "' autofocus onfocus='alert({m})' x='",
)

#: Return addresses (``next``) are printed into links: what matters there is the URL scheme.
URL_PAYLOADS: tuple[str, ...] = (
    "javascript:alert({m})",
    " JaVaScRiPt:alert({m})",
    "data:text/html,<script>alert({m})</script>",
)


assert set(BREAKOUTS) <= set(PAYLOADS)


def render(template: str, marker: int) -> str:
    """The payload with its marker filled in (``str.format`` would trip over other braces)."""
    return template.replace("{m}", str(marker))
