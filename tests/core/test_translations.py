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


def _source_messages(*folders):
    """The msgids ``pybabel extract -F babel.cfg -k _l`` finds in ``folders`` (as ``make extract`` runs it)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = set()
    for folder in folders:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map, keywords=keywords
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_marked_in_the_sources_is_in_its_catalog():
    """A string added to a template or module without ``make extract`` would stay English on German pages."""
    sources = {"core/translations": ("core", "themes")}
    for plugin in sorted(ROOT.glob("plugins/*/translations")):
        sources[str(plugin.relative_to(ROOT))] = (str(plugin.parent.relative_to(ROOT)),)
    for catalog, folders in sources.items():
        known = {key for key, _m in _messages(ROOT / catalog / "de/LC_MESSAGES/messages.po")}
        missing = sorted(_source_messages(*folders) - known)
        assert not missing, f"{catalog}: run `make extract` and translate {missing[:5]}"
