"""A whole site to attack: every built-in plugin, the demo's content, and a project run by other people.

The demo (``core.demo.seed_demo``) gives a project in each state a real
deployment has: a draft open for comments (with a document, comments and
replies), one whose commenting ended and one that starts later, an open idea
collection, ideas being rated, a poll people have answered, and whatever the
other built-in plugins seed (matchmaking's catalogues). On top:

- ``participant``: a registered user with no role and no contribution yet;
- ``elsewhere``: a project whose initiator and moderator hold no role in any
  demo project (``other_initiator``, ``other_moderator``), so "staff, but of
  another project" is a role of its own;
- ``umfrage-entwurf``: a poll of the demo initiator that nobody has answered
  yet, so its questions can still be edited.

Typical use::

    def test_something(demo_site, login):
        app, world = demo_site
        client = login(app, world.users.anna)
        assert client.get(f"/p/{world.slugs.ideas}/ideas").status_code == 200
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from core.extensions import db


def built_in_plugins() -> list[str]:
    """Every plugin that ships with Mitsprache: a new one is attacked (and must be covered) at once."""
    from core.plugins import available_plugins

    return sorted(name for name, plugin in available_plugins().items() if plugin.source == "built-in")


#: The demo's projects by what they are good for.
SLUGS = SimpleNamespace(
    draft="klimastrategie-2030",          # commenting phase open, document with comments
    draft_ended="radverkehrsplan-innenstadt",
    draft_upcoming="laermaktionsplan",
    rating="kiezfonds",                   # ideas ended, rating open
    ideas="spielplatz-ideen",             # ideas open
    poll="umfrage-stadtpark",             # poll open and answered (locked)
    poll_draft="umfrage-entwurf",         # poll not yet open, editable
    matchmaking="innovationsnetz-niedersachsen",  # matchmaking open: Ben acts for a public body, Anna for an initiative
    elsewhere="elsewhere",                # other people's project
)


@pytest.fixture
def demo_site(make_app, clock):
    """``(app, world)``: an app with all plugins and demo-like content; ``world.users.<key>`` has ``.id``."""
    from core.demo import seed_demo
    from core.services import add_phase, create_project, create_user, grant_role
    from plugins.voting.models import Option, Poll, Question

    app = make_app(plugins=built_in_plugins())
    with app.app_context():
        demo = seed_demo()
        people = dict(demo.users)
        people["participant"] = create_user("participant@example.org", "password-participant", "Participant")
        people["other_initiator"] = create_user("other-initiator@example.org", "password-other", "Other initiator")
        people["other_moderator"] = create_user("other-moderator@example.org", "password-other", "Other moderator")
        elsewhere = create_project(SLUGS.elsewhere, "Elsewhere", "<p>Run by others.</p>",
                                   initiator=people["other_initiator"])
        grant_role(elsewhere, people["other_moderator"], "moderator")
        add_phase(elsewhere, "ideas", "Ideas elsewhere", demo.days(-1), demo.days(10))

        draft_poll = create_project(SLUGS.poll_draft, "Umfrage (Entwurf)", "", initiator=people["initiator"])
        grant_role(draft_poll, people["moderator"], "moderator")
        add_phase(draft_poll, "poll", "Umfrage", demo.days(5), demo.days(20))
        poll = Poll(project_id=draft_poll.id, title="Entwurf", intro="")
        for position, (text, options) in enumerate((("Wie oft?", ["Oft", "Selten"]), ("Wo?", ["Hier", "Dort"]))):
            question = Question(poll=poll, position=position, kind=Question.SINGLE, required=True, text=text)
            question.options = [Option(text=t, position=i) for i, t in enumerate(options)]
        db.session.add(poll)
        db.session.commit()
        users = SimpleNamespace(**{
            key: SimpleNamespace(id=user.id, email=user.email, name=user.display_name) for key, user in people.items()
        })
    return app, SimpleNamespace(users=users, slugs=SLUGS)
