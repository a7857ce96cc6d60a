"""Who may send each write route: every POST of the URL map, tried as each role, is refused or done.

``WRITES`` says for every write endpoint who succeeds (``right``) and how to
send a request that person succeeds with. Every role below the right one must
be refused on the server: a redirect to the login page (visitors), 403 or 404,
and not one row of the database changed. Then the right role sends the same
request and must succeed, with something written.

Roles, weakest first: a visitor; a logged-in ``participant`` with no role and
no contribution; the moderator and the initiator of *another* project; the
``moderator`` and the ``initiator`` of this project; the site ``admin``. For
one's own contributions the right role is their ``author`` (Anna), and the
others, staff included, are refused.

The table must name every write endpoint the app has, so a new write route
fails :func:`test_every_write_route_has_a_rule` until someone decides who may
send it. Routes anyone may send are listed as ``anyone``, with the reason.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import pytest

from core.extensions import db

#: Who is refused when ``right`` is the role that may send a route.
REFUSED = {
    "anyone": (),
    "participant": ("anonymous",),
    "author": ("anonymous", "participant", "other_moderator", "other_initiator", "moderator", "initiator"),
    # Acting for an organisation (matchmaking): its own people; the organisers (initiators) may step in.
    "member": ("anonymous", "participant", "other_moderator", "other_initiator", "moderator"),
    "moderator": ("anonymous", "participant", "other_moderator", "other_initiator"),
    "initiator": ("anonymous", "participant", "other_moderator", "other_initiator", "moderator"),
    "admin": ("anonymous", "participant", "other_moderator", "other_initiator", "moderator", "initiator"),
}
#: The demo user who plays each role (``None``: a visitor).
PLAYER = {
    "anonymous": None, "anyone": None, "participant": "participant", "author": "anna", "member": "anna",
    "other_moderator": "other_moderator", "other_initiator": "other_initiator",
    "moderator": "moderator", "initiator": "initiator", "admin": "admin",
}


@dataclass(frozen=True)
class Write:
    """Who may send a route, and a request that person succeeds with."""

    right: str
    #: ``send(site)`` → (url, form); runs in an app context and may create what the request acts on.
    send: Callable[["Site"], tuple[str, dict]]
    #: Why no role is needed (``anyone``, ``participant``).
    why: str = ""
    #: False for routes that succeed without a row changing (logging in, switching the language).
    writes: bool = True
    #: The demo user playing the right role, where it is not the usual one (a public body's person: Ben).
    player: str | None = None


class Site:
    """The demo site's content, and fresh things for a request to act on (so no route depends on another)."""

    def __init__(self, app, world):
        self.app, self.world, self.slugs = app, world, world.slugs

    # --- lookups -------------------------------------------------------------
    def user(self, key: str):
        from core.models import User

        return db.session.get(User, getattr(self.world.users, key).id)

    def project(self, slug: str):
        from core.models import Project

        return db.session.scalar(db.select(Project).where(Project.slug == slug))

    def paragraph(self, slug: str | None = None):
        from plugins.commenting.models import Paragraph

        project = self.project(slug or self.slugs.draft)
        return db.session.scalars(db.select(Paragraph).where(Paragraph.project_id == project.id)
                                  .order_by(Paragraph.id)).first()

    def document(self):
        from plugins.commenting.models import Document

        project = self.project(self.slugs.draft)
        return db.session.scalars(db.select(Document).where(Document.project_id == project.id)).first()

    def category(self, slug: str | None = None):
        from plugins.ideas.models import Category

        project = self.project(slug or self.slugs.ideas)
        return db.session.scalars(db.select(Category).where(Category.project_id == project.id)
                                  .order_by(Category.position)).first()

    def poll_question(self, slug: str | None = None, position: int = 0):
        from plugins.voting.models import Poll, Question

        project = self.project(slug or self.slugs.poll_draft)
        return db.session.scalar(db.select(Question).join(Poll).where(Poll.project_id == project.id)
                                 .order_by(Question.position).offset(position))

    # --- fresh things --------------------------------------------------------
    def comment(self, author: str = "anna", *, hidden: bool = False, reported_by: str | None = None):
        """A new comment on a paragraph of the open draft."""
        from plugins.comments import services
        from plugins.comments.api import add_comment

        paragraph = self.paragraph()
        comment = add_comment("paragraph", paragraph.id, paragraph.project, self.user(author), f"Comment {uuid.uuid4()}")
        if hidden:
            services.hide_comment(comment, self.user("moderator"), "Off topic", commit=False)
        if reported_by:
            services.report_comment(comment, self.user(reported_by), "spam", "")
        db.session.commit()
        return comment

    def idea(self, author: str = "anna", *, hidden: bool = False):
        """A new idea, without discussion, in the open idea collection."""
        from core.clock import now
        from plugins.ideas.models import Idea

        project = self.project(self.slugs.ideas)
        idea = Idea(project_id=project.id, project=project, author_id=self.user(author).id,
                    category_id=self.category().id, created_at=now())
        idea.set_content(f"Idea {uuid.uuid4().hex[:8]}", "A description.", "")
        if hidden:
            idea.hidden_at, idea.hidden_by_id, idea.hidden_reason = now(), self.user("moderator").id, "Spam"
        db.session.add(idea)
        db.session.commit()
        return idea

    def new_category(self):
        from plugins.ideas.models import Category

        project = self.project(self.slugs.ideas)
        category = Category(project_id=project.id, name=f"Category {uuid.uuid4().hex[:8]}", position=99)
        db.session.add(category)
        db.session.commit()
        return category

    def new_document(self, chapters: int = 1, paragraphs: int = 2):
        """A new document (second or later in the draft project) with chapters and paragraphs, no comments."""
        from plugins.commenting import services

        document = services.create_document(self.project(self.slugs.draft), f"Document {uuid.uuid4().hex[:8]}")
        for number in range(chapters):
            chapter = services.add_chapter(document, f"Chapter {number}")
            for line in range(paragraphs):
                services.add_paragraph(chapter, f"<p>Line {line}</p>")
        db.session.commit()
        return document

    def staffed_project(self, phases: int = 2):
        """A new project run by the demo initiator and moderator, with upcoming idea phases."""
        from core.clock import now
        from core.services import add_phase, create_project, grant_role

        project = create_project(f"p-{uuid.uuid4().hex[:8]}", "Staffed", "", initiator=self.user("initiator"))
        grant_role(project, self.user("moderator"), "moderator")
        for number in range(phases):
            start = now() + timedelta(days=30 + 10 * number)
            add_phase(project, "ideas", f"Phase {number}", start, start + timedelta(days=5))
        db.session.commit()
        return project

    def role_of(self, key: str, role: str, slug: str | None = None):
        from core.services import grant_role

        entry = grant_role(self.project(slug or self.slugs.draft), self.user(key), role)
        db.session.commit()
        return entry

    def question(self):
        """A new question in the editable poll."""
        from plugins.voting.models import Option, Poll, Question

        project = self.project(self.slugs.poll_draft)
        poll = db.session.scalar(db.select(Poll).where(Poll.project_id == project.id))
        question = Question(poll=poll, position=len(poll.questions), kind=Question.SINGLE, required=True,
                            text=f"Question {uuid.uuid4().hex[:8]}")
        question.options = [Option(text="Yes", position=0), Option(text="No", position=1)]
        db.session.add(question)
        db.session.commit()
        return question

    def poll_project(self):
        """A new project with a poll nobody answered, run by the demo initiator."""
        from plugins.voting.models import Poll

        project = self.staffed_project(phases=0)
        db.session.add(Poll(project_id=project.id, title="Poll", intro=""))
        db.session.commit()
        return project

    # --- matchmaking ---------------------------------------------------------
    def org(self, kind: str, member: str | None = None):
        """A new verified organisation ("body" or "initiative") of the matchmaking project, ``member`` acting for it."""
        from core.clock import now
        from plugins.matchmaking.models import INITIATIVE, PUBLIC_BODY
        from plugins.matchmaking.organisations import add_member, find_or_create

        project = self.project(self.slugs.matchmaking)
        org, _new = find_or_create(project, f"Org {uuid.uuid4().hex[:8]}", PUBLIC_BODY if kind == "body" else INITIATIVE,
                                   verified_at=now(), created_at=now())
        if member:
            add_member(org, self.user(member))
        db.session.commit()
        return org

    def challenge(self, org):
        from core.clock import now
        from plugins.matchmaking.models import Challenge

        item = Challenge(project_id=org.project_id, project=org.project, organisation=org,
                         title=f"Wie können wir {uuid.uuid4().hex[:6]}?", description="Beschreibung", created_at=now())
        db.session.add(item)
        db.session.commit()
        return item

    def initiative(self, org):
        from core.clock import now
        from plugins.matchmaking.models import Initiative

        item = Initiative(project_id=org.project_id, project=org.project, organisation=org,
                          name=f"Initiative {uuid.uuid4().hex[:6]}", summary="Kurz", description="", created_at=now())
        db.session.add(item)
        db.session.commit()
        return item

    def interest(self, sender, receiver):
        from plugins.matchmaking import interest as machine

        return machine.mark(sender, receiver).interest

    def connection(self, member: str = "anna"):
        """Two new organisations connected by mutual interest, ``member`` acting for the initiative."""
        from plugins.matchmaking import interest as machine

        mine, body = self.org("initiative", member), self.org("body")
        return machine.answer(self.interest(mine, body), accept=True).connection

    def introduction(self, member: str = "anna"):
        from plugins.matchmaking import interest as machine

        project = self.project(self.slugs.matchmaking)
        return machine.propose(project, self.org("body"), self.org("initiative", member), by=self.user("initiator"))

    def wishes(self, member: str = "ben", count: int = 2):
        """A new public body of ``member`` with a wish list of ``count`` initiatives."""
        from core.clock import now
        from plugins.matchmaking.models import Wish

        body = self.org("body", member)
        for rank in range(1, count + 1):
            db.session.add(Wish(project_id=body.project_id, organisation_id=body.id, rank=rank, created_at=now(),
                                initiative_id=self.initiative(self.org("initiative")).id))
        db.session.commit()
        return body

    def mm_field(self):
        from plugins.matchmaking.models import Field

        field = Field(project_id=self.project(self.slugs.matchmaking).id, name=f"Field {uuid.uuid4().hex[:6]}",
                      position=99)
        db.session.add(field)
        db.session.commit()
        return field

    def mm_report(self):
        from plugins.matchmaking import interest as machine

        return machine.report(self.org("initiative", "dora"), self.org("body"), "Spam")

    def token(self, purpose: str, key: str) -> str:
        from core.account_tokens import CONFIRM, RESET, make_token, password_fingerprint

        user = self.user(key)
        return make_token({"reset": RESET, "confirm": CONFIRM}[purpose], {"uid": user.id, "h": password_fingerprint(user)})

    def poll_answers(self) -> dict:
        """Answers to every question of the open (demo) poll."""
        from plugins.voting.models import Poll, Question

        project = self.project(self.slugs.poll)
        poll = db.session.scalar(db.select(Poll).where(Poll.project_id == project.id))
        answers = {}
        for question in poll.questions:
            if question.kind == Question.TEXT:
                answers[f"q{question.id}"] = "More trees, please."
            else:
                answers[f"q{question.id}"] = str(question.options[-1].id)
        return answers


