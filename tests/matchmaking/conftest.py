"""A matchmaking world for the tests: a project with an open matchmaking phase and three organisations.

- ``world.body``: Stadt Celle (a public body), Ben acts for it; one challenge;
- ``world.ini``: Digitalpaten (an initiative), Anna acts for it; one initiative;
- ``world.third``: Dorfmobil (another initiative), Cem acts for it;
- the initiator organises; each organisation has contact details that must stay hidden.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core.testing import T0
from core.toolkit import Project, create_user, db

WEEK = timedelta(days=7)


def contacts_of(name):
    """Recognisable contact details: none of them may leak to someone not allowed to see them."""
    slug = name.lower()
    return {"contact_email": f"geheim-{slug}@example.net", "contact_phone": f"0511-{sum(map(ord, slug))}-{len(slug)}77",
            "contact_name": f"Frau Verborgen-{name}"}


@pytest.fixture
def world(make_app, users, project_with_phase):
    """``world(plugins=["matchmaking"], **phase_settings)``: the app and the ids of everything in it."""

    def build(plugins=("matchmaking",), app=None, **settings):
        from plugins.matchmaking.models import Challenge, Field, Initiative
        from plugins.matchmaking.organisations import add_member, find_or_create

        app = app or make_app(plugins=list(plugins))
        people = users(app)
        settings = {"expiry_days": 14, "max_open_requests": 3, "wishlist": True, "wishlist_size": 5, **settings}
        slug, phase_id = project_with_phase(app, "matchmaking", start=T0 - timedelta(days=1), end=T0 + 4 * WEEK,
                                            people=people, slug="netz", title="Innovationsnetz", **settings)
        with app.app_context():
            cem = create_user("cem@example.org", "password-cem", "Cem")
            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            care = Field(project_id=project.id, name="Pflege", position=0)
            digital = Field(project_id=project.id, name="Digitale Teilhabe", position=1)
            db.session.add_all([care, digital])
            body, _ = find_or_create(project, "Stadt Celle", "public_body", region="03351006", **contacts_of("Celle"))
            ini, _ = find_or_create(project, "Digitalpaten", "initiative", region="03241001", **contacts_of("Paten"))
            third, _ = find_or_create(project, "Dorfmobil", "initiative", region="03355", **contacts_of("Dorf"))
            from core.toolkit import User

            add_member(body, db.session.get(User, people.ben.id))
            add_member(ini, db.session.get(User, people.anna.id))
            add_member(third, cem)
            challenge = Challenge(project_id=project.id, project=project, organisation=body,
                                  title="Wie können wir ältere Offliner mit digitalen Informationen versorgen?",
                                  description="Viele Seniorinnen nutzen kein Internet.", region="03351006",
                                  created_at=T0 - timedelta(days=1))
            challenge.fields = [digital]
            challenge.sdgs, challenge.target_groups, challenge.offers = [3, 10], ["seniors"], ["pilot_site"]
            initiative = Initiative(project_id=project.id, project=project, organisation=ini, name="Digitalpaten",
                                    summary="Ehrenamtliche begleiten ältere Menschen ins Internet.",
                                    description="Hausbesuche mit Tablets.", maturity="scaling",
                                    created_at=T0 - timedelta(days=1))
            initiative.regions = ["03"]
            initiative.fields = [digital]
            initiative.sdgs, initiative.target_groups, initiative.needs = [10], ["seniors"], ["pilot_site"]
            db.session.add_all([challenge, initiative])
            db.session.commit()
            ns = SimpleNamespace(
                app=app, people=people, slug=slug, phase_id=phase_id, project_id=project.id,
                body=body.id, ini=ini.id, third=third.id, challenge=challenge.id, initiative=initiative.id,
                fields={"care": care.id, "digital": digital.id},
                cem=SimpleNamespace(id=cem.id, email=cem.email, name=cem.display_name),
                base=f"/p/{slug}/matchmaking",
            )
        return ns

    return build


SECRETS = [value for name in ("Celle", "Paten", "Dorf") for value in contacts_of(name).values()]


def secrets_of(name):
    return list(contacts_of(name).values())
