"""The site search: one index of everything people may read, found in German and English.

A plugin declares what it wants found, once, and the core does the rest::

    @hookimpl
    def register_search_sources(register):
        register(SearchSource("idea", _l("Idea"), Idea, load=load_ideas, url=idea_url, plural=_l("Ideas"),
                              document=lambda idea: SearchDocument(idea.project_id, idea.title,
                                                                   idea.description_text, hidden=idea.is_hidden)))

The modules, one concern each:

- :mod:`.stemming`: words to German and English Snowball stems, umlauts folded;
- :mod:`.models`: the documents table and each engine's full-text table (FTS5, tsvector);
- :mod:`.index`: writing and removing documents in the caller's transaction;
- :mod:`.sync`: the ORM events that index every write of a declared model, and ``reindex``;
- :mod:`.sources`: collecting the declarations (the core's own: projects);
- :mod:`.query`: a search box's text as a safe query, with readable errors;
- :mod:`.engine`: matching and ranking in each engine's dialect;
- :mod:`.visibility`: who may find what, as SQL conditions;
- :mod:`.results` and :mod:`.snippets`: a page of results with marked, escaped snippets;
- :mod:`.views` and :mod:`.cli`: ``/search`` and ``mitsprache search reindex``.
"""