def markdown_file():
    return (io.BytesIO(b"# Imported\n\n## Chapter\n\nA paragraph.\n"), "draft.md")


def csv_file():
    return (io.BytesIO(f"title,description,organisation\nWie können wir {uuid.uuid4().hex[:6]}?,Text,Stadt Neu\n"
                       .encode()), "challenges.csv")


def _unsubscribe_token(site: Site, user_key: str) -> str:
    from core.notifications.emails import unsubscribe_token

    return unsubscribe_token(site.user(user_key).id)


def _p(site: Site, slug_key: str = "draft") -> str:
    return f"/p/{getattr(site.slugs, slug_key)}"


# Each entry: endpoint -> Write(right role, request). The request is built freshly for each route.
WRITES: dict[str, Write] = {
    # --- accounts -------------------------------------------------------------
    "auth.login": Write(
        "anyone", lambda s: ("/login", {"email": "participant@example.org", "password": "password-participant"}),
        why="logging in is how a visitor becomes someone", writes=False),
    "auth.logout": Write("anyone", lambda s: ("/logout", {}), why="ends one's own session; without one it does nothing",
                         writes=False),
    "auth.register": Write(
        "anyone", lambda s: ("/register", {"display_name": "New person", "email": f"{uuid.uuid4().hex[:8]}@example.org",
                                           "password": "a long password", "password_again": "a long password",
                                           "accept_terms": "y"}),
        why="creating an account"),
    "auth.reset_request": Write(
        "anyone", lambda s: ("/reset", {"email": "ben@example.org"}),
        why="asking for a reset link; the mail goes to the address's owner, the answer is the same for every address",
        writes=False),
    "auth.reset_password": Write(
        "anyone", lambda s: (f"/reset/{s.token('reset', 'dora')}",
                             {"password": "a new long password", "password_again": "a new long password"}),
        why="the mailed, signed, single-use token is the credential"),
    "auth.set_language": Write("anyone", lambda s: ("/language", {"locale": "de", "next": "/"}),
                               why="the language switch; for a visitor only the session changes", writes=False),
    "auth.profile": Write("participant", lambda s: ("/account", {"display_name": "Renamed", "locale": "en"}),
                          why="everyone logged in edits their own profile"),
    # --- notifications (core) -------------------------------------------------
    "notifications.read": Write("participant", lambda s: ("/notifications/read", {}),
                                why="marks one's own notifications read; with none unread nothing changes",
                                writes=False),
    "notifications.settings": Write(
        "participant", lambda s: ("/notifications/settings", {
            **{f"kind_{name}": "off" for name in s.app.extensions["mitsprache"].registry.notification_kinds},
            "mute_all": "y"}),
        why="everyone logged in chooses their own notifications"),
    "notifications.unsubscribe": Write(
        "anyone", lambda s: (f"/notifications/unsubscribe/{_unsubscribe_token(s, 'ben')}", {}),
        why="the signed token in the e-mail is the credential (one click, RFC 8058)"),
    "admin.project_new": Write("admin", lambda s: ("/admin/projects/new", {
        "title": "New project", "slug": f"new-{uuid.uuid4().hex[:8]}", "description": "", "is_public": "y"})),
    # --- project management (core) --------------------------------------------
    "manage.overview": Write("initiator", lambda s: (f"{_p(s)}/manage", {
        "title": "Klimastrategie (renamed)", "slug": s.slugs.draft, "description": "<p>New</p>", "is_public": "y"})),
    "manage.member_add": Write("initiator", lambda s: (f"{_p(s)}/manage/members",
                                                       {"email": "cem@example.org", "role": "member"})),
    "manage.member_remove": Write(
        "initiator", lambda s: (f"{_p(s)}/manage/members/{s.role_of('dora', 'moderator').id}/delete", {})),
    "manage.phase_new": Write("initiator", lambda s: (f"/p/{s.staffed_project().slug}/manage/phases/new", {
        "kind": "ideas", "title": "Another phase", "description": "", "start": "2026-06-01T10:00",
        "end": "2026-06-10T10:00"})),
    "manage.phase_edit": Write("initiator", lambda s: _phase_request(s, "", {
        "kind": "ideas", "title": "Renamed phase", "description": "", "start": "2026-06-01T10:00",
        "end": "2026-06-10T10:00"})),
    "manage.phase_delete": Write("initiator", lambda s: _phase_request(s, "/delete", {})),
    "manage.phase_move": Write("initiator", lambda s: _phase_request(s, "/move/up", {}, index=1)),
    # --- a phase's results (core) -------------------------------------------------
    "results.edit": Write("initiator", lambda s: _phase_request(s, "/results", {
        "text": "<p>What came out</p>", "next_steps": "<p>What happens next</p>",
        "link_url": "https://example.org/draft-2.pdf", "link_label": "Draft 2", "action": "save"})),
    "results.unpublish": Write("initiator", lambda s: _published_results(s)),
    # --- one's own account and following (core) -----------------------------------
    "account.email_change": Write(
        "participant", lambda s: ("/account/email", {"email": f"{uuid.uuid4().hex[:8]}@example.org",
                                                     "current_password": "password-participant"}),
        why="everyone logged in asks for a new address of their own; nothing changes before the link is opened",
        writes=False),
    "account.email_confirm": Write(
        "anyone", lambda s: (f"/account/email/{_address_change_token(s)}", {}),
        why="the signed link mailed to the new address is the credential"),
    "account.delete": Write(
        "participant", lambda s: ("/account/delete", {"current_password": _leaving(s)}),
        why="everyone logged in deletes their own account, confirmed with their password", player="leaving"),
    "following.follow": Write("participant", lambda s: (f"{_p(s, 'elsewhere')}/follow", {"following": "1"}),
                              why="anyone logged in follows a project they may see"),
    # --- comments ---------------------------------------------------------------
    "comments.create": Write(
        "participant", lambda s: (f"/comments/paragraph/{s.paragraph().id}",
                                  {"text": "My comment", "token": str(uuid.uuid4())}),
        why="participation: any logged-in person while the commenting phase is open"),
    "comments.edit": Write("author", lambda s: (f"/comments/c/{s.comment().id}/edit", {"text": "Edited"})),
    "comments.delete": Write("author", lambda s: (f"/comments/c/{s.comment().id}/delete", {})),
    "comments.vote": Write("participant", lambda s: (f"/comments/c/{s.comment().id}/vote", {"value": "agree"}),
                           why="participation: rating others' comments while the phase is open"),
    "comments.report": Write("participant", lambda s: (f"/comments/c/{s.comment().id}/report", {"reason": "spam"}),
                             why="anyone logged in may flag a comment for the moderators"),
    "comments.hide": Write("moderator", lambda s: (f"/comments/c/{s.comment().id}/hide", {"reason": "Insult"})),
    "comments.restore": Write("moderator", lambda s: (f"/comments/c/{s.comment(hidden=True).id}/restore", {})),
    "comments.remark": Write("moderator", lambda s: (f"/comments/c/{s.comment().id}/remark", {"remark": "Noted."})),
    "comments_moderation.dismiss": Write("moderator", lambda s: (
        f"{_p(s)}/comments/moderation/{s.comment(reported_by='ben').id}/dismiss", {})),
    "comments_moderation.bulk": Write("moderator", lambda s: (
        f"{_p(s)}/comments/moderation/bulk", {"ids": [str(s.comment().id)], "action": "hide", "reason": "Spam"})),
    # --- documents (commenting) -------------------------------------------------
    "commenting.document_new": Write("initiator", lambda s: (f"{_p(s)}/documents/new", {"title": "New draft"})),
    "commenting.document_edit": Write("initiator", lambda s: (
        f"{_p(s)}/documents/{s.document().id}/edit", {"title": "Renamed draft", "preamble": "Intro"})),
    "commenting.document_delete": Write("initiator", lambda s: (
        f"{_p(s)}/documents/{s.new_document().id}/delete", {"expected": "0"})),
    "commenting.document_move": Write("initiator", lambda s: (
        f"{_p(s)}/documents/{s.new_document().id}/move/up", {})),
    "commenting.import_new": Write("initiator", lambda s: (f"{_p(s)}/documents/import", {"file": markdown_file()})),
    "commenting.import_again": Write("initiator", lambda s: (
        f"{_p(s)}/documents/{s.new_document().id}/import", {"file": markdown_file()})),
    "commenting.chapter_new": Write("initiator", lambda s: (
        f"{_p(s)}/documents/{s.document().id}/chapters/new", {"title": "New chapter"})),
    "commenting.chapter_edit": Write("initiator", lambda s: (
        f"{_p(s)}/documents/chapter/{s.new_document().chapters[0].id}/edit", {"title": "Renamed chapter"})),
    "commenting.chapter_move": Write("initiator", lambda s: (
        f"{_p(s)}/documents/chapter/{_last(s.new_document(chapters=2).chapters).id}/move/up", {})),
    "commenting.chapter_delete": Write("initiator", lambda s: (
        f"{_p(s)}/documents/chapter/{s.new_document().chapters[0].id}/delete", {"expected": "0"})),
    "commenting.paragraph_new": Write("initiator", lambda s: (
        f"{_p(s)}/documents/chapter/{s.new_document().chapters[0].id}/paragraphs/new", {"text": "A new paragraph."})),
    "commenting.paragraph_edit": Write("initiator", lambda s: (
        f"{_p(s)}/documents/paragraph/{s.new_document().chapters[0].paragraphs[0].id}/edit", {"text": "Changed."})),
    "commenting.paragraph_move": Write("initiator", lambda s: (
        f"{_p(s)}/documents/paragraph/{_last(s.new_document().chapters[0].paragraphs).id}/move/up", {})),
    "commenting.paragraph_delete": Write("initiator", lambda s: (
        f"{_p(s)}/documents/paragraph/{s.new_document().chapters[0].paragraphs[0].id}/delete", {"expected": "0"})),
    # --- responses ----------------------------------------------------------------
    # Editors ("Redaktion"), initiators and admins speak for the organisation; moderators do not.
    "responses.edit": Write("initiator", lambda s: (
        f"{_p(s, 'draft_ended')}/responses/paragraph/{s.paragraph(s.slugs.draft_ended).id}",
        {"response-text": f"Official {uuid.uuid4()}"})),
    "responses.delete": Write("initiator", lambda s: _answered(s)),
    # --- ideas --------------------------------------------------------------------
    "ideas.new": Write("participant", lambda s: (f"{_p(s, 'ideas')}/ideas/new", {
        "title": "Shade for the sandpit", "description": "Sails over it.", "category": str(s.category().id),
        "token": uuid.uuid4().hex}), why="participation: any logged-in person while the idea phase is open"),
    "ideas.edit": Write("author", lambda s: (f"{_p(s, 'ideas')}/ideas/{s.idea().id}/edit", {
        "title": "Edited idea", "description": "Edited.", "category": str(s.category().id)})),
    "ideas.delete": Write("author", lambda s: (f"{_p(s, 'ideas')}/ideas/{s.idea().id}/delete", {})),
    "ideas.hide": Write("moderator", lambda s: (f"{_p(s, 'ideas')}/ideas/{s.idea().id}/hide", {"reason": "Spam"})),
    "ideas.restore": Write("moderator", lambda s: (f"{_p(s, 'ideas')}/ideas/{s.idea(hidden=True).id}/restore", {})),
    "ideas.categories": Write("initiator", lambda s: (f"{_p(s, 'ideas')}/ideas/categories", {"name": "Water"})),
    "ideas.category_rename": Write("initiator", lambda s: (
        f"{_p(s, 'ideas')}/ideas/categories/{s.new_category().id}", {"name": "Renamed"})),
    "ideas.category_delete": Write("initiator", lambda s: (
        f"{_p(s, 'ideas')}/ideas/categories/{s.new_category().id}/delete", {})),
    # --- voting -------------------------------------------------------------------
    "voting_vote.vote": Write("participant", lambda s: (
        f"/voting/vote/idea/{_rated_idea(s)}", {"value": "1"}),
        why="participation: any logged-in person while the rating phase is open"),
    "voting.answer": Write("participant", lambda s: (f"{_p(s, 'poll')}/poll", s.poll_answers()),
                           why="participation: any logged-in person while the poll is open"),
    "voting.manage": Write("initiator", lambda s: (f"{_p(s, 'poll_draft')}/poll/manage",
                                                   {"title": "Renamed poll", "intro": ""})),
    "voting.question_new": Write("initiator", lambda s: (f"{_p(s, 'poll_draft')}/poll/questions/new", {
        "text": "Which day?", "kind": "single", "required": "y", "options": "Monday\nFriday"})),
    "voting.question_edit": Write("initiator", lambda s: (f"{_p(s, 'poll_draft')}/poll/questions/{s.question().id}", {
        "text": "Edited question", "kind": "single", "required": "y", "options": "Yes\nNo"})),
    "voting.question_delete": Write("initiator", lambda s: (
        f"{_p(s, 'poll_draft')}/poll/questions/{s.question().id}/delete", {})),
    "voting.question_move": Write("initiator", lambda s: (
        f"{_p(s, 'poll_draft')}/poll/questions/{s.question().id}/move/up", {})),
    "voting.poll_delete": Write("initiator", lambda s: (f"/p/{s.poll_project().slug}/poll/delete", {})),
    # --- matchmaking --------------------------------------------------------------
    "matchmaking.new_organisation": Write("participant", lambda s: (f"{_mm(s)}/organisations/new", {
        "kind": "initiative", "name": f"Neu {uuid.uuid4().hex[:6]}", "region": ""}),
        why="participation: anyone logged in registers their organisation while matchmaking runs",
        player="dora"),  # not the participant: acting for an organisation would change what they may do later
    "matchmaking.edit_organisation": Write("member", lambda s: (
        f"{_mm(s)}/organisations/{s.org('initiative', 'anna').id}/edit",
        {"kind": "initiative", "name": "Renamed e. V.", "region": ""})),
    "matchmaking.verify": Write("initiator", lambda s: (
        f"{_mm(s)}/organisations/{s.org('initiative').id}/verify", {})),
    "matchmaking.block": Write("member", lambda s: _acting(s, "block", {})),
    "matchmaking.report": Write("member", lambda s: _acting(s, "report", {"reason": "Spam"})),
    "matchmaking.new_item": Write("member", lambda s: (f"{_mm(s)}/initiatives/new", {
        "organisation": str(s.org("initiative", "anna").id), "name": "Neue Initiative", "summary": "Kurz",
        "maturity": "idea"})),
    "matchmaking.edit_item": Write("member", lambda s: (
        f"{_mm(s)}/initiatives/{s.initiative(s.org('initiative', 'anna')).id}/edit", {
            "organisation": str(s.org("initiative", "anna").id), "name": "Umbenannt", "summary": "Kurz",
            "maturity": "pilot"})),
    "matchmaking.mark": Write("member", lambda s: (
        f"{_mm(s)}/interest/challenge/{s.challenge(s.org('body')).id}",
        {"sender": str(s.org("initiative", "anna").id), "message": "Wir helfen gern."})),
    "matchmaking.answer": Write("member", lambda s: (
        f"{_mm(s)}/interests/{s.interest(s.org('initiative'), s.org('body', 'ben')).id}/accept", {}), player="ben"),
    "matchmaking.withdraw": Write("member", lambda s: (
        f"{_mm(s)}/interests/{s.interest(s.org('initiative', 'anna'), s.org('body')).id}/withdraw", {})),
    "matchmaking.message": Write("member", lambda s: (
        f"{_mm(s)}/connections/{s.connection().id}/messages", {"body": "Hallo!"})),
    "matchmaking.answer_introduction": Write("member", lambda s: (
        f"{_mm(s)}/introductions/{s.introduction().id}/accept", {})),
    "matchmaking.add_wish": Write("member", lambda s: (f"{_mm(s)}/wishlist", {
        "acting": str(s.wishes(count=0).id), "initiative": str(s.initiative(s.org("initiative")).id)}), player="ben"),
    "matchmaking.change_wish": Write("member", lambda s: (
        f"{_mm(s)}/wishlist/{_last_wish(s.wishes())}/up", {}), player="ben"),
    "matchmaking.preferences": Write("participant", lambda s: (f"{_mm(s)}/preferences", {"recommendations": "y"}),
                                     why="everyone logged in chooses whether to see suggestions"),
    "matchmaking.propose": Write("initiator", lambda s: (f"{_mm(s)}/organisers/introductions", {
        "body": str(s.org("body").id), "partner": str(s.org("initiative").id), "note": "Passt."})),
    "matchmaking.outcome": Write("initiator", lambda s: (
        f"{_mm(s)}/connections/{s.connection().id}/outcome", {"outcome": "pilot_agreed", "note": "Pilot"})),
    "matchmaking.resolve_report": Write("initiator", lambda s: (f"{_mm(s)}/reports/{s.mm_report().id}/resolve", {})),
    "matchmaking.fields": Write("initiator", lambda s: (f"{_mm(s)}/organisers/fields", {"name": "Neues Feld"})),
    "matchmaking.delete_field": Write("initiator", lambda s: (
        f"{_mm(s)}/organisers/fields/{s.mm_field().id}/delete", {})),
    "matchmaking.import_catalogue": Write("initiator", lambda s: (f"{_mm(s)}/organisers/import", {
        "kind": "challenges", "file": csv_file()})),
    "matchmaking.settings": Write("initiator", lambda s: (f"{_mm(s)}/organisers/settings", {"extra_kinds": "Stiftung"})),
    "matchmaking.allocation": Write("initiator", lambda s: _allocation(s)),
}


