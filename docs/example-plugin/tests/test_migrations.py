"""The plugin's Alembic revisions build exactly its models.

The other tests build their databases with a shortcut that always matches the
models; this one replays the revisions, as ``mitsprache db upgrade`` does on a
site. When it fails, write the missing revision:
``mitsprache db revision wishes -m "what changed"``.
"""


def test_revisions_match_models(assert_revisions_match_models):
    assert_revisions_match_models("wishes")
