"""The process's log output: text lines or one JSON object per line, each with its request's id.

``log_format = "json"`` in config.toml (or ``MITSPRACHE_LOG_FORMAT=json``)
makes every line a JSON object a log collector (Loki, Elasticsearch, journald)
reads without parsing rules::

    {"time": "2026-03-29T10:00:00.123Z", "level": "INFO", "logger": "mitsprache.request",
     "message": "GET /p/radweg 200 12.3 ms", "request_id": "3f9c…", "method": "GET",
     "path": "/p/radweg", "status": 200, "duration_ms": 12.3, "user_id": 42}

Privacy by default (DSGVO): no client address and no e-mail address is
written (addresses in messages become ``<e-mail>``) unless
``log_personal_data = true``; the user is named by id only.

The entry points that serve or work call :func:`configure_logging` once per
process: ``gunicorn -c python:core.gunicorn_conf``, ``mitsprache serve`` and
``mitsprache worker``. Building an app does not, so tests and other embedders
keep their own logging.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, Mapping

from .config import ConfigError
from .request_id import current

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Fields a record may carry (``extra=``) that the JSON line includes.
EXTRA_FIELDS = ("status", "duration_ms", "user_id")


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, method and path (and address, if allowed) to every record."""

    def __init__(self, personal_data: bool = False):
        super().__init__()
        self.personal_data = personal_data

    def filter(self, record: logging.LogRecord) -> bool:
        info = current.get()
        record.request_id = info.request_id if info else "-"
        record.method = info.method if info else None
        record.path = info.path if info else None
        record.client = info.client if info and self.personal_data else None
        if not self.personal_data:
            message = record.getMessage()
            redacted = EMAIL.sub("<e-mail>", message)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; fields without a value are left out."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "method", "path", *EXTRA_FIELDS, "client"):
            value = getattr(record, name, None)
            if value is not None and value != "-":
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _Handler(logging.StreamHandler):
    """Ours, so a second call replaces it instead of doubling every line."""


def configure_logging(settings: Mapping[str, Any], stream=None) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr) in the configured format; idempotent."""
    fmt = str(settings.get("LOG_FORMAT") or "text").lower()
    if fmt not in FORMATS:
        raise ConfigError(f'log_format must be "text" or "json", not {fmt!r}.')
    level = str(settings.get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(f'log_level must be DEBUG, INFO, WARNING or ERROR, not {level!r}.')
    handler = _Handler(stream or sys.stderr)
    handler.addFilter(RequestContextFilter(personal_data=bool(settings.get("LOG_PERSONAL_DATA"))))
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