def _mm(site: Site) -> str:
    return f"/p/{site.slugs.matchmaking}/matchmaking"


def _acting(site: Site, action: str, form: dict):
    """Block or report another organisation, acting for one of Anna's."""
    mine, other = site.org("initiative", "anna"), site.org("body")
    return f"{_mm(site)}/organisations/{other.id}/{action}", {"acting": str(mine.id), **form}


def _allocation(site: Site):
    """Slots for the event from the wish lists, one of them new (so there is a meeting to propose)."""
    site.wishes(count=1)
    return f"{_mm(site)}/organisers/allocation", {"compute": "1", "body_capacity": "3", "initiative_capacity": "3"}


def _last_wish(body) -> int:
    return max(body_wishes(body), key=lambda wish: wish.rank).id


def body_wishes(body):
    from plugins.matchmaking.models import Wish

    return db.session.scalars(db.select(Wish).where(Wish.organisation_id == body.id)).all()


def _last(items):
    return sorted(items, key=lambda item: item.position)[-1]


def _answered(site: Site):
    """An official response to a paragraph of the ended draft, to delete."""
    from plugins.responses.models import Response

    paragraph = site.paragraph(site.slugs.draft_ended)
    db.session.execute(db.delete(Response).where(Response.item_type == "paragraph", Response.item_id == paragraph.id))
    db.session.add(Response(project_id=paragraph.project_id, item_type="paragraph", item_id=paragraph.id,
                            author_id=site.user("initiator").id, text_html="<p>Answered.</p>"))
    db.session.commit()
    return f"{_p(site, 'draft_ended')}/responses/paragraph/{paragraph.id}/delete", {}


