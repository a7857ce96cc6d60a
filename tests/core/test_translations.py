"""The German catalogs: complete, and consistent across plugins.

Flask-Babel merges the core's and every plugin's catalog into one, so the same
English text translated differently in two catalogs would silently override one
of them.
"""
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(ROOT.glob("core/translations/de/LC_MESSAGES/messages.po")) + sorted(
    ROOT.glob("plugins/*/translations/de/LC_MESSAGES/messages.po")
)


def _messages(path):
    with path.open("rb") as fh:
        for message in read_po(fh):
            if message.id:
                key = message.id if isinstance(message.id, str) else message.id[0]
                yield key, message


def test_every_catalog_is_complete_and_not_fuzzy():
    assert len(CATALOGS) >= 5
    for path in CATALOGS:
        missing = [key for key, m in _messages(path) if not m.string or (isinstance(m.string, tuple) and not all(m.string))]
        fuzzy = [key for key, m in _messages(path) if m.fuzzy]
        assert not missing, f"{path.relative_to(ROOT)}: untranslated {missing[:5]}"
        assert not fuzzy, f"{path.relative_to(ROOT)}: fuzzy {fuzzy[:5]}"


def test_the_same_text_is_translated_the_same_everywhere():
    seen = defaultdict(dict)
    for path in CATALOGS:
        for key, message in _messages(path):
            seen[key][str(path.relative_to(ROOT))] = message.string
    conflicts = {key: where for key, where in seen.items() if len(set(map(str, where.values()))) > 1}
    assert not conflicts, f"differently translated in different catalogs: {conflicts}"
