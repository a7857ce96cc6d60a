"""A write outdates exactly the cached fragments that show what it changed (core/cache_scopes.py)."""
from __future__ import annotations

import os
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.cache import cache
from core.extensions import db
from core.testing import T0
from tests.helpers import require_redis

REDIS_URL = os.environ.get("MITSPRACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def draft(make_app, users, project_with_phase):
    """A commenting project: chapter 1 with paragraphs A and B, chapter 2 with paragraph C."""
    app = make_app(plugins=["comments", "commenting", "voting"])
    return _draft(app, users(app), project_with_phase)


def _draft(app, people, project_with_phase):
    from core.models import Project
    from plugins.commenting import services

    slug, phase_id = project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(days=5),
                                        people=people)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        document = services.create_document(project, "Entwurf")
        one, two = services.add_chapter(document, "Eins"), services.add_chapter(document, "Zwei")
        a, b = services.add_paragraph(one, "<p>Absatz A</p>"), services.add_paragraph(one, "<p>Absatz B</p>")
        c = services.add_paragraph(two, "<p>Absatz C</p>")
        db.session.commit()
        return SimpleNamespace(app=app, people=people, slug=slug, phase_id=phase_id, project_id=project.id,
                               one=one.id, two=two.id, a=a.id, b=b.id, c=c.id)


def _keys(app) -> set[str]:
    """The keys in the app's memory cache (Flask-Caching's SimpleCache)."""
    with app.app_context():
        return {key for key in cache.cache._cache}


def _chapter(draft, chapter_id):
    return f"/p/{draft.slug}/documents/chapter/{chapter_id}"


def test_a_comment_on_a_paragraph_outdates_its_thread_and_chapter_but_not_its_neighbours(draft, login):
    reader = draft.app.test_client()
    pages = {"thread_b": "/comments/paragraph/%d" % draft.b, "chapter_two": _chapter(draft, draft.two)}
    for url in (*pages.values(), "/comments/paragraph/%d" % draft.a, _chapter(draft, draft.one)):
        assert reader.get(url).status_code == 200
    before = _keys(draft.app)

    anna = login(draft.app, draft.people.anna)
    assert anna.post(f"/comments/paragraph/{draft.a}", data={"text": "Neu zu A"}).status_code == 302

    thread_a = reader.get(f"/comments/paragraph/{draft.a}").get_data(as_text=True)
    assert "Neu zu A" in thread_a  # at once
    chapter_one = reader.get(_chapter(draft, draft.one)).get_data(as_text=True)
    assert "1 comment" in chapter_one
    for url in pages.values():
        assert reader.get(url).status_code == 200
    new = _keys(draft.app) - before
    # B's thread and chapter 2's body were served from the entries stored before the comment.
    assert not [key for key in new if f"'paragraph', {draft.b}," in key], new
    assert not [key for key in new if f"'commenting.chapter', {draft.two}," in key and "'body')" in key], new
    # Chapter 2's contents list chapter 1's count: that fragment is new, as is A's thread.
    assert [key for key in new if f"'commenting.chapter', {draft.two}," in key and "'toc')" in key], new
    assert [key for key in new if f"'paragraph', {draft.a}," in key], new


def test_reports_and_notifications_outdate_nothing_readers_see(draft, login):
    from core.cache_scopes import versions
    from plugins.comments.models import Comment

    anna = login(draft.app, draft.people.anna)
    anna.post(f"/comments/paragraph/{draft.a}", data={"text": "Zu melden"})
    with draft.app.test_request_context():
        comment_id = db.session.scalar(db.select(Comment.id))
        everything = versions(["p%d/" % draft.project_id, "people/"])
    ben = login(draft.app, draft.people.ben)
    response = ben.post(f"/comments/c/{comment_id}/report", data={"reason": "spam", "text": "Werbung"})
    assert response.status_code in (200, 302)
    with draft.app.app_context():
        from core.notifications.models import Notification
        from plugins.comments.models import Report

        assert db.session.scalar(db.select(db.func.count(Report.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Notification.id)))  # the moderators were told
    with draft.app.test_request_context():
        assert versions(["p%d/" % draft.project_id, "people/"]) == everything


def test_core_level_writes_of_voting_outdate_the_item(make_app, users, project_with_phase):
    """Voting writes with Core ``insert``/``update``/``delete`` statements; they bump the item's votes scope."""
    from core.cache_scopes import item_scope, versions
    from core.models import Phase
    from plugins.voting.services.rating import set_vote

    app = make_app(plugins=["comments", "commenting", "voting"])
    draft = _draft(app, users(app), project_with_phase)

    def version():
        with app.test_request_context():
            scope = item_scope("paragraph", draft.a, draft.project_id)
            return versions([scope])[scope][0]

    before = version()
    with app.test_request_context():
        phase = db.session.get(Phase, draft.phase_id)
        set_vote(phase, "paragraph", draft.a, draft.people.anna.id, 1)
    after_insert = version()
    assert after_insert > before
    with app.test_request_context():
        set_vote(db.session.get(Phase, draft.phase_id), "paragraph", draft.a, draft.people.anna.id, -1)
    after_update = version()
    assert after_update > after_insert
    with app.test_request_context():
        set_vote(db.session.get(Phase, draft.phase_id), "paragraph", draft.a, draft.people.anna.id, 0)
    assert version() > after_update


def test_a_new_release_changes_every_key(draft):
    from core.cache import fragment_key, release
    from core.models import Project

    with draft.app.test_request_context():
        project = db.session.get(Project, draft.project_id)
        assert release() in fragment_key(("x",), project)
        old = fragment_key(("x",), project)
        draft.app.extensions["mitsprache"].cache_release = "0.2.0+abcdef"
        assert fragment_key(("x",), project) != old


def test_two_instances_sharing_redis_see_each_others_writes_at_once(make_app, users, project_with_phase, login,
                                                                     clock, tmp_path):
    require_redis(REDIS_URL)
    prefix = f"mitsprache-test-{uuid.uuid4().hex}:"
    shared = dict(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    first = make_app(plugins=["comments", "commenting"], **shared)
    draft = _draft(first, users(first), project_with_phase)
    second = _same_deployment(first, tmp_path, clock, shared)
    try:
        reader = second.test_client()
        url = f"/comments/paragraph/{draft.a}"
        assert "Über Redis" not in reader.get(url).get_data(as_text=True)
        assert reader.get(url).get_data(as_text=True) == reader.get(url).get_data(as_text=True)
        anna = login(first, draft.people.anna)
        assert anna.post(url, data={"text": "Über Redis"}).status_code == 302
        assert "Über Redis" in reader.get(url).get_data(as_text=True)
        assert "1 comment" in reader.get(_chapter(draft, draft.one)).get_data(as_text=True)
    finally:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        with second.app_context():
            db.session.remove()
            db.engine.dispose()


def _same_deployment(app, tmp_path, clock, config):
    """Another app (another gunicorn worker or host) on ``app``'s database, without touching its schema."""
    from core.app import create_app

    settings = {
        "secret_key": "test-secret", "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
        "plugins": ["comments", "commenting"], "default_locale": "en", "TESTING": True,
        "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **config,
    }
    if "SQLALCHEMY_ENGINE_OPTIONS" in app.config:  # PostgreSQL: the test run's own schema
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    return create_app(settings, instance_path=tmp_path / "second", clock=clock)