def _phase_request(site: Site, suffix: str, form: dict, index: int = 0):
    """A phase of a new project of the demo initiator (deleting or moving one leaves the demo intact)."""
    project = site.staffed_project()
    phase = sorted(project.phases, key=lambda p: p.position)[index]
    return f"/p/{project.slug}/manage/phases/{phase.id}{suffix}", form


def _published_results(site: Site):
    """Published results of a phase of a new project of the demo initiator, to take back."""
    from core.models import Phase
    from core.results.services import save_results

    url, form = _phase_request(site, "/results/unpublish", {})
    phase_id = int(url.split("/phases/")[1].split("/")[0])
    save_results(db.session.get(Phase, phase_id), "<p>Published</p>", publish=True)
    db.session.commit()
    return url, form


def _fresh_user(site: Site, key: str):
    """A new account, known to the test as ``world.users.<key>`` (for routes that use an account up)."""
    from types import SimpleNamespace

    from core.services import create_user

    user = create_user(f"{key}-{uuid.uuid4().hex[:8]}@example.org", f"password-{key}", key.title())
    db.session.commit()
    setattr(site.world.users, key, SimpleNamespace(id=user.id, email=user.email, name=user.display_name))
    return user


def _leaving(site: Site) -> str:
    """A new account to delete (the demo's people are needed by later routes); returns its password."""
    _fresh_user(site, "leaving")
    return "password-leaving"


def _address_change_token(site: Site) -> str:
    """The link a new account's owner got for a new address."""
    from core.account_tokens import CHANGE_ADDRESS, make_token, password_fingerprint
    from core.views.account import address_fingerprint

    user = _fresh_user(site, "moving")
    return make_token(CHANGE_ADDRESS, {"uid": user.id, "new": f"moved-{uuid.uuid4().hex[:8]}@example.org",
                                       "h": password_fingerprint(user), "old": address_fingerprint(user)})


def _rated_idea(site: Site) -> int:
    """An idea of the project whose rating phase is open."""
    from plugins.ideas.models import Idea

    project = site.project(site.slugs.rating)
    return db.session.scalars(db.select(Idea.id).where(Idea.project_id == project.id).order_by(Idea.id)).first()


def write_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}}


def fingerprint(app) -> str:
    """A digest of every row of every table this app owns: it changes when anything is written.

    The app's own tables (core and enabled plugins), not every model the process
    has imported: test plugins of other modules share the metadata but have no table here.
    """
    from core.migrate import owned_tables

    digest = hashlib.sha256()
    with app.app_context():
        tables = {table.name: table for owned in owned_tables(app).values() for table in owned}
        for table in sorted(tables.values(), key=lambda t: t.name):
            rows = sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
            digest.update(table.name.encode())
            digest.update("\n".join(rows).encode())
        db.session.remove()
    return digest.hexdigest()


def refused(response, user) -> bool:
    """A visitor is sent to log in; a logged-in person gets 403 or 404."""
    if response.status_code in (403, 404):
        return True
    location = urlsplit(response.headers.get("Location", "")).path
    return user is None and response.status_code in (302, 303) and location == "/login"


def test_every_write_route_has_a_rule(demo_site):
    app, _world = demo_site
    endpoints = write_endpoints(app)
    assert endpoints - WRITES.keys() == set(), "write routes without a rule in WRITES: decide who may send them"
    assert WRITES.keys() - endpoints == set(), "rules for write routes that no longer exist"
    for endpoint, write in WRITES.items():
        assert write.right in REFUSED, endpoint
        assert write.why or write.right not in ("anyone", "participant"), f"{endpoint}: say why no role is needed"


def test_wrong_roles_are_refused_and_the_right_role_succeeds(demo_site, login):
    app, world = demo_site
    site = Site(app, world)
    failures = []
    for endpoint, write in sorted(WRITES.items()):
        with app.app_context():
            url, form = write.send(site)
            db.session.remove()
        for role in REFUSED[write.right]:
            user = getattr(world.users, PLAYER[role]) if PLAYER[role] else None
            before = fingerprint(app)
            response = login(app, user).post(url, data=_fresh(form))
            if not refused(response, user):
                failures.append(f"{endpoint}: {role} was not refused: {response.status_code} "
                                f"{response.headers.get('Location', '')}")
            elif fingerprint(app) != before:
                failures.append(f"{endpoint}: {role} was refused, but something was written")
        player = write.player or PLAYER[write.right]
        user = getattr(world.users, player) if player else None
        before = fingerprint(app)
        response = login(app, user).post(url, data=_fresh(form))
        location = urlsplit(response.headers.get("Location", "")).path
        # (A visitor's own routes may end on the login page: "we have sent you a link".)
        if response.status_code >= 400 or (location == "/login" and write.right != "anyone"):
            failures.append(f"{endpoint}: {write.right} failed: {response.status_code} {location}")
        elif write.writes and fingerprint(app) == before:
            failures.append(f"{endpoint}: {write.right} got {response.status_code}, but nothing was written")
    assert not failures, "\n".join(failures)


def _fresh(form: dict) -> dict:
    """The form with new file streams (a stream can be read once)."""
    return {name: (io.BytesIO(value[0].getvalue()), value[1]) if isinstance(value, tuple) else value
            for name, value in form.items()}
