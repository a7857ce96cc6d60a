"""A site full of XSS payloads, written through the real forms, and the list of pages that show them.

:func:`build` posts every payload of :mod:`tests.security.xss_payloads` into
every stored user text field of the core and the built-in plugins, through the
same routes and forms a browser uses (validation, sanitizer, Markdown and all).
It returns a :class:`Plan`: which pages each kind of visitor opens, which forms
echo a payload back, and which markers went into which field, so the test can
check that every field's text was on the pages it looked at.

One record per payload where text becomes HTML through the sanitizer's
allow-list (project and phase descriptions) or Markdown (paragraphs), since
one payload could change how the next one is parsed; and where the record is
the point (comments and replies, each by a person with a payload name;
categories). Everywhere else the text is escaped before any HTML is made (titles,
reasons, remarks, plain-text descriptions), so many payloads share one record
(:meth:`Plan.packed`) and one page, and the :data:`BREAKOUTS` get records of
their own, opened on their detail pages and in their edit forms.

Structure that holds no payload (projects, phases, documents to comment on) is
made with the services, as the demo does.
"""
from __future__ import annotations

import io
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote
from zoneinfo import ZoneInfo

from core.extensions import db
from core.models import User
from core.services import add_phase, create_project, create_user, grant_role
from tests.conftest import T0
from tests.security.xss_payloads import BREAKOUTS, PAYLOADS, URL_PAYLOADS, render

PASSWORDS = {"admin": "password-admin", "initiator": "password-init", "moderator": "password-mod",
             "anna": "password-anna", "ben": "password-ben"}
PAYLOAD_PASSWORD = "password-xss-person"
OPEN = (T0 - timedelta(days=1), T0 + timedelta(days=10))
IDEAS_OPEN = (T0 - timedelta(days=1), T0 + timedelta(days=5))
#: The moment the ideas project's rating phase is open (its voting widgets show every idea title).
RATING_AT = T0 + timedelta(days=6)
BREAKOUT_INDEXES = [i for i, p in enumerate(PAYLOADS) if p in BREAKOUTS]


@dataclass
class Plan:
    """What :func:`build` planted and where a browser should look for it."""

    #: field key (see the test's inventory) -> markers planted in that field
    markers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: viewer key -> paths to open
    visits: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: viewer key -> (chapter path, paragraph id): open the discussion in place with htmx and load all of it
    discussions: list[tuple[str, str, int]] = field(default_factory=list)
    #: (viewer key, field key, page path, form action, fields): forms that echo what was sent
    echoes: list[tuple[str, str, str, str, dict]] = field(default_factory=list)
    #: viewer key -> (email, password)
    logins: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: paths opened as participant once the rating phase is open
    rating_visits: list[str] = field(default_factory=list)
    next_marker: int = 900_000

    def plant(self, key: str, template: str) -> str:
        """The payload with a fresh marker, remembered as planted in ``key``."""
        marker = self.next_marker
        self.next_marker += 1
        self.markers[key].append(marker)
        return render(template, marker)

    def packed(self, key: str, limit: int, sep: str = "\n\n", templates=PAYLOADS) -> list[str]:
        """Every payload planted in ``key``, packed into as few texts of at most ``limit`` characters as fit.

        For fields printed as text or sanitized from plain text or Markdown (escaped before any HTML
        is parsed), one text holding many payloads tests each of them as well as its own record
        would, and needs one page instead of one per payload.
        """
        texts, current = [], ""
        for template in templates:
            text = self.plant(key, template)
            if current and len(current) + len(sep) + len(text) > limit:
                texts.append(current)
                current = text
            else:
                current = current + sep + text if current else text
        return texts + [current]


def _posted(response, what: str):
    """Every planting post must be accepted (a redirect), or the test would check nothing."""
    assert response.status_code in (302, 303), (
        f"{what}: HTTP {response.status_code}\n{response.get_data(as_text=True)[:800]}"
    )
    return response


class Builder:
    """Posts the payloads; one method per area of the site."""

    def __init__(self, app, people, login):
        self.app, self.people, self.login = app, people, login
        self.plan = Plan()
        self.tz = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        self.clients = {}
        for key, password in PASSWORDS.items():
            self.plan.logins[key] = (getattr(people, key).email, password)

    def client(self, who):
        """A logged-in test client per person (``who`` is a key of ``people`` or a user id)."""
        if who not in self.clients:
            user = getattr(self.people, who) if isinstance(who, str) else SimpleNamespace(id=who)
            self.clients[who] = self.login(self.app, user)
        return self.clients[who]

    def project(self, slug: str, kind: str | None, when=OPEN, title: str | None = None):
        with self.app.app_context():
            project = create_project(slug, title or f"Projekt {slug}", "<p>Ein Projekt.</p>")
            grant_role(project, db.session.get(User, self.people.initiator.id), "initiator")
            grant_role(project, db.session.get(User, self.people.moderator.id), "moderator")
            if kind:
                add_phase(project, kind, f"Phase {kind}", *when)
            db.session.commit()
            return project.id

    def draft(self, slug: str) -> tuple[str, int]:
        """A project open for comments on one paragraph: (chapter path, paragraph id)."""
        from plugins.commenting import services as commenting

        self.project(slug, "commenting")
        with self.app.app_context():
            from core.models import Project

            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            document = commenting.create_document(project, "Entwurf")
            chapter = commenting.add_chapter(document, "Kapitel")
            paragraph = commenting.add_paragraph(chapter, "<p>Ein Absatz zum Kommentieren.</p>")
            db.session.commit()
            return f"/p/{slug}/documents/chapter/{chapter.id}", paragraph.id

    def comment(self, who, paragraph_id: int, text: str, parent_id: int | None = None) -> int:
        from plugins.comments.models import Comment

        data = {"text": text, "token": str(uuid.uuid4())}
        if parent_id:
            data["parent_id"] = str(parent_id)
        _posted(self.client(who).post(f"/comments/paragraph/{paragraph_id}", data=data), "comment")
        with self.app.app_context():
            return db.session.scalar(db.select(db.func.max(Comment.id)))

    def neutral_comments(self, paragraph_id: int, count: int) -> list[int]:
        """Anna's comments without payloads (to be edited or hidden), stored directly: quicker than posting."""
        from core.models import Project
        from plugins.comments.api import add_comment
        from plugins.commenting.models import Paragraph

        with self.app.app_context():
            paragraph = db.session.get(Paragraph, paragraph_id)
            project = db.session.get(Project, paragraph.project_id)
            anna = db.session.get(User, self.people.anna.id)
            ids = [add_comment("paragraph", paragraph_id, project, anna, f"Kommentar {i}").id for i in range(count)]
            db.session.commit()
            return ids

    def local(self, moment) -> str:
        return moment.astimezone(self.tz).strftime("%Y-%m-%dT%H:%M")

    # -- people ---------------------------------------------------------------

    def registered_people(self) -> list[int]:
        """One account per payload, its display name typed into the registration form."""
        from core.mail import outbox

        ids = []
        for i, template in enumerate(PAYLOADS):
            email = f"registered{i}@example.org"
            client = self.app.test_client()
            name = self.plan.plant("core.RegisterForm.display_name", template)
            _posted(client.post("/register", data={
                "display_name": name, "email": email, "password": PAYLOAD_PASSWORD,
                "password_again": PAYLOAD_PASSWORD, "accept_terms": "y",
            }), "register")
            with self.app.app_context():
                mails = [m for m in outbox() if m["To"] == email]
            for mail in mails[-1:]:  # registration that waits for the mailed confirmation link
                link = re.search(r"/register/confirm/\S+", mail.get_content())
                if link:
                    client.get(link.group(0))
            with self.app.app_context():
                user = db.session.scalar(db.select(User).where(User.email == email))
                assert user is not None and user.display_name == name.strip(), name
                ids.append(user.id)
        return ids

    def renamed_people(self) -> list[int]:
        """One account per payload, its display name changed on the account page."""
        with self.app.app_context():
            users = [create_user(f"renamed{i}@example.org", PAYLOAD_PASSWORD, f"Person {i}")
                     for i in range(len(PAYLOADS))]
            db.session.commit()
            ids = [u.id for u in users]
        for i, (user_id, template) in enumerate(zip(ids, PAYLOADS)):
            name = self.plan.plant("core.ProfileForm.display_name", template)
            _posted(self.client(user_id).post("/account", data={"display_name": name, "locale": ""}), "profile")
            if i in BREAKOUT_INDEXES:
                key = f"renamed{i}"
                self.plan.logins[key] = (f"renamed{i}@example.org", PAYLOAD_PASSWORD)
                self.plan.visits[key].append("/account")
        return ids

    # -- projects and phases ---------------------------------------------------

    def projects(self) -> None:
        """One project per payload (title, description in HTML); polls with many payloads in title and introduction."""
        from core.models import Project

        visits = self.plan.visits
        for i, template in enumerate(PAYLOADS):
            slug = f"xss-p-{i}"
            _posted(self.client("admin").post("/admin/projects/new", data={
                "title": self.plan.plant("core.ProjectForm.title", template), "slug": slug,
                "description": self.plan.plant("core.ProjectForm.description", template), "is_public": "y",
            }), "project")
            visits["anonymous"].append(f"/p/{slug}")
            if i in BREAKOUT_INDEXES:
                visits["admin"].append(f"/p/{slug}/manage")
        visits["anonymous"].append("/")
        titles = self.plan.packed("voting.PollForm.title", 200, " ")
        intros = self.plan.packed("voting.PollForm.intro", 5000)
        for k in range(max(len(titles), len(intros))):
            slug = f"xss-p-{k}"
            with self.app.app_context():
                add_phase(db.session.scalar(db.select(Project).where(Project.slug == slug)), "poll", "Umfrage", *OPEN)
                db.session.commit()
            _posted(self.client("admin").post(f"/p/{slug}/poll/manage", data={
                "title": titles[k] if k < len(titles) else "Umfrage", "intro": intros[k] if k < len(intros) else "",
            }), "poll")
            visits["anonymous"].append(f"/p/{slug}/poll")
            if k < len(intros):
                visits["admin"].append(f"/p/{slug}/poll/manage")

    def phases(self) -> None:
        """One phase per payload (title and description) in one project."""
        from core.models import Phase

        slug = "xss-phases"
        self.project(slug, None)
        settings = {}
        for kind in self.app.extensions["mitsprache"].registry.phase_kinds.values():
            for spec in kind.settings:
                if spec.type != "bool" or spec.default:
                    settings[f"s_{kind.name}_{spec.name}"] = "y" if spec.type == "bool" else str(spec.default)
        ids = []
        for template in PAYLOADS:
            _posted(self.client("initiator").post(f"/p/{slug}/manage/phases/new", data={
                "kind": "poll", "title": self.plan.plant("core.PhaseForm.title", template),
                "description": self.plan.plant("core.PhaseForm.description", template),
                "start": self.local(OPEN[0]), "end": self.local(OPEN[1]), **settings,
            }), "phase")
            with self.app.app_context():
                ids.append(db.session.scalar(db.select(db.func.max(Phase.id))))
        self.plan.visits["anonymous"] += [f"/p/{slug}", f"/p/{slug}/poll"]  # the poll page names the phase
        self.plan.visits["initiator"] += [f"/p/{slug}/manage"] + [
            f"/p/{slug}/manage/phases/{ids[i]}" for i in BREAKOUT_INDEXES]
        self.results(slug, ids)

    def results(self, slug: str, phase_ids: list[int]) -> None:
        """Results for each phase (one payload each); the team reads them as a preview, the form shows them again."""
        for phase_id, template in zip(phase_ids, PAYLOADS):
            # Only spaces and "%" are escaped (the form refuses spaces): quotes and brackets reach the href.
            link = "https://e.example/" + quote(self.plan.plant("core.ResultsForm.link_url", template),
                                                safe="".join(chr(c) for c in range(33, 127) if chr(c) != "%"))
            _posted(self.client("initiator").post(f"/p/{slug}/manage/phases/{phase_id}/results", data={
                "text": self.plan.plant("core.ResultsForm.text", template),
                "next_steps": self.plan.plant("core.ResultsForm.next_steps", template),
                "link_label": self.plan.plant("core.ResultsForm.link_label", template),
                "link_url": link, "action": "save",
            }), "results")
            self.plan.visits["initiator"].append(f"/p/{slug}/results/{phase_id}")
        self.plan.visits["initiator"] += [f"/p/{slug}/results", f"/p/{slug}/results/{phase_ids[0]}/report"] + [
            f"/p/{slug}/manage/phases/{phase_ids[i]}/results" for i in BREAKOUT_INDEXES]

    # -- comments --------------------------------------------------------------

    def _thread_pages(self, paragraph_id: int, count: int, viewers=("anonymous",)) -> None:
        pages = -(-count // 20)  # comments.thread.PER_PAGE
        for viewer in viewers:
            self.plan.visits[viewer] += [f"/comments/paragraph/{paragraph_id}?page={n}" for n in range(1, pages + 1)]

    def comments(self, authors: list[int]) -> None:
        """A comment per payload, each by a person with a payload display name; reports with payloads."""
        chapter, paragraph = self.draft("xss-c-text")
        ids = [self.comment(author, paragraph, self.plan.plant("comments.CommentForm.text", template))
               for author, template in zip(authors, PAYLOADS)]
        for comment_id, text in zip(ids, self.plan.packed("comments.ReportForm.text", 1000, " ")):
            _posted(self.client("ben").post(f"/comments/c/{comment_id}/report", data={"reason": "other", "text": text}),
                    "report")
        self._thread_pages(paragraph, len(ids))
        self.plan.discussions.append(("anonymous", chapter, paragraph))
        self.plan.visits["moderator"].append("/p/xss-c-text/comments/moderation")
        self.plan.visits["anna"] += [f"/comments/c/{ids[i]}/reply" for i in BREAKOUT_INDEXES[:3]]
        # The registered people are members of the project: the team list shows their names.
        with self.app.app_context():
            from core.models import Project

            project = db.session.scalar(db.select(Project).where(Project.slug == "xss-c-text"))
            for author in authors:
                grant_role(project, db.session.get(User, author), "member")
            db.session.commit()
        self.plan.visits["initiator"].append("/p/xss-c-text/manage")

    def replies(self, authors: list[int]) -> None:
        """A reply per payload to one comment, each by a person who chose a payload display name."""
        chapter, paragraph = self.draft("xss-c-reply")
        root = self.comment("anna", paragraph, "Was meint ihr?")
        for author, template in zip(authors, PAYLOADS):
            self.comment(author, paragraph, self.plan.plant("comments.CommentForm.text", template), parent_id=root)
        for viewer in ("anonymous", "moderator"):
            self.plan.visits[viewer] += [f"/comments/c/{root}", f"/comments/paragraph/{paragraph}"]
        self.plan.visits["anna"].append(f"/comments/c/{root}/reply")  # the reply form quotes the comment
        self.plan.discussions.append(("anonymous", chapter, paragraph))
        self.plan.visits["moderator"].append("/p/xss-c-reply/comments/moderation")

    def edits_and_remarks(self) -> None:
        """Comments edited into payloads, with payloads in moderator remarks (both plain text, escaped first)."""
        chapter, paragraph = self.draft("xss-c-edit")
        edits = self.plan.packed("comments.EditForm.text", 4000)
        remarks = self.plan.packed("comments.RemarkForm.remark", 2000)
        ids = self.neutral_comments(paragraph, max(len(edits), len(remarks)))
        for comment_id, text in zip(ids, edits):
            _posted(self.client("anna").post(f"/comments/c/{comment_id}/edit", data={"text": text}), "edit")
        for comment_id, remark in zip(ids, remarks):
            _posted(self.client("moderator").post(f"/comments/c/{comment_id}/remark", data={"remark": remark}),
                    "remark")
        self._thread_pages(paragraph, len(ids))
        self.plan.discussions.append(("moderator", chapter, paragraph))
        self.plan.visits["anna"] += [f"/comments/c/{i}/edit" for i in ids[:len(edits)]]
        self.plan.visits["moderator"] += [f"/comments/c/{i}/moderate" for i in ids[:len(remarks)]]
        self.plan.visits["moderator"].append("/p/xss-c-edit/comments/moderation")

    def hidden(self) -> None:
        """Comments hidden one by one and in bulk, with payloads in the reasons (printed as text)."""
        for slug, key in (("xss-c-hide", "comments.HideForm.reason"), ("xss-c-bulk", "comments.BulkForm.reason")):
            chapter, paragraph = self.draft(slug)
            reasons = self.plan.packed(key, 300, " ")
            ids = self.neutral_comments(paragraph, len(reasons))
            for comment_id, reason in zip(ids, reasons):
                if key.startswith("comments.HideForm"):
                    response = self.client("moderator").post(f"/comments/c/{comment_id}/hide", data={"reason": reason})
                else:
                    response = self.client("moderator").post(f"/p/{slug}/comments/moderation/bulk", data={
                        "action": "hide", "reason": reason, "ids": str(comment_id)})
                _posted(response, key)
            # Moderators still see a hidden comment, with the reason; everybody else sees the reason.
            self._thread_pages(paragraph, len(ids), ("anonymous", "moderator"))
            self.plan.discussions.append(("anonymous", chapter, paragraph))
            self.plan.visits["moderator"].append(f"/p/{slug}/comments/moderation")

    # -- documents -------------------------------------------------------------

    def documents(self) -> None:
        """Documents, chapters and paragraphs written in the forms, and two Markdown imports."""
        from plugins.commenting.models import Chapter, Document, Paragraph

        slug = "xss-docs"
        self.project(slug, "commenting")
        initiator = self.client("initiator")
        visits = self.plan.visits

        def newest(model):
            with self.app.app_context():
                return db.session.scalar(db.select(db.func.max(model.id)))

        # Titles are printed as text: the list shows them all; the breakout titles are opened on their own.
        titles = self.plan.packed("commenting.DocumentForm.title", 200, " ")
        documents = []
        for title in titles + self.plan.packed("commenting.DocumentForm.title", 200, " ", BREAKOUTS):
            _posted(initiator.post(f"/p/{slug}/documents/new", data={"title": title, "preamble": ""}), "document")
            documents.append(newest(Document))
        for preamble in self.plan.packed("commenting.DocumentForm.preamble", 20000):
            _posted(initiator.post(f"/p/{slug}/documents/new", data={"title": "Einleitung", "preamble": preamble}),
                    "document")
            documents.append(newest(Document))
        shown = documents[len(titles):]
        visits["anonymous"] += [f"/p/{slug}/documents"] + [f"/p/{slug}/documents/{d}" for d in shown]
        visits["initiator"] += [f"/p/{slug}/documents/{d}/edit" for d in shown]

        _posted(initiator.post(f"/p/{slug}/documents/new", data={"title": "Kapitel", "preamble": ""}), "document")
        holder = newest(Document)
        chapters = []
        titles = self.plan.packed("commenting.ChapterForm.title", 200, " ")
        parts = self.plan.packed("commenting.ChapterForm.part", 200, " ")
        breakouts = zip(self.plan.packed("commenting.ChapterForm.title", 200, " ", BREAKOUTS),
                        self.plan.packed("commenting.ChapterForm.part", 200, " ", BREAKOUTS))
        assert len(titles) == len(parts)  # the same payloads, markers of the same width
        for title, part in [*zip(titles, parts), *breakouts]:
            _posted(initiator.post(f"/p/{slug}/documents/{holder}/chapters/new", data={"title": title, "part": part}),
                    "chapter")
            chapters.append(newest(Chapter))
        visits["anonymous"] += [f"/p/{slug}/documents/{holder}", f"/p/{slug}/documents/chapter/{chapters[0]}"]
        visits["initiator"] += [f"/p/{slug}/documents/chapter/{c}/edit" for c in chapters[len(titles):]]

        paragraphs = []
        for template in PAYLOADS:
            _posted(initiator.post(f"/p/{slug}/documents/chapter/{chapters[0]}/paragraphs/new", data={
                "text": self.plan.plant("commenting.ParagraphForm.text", template)}), "paragraph")
            paragraphs.append(newest(Paragraph))
        for viewer in ("anonymous", "initiator"):
            visits[viewer].append(f"/p/{slug}/documents/chapter/{chapters[0]}")
        visits["initiator"].append(f"/p/{slug}/documents/overview")  # comment statistics per chapter
        visits["anonymous"] += [f"/p/{slug}/documents/paragraph/{paragraphs[i]}" for i in BREAKOUT_INDEXES]
        visits["initiator"] += [f"/p/{slug}/documents/paragraph/{paragraphs[i]}/{action}"
                                for i in BREAKOUT_INDEXES for action in ("edit", "delete")]

        # Import 1: a chapter heading per payload. Import 2: title, introduction and a paragraph per payload.
        key = "commenting.ImportForm.file"
        headings = "".join(f"## {self.plan.plant(key, t).replace(chr(10), ' ')}\n\nText.\n\n" for t in PAYLOADS)
        body = "\n\n".join(self.plan.plant(key, t) for t in PAYLOADS)
        intro = "\n\n".join(self.plan.plant(key, t) for t in PAYLOADS)
        title = self.plan.plant(key, PAYLOADS[0])
        for markdown in (f"# Import\n\n{headings}", f"# {title}\n\n{intro}\n\n## Kapitel\n\n{body}\n"):
            _posted(initiator.post(f"/p/{slug}/documents/import", content_type="multipart/form-data", data={
                "file": (io.BytesIO(markdown.encode()), "entwurf.md")}), "import")
            document = newest(Document)
            visits["anonymous"].append(f"/p/{slug}/documents/{document}")
            with self.app.app_context():
                first = db.session.scalar(db.select(db.func.min(Chapter.id)).where(Chapter.document_id == document))
            visits["anonymous"].append(f"/p/{slug}/documents/chapter/{first}")

    # -- ideas -----------------------------------------------------------------

    def ideas(self) -> None:
        """Categories, ideas (title, description, place) and hidden ideas (reason), one per payload."""
        from plugins.ideas.models import Category, Idea
        from plugins.ideas.services import PER_PAGE

        slug = "xss-ideas"
        project_id = self.project(slug, "ideas", when=IDEAS_OPEN)
        with self.app.app_context():
            from core.models import Project

            add_phase(db.session.get(Project, project_id), "rating", "Bewertung", IDEAS_OPEN[1], OPEN[1])
            db.session.commit()
        categories = []
        for template in PAYLOADS:
            _posted(self.client("initiator").post(f"/p/{slug}/ideas/categories", data={
                "name": self.plan.plant("ideas.CategoryForm.name", template)}), "category")
            with self.app.app_context():
                categories.append(db.session.scalar(db.select(db.func.max(Category.id))))

        def idea(title, description, location, category) -> int:
            _posted(self.client("anna").post(f"/p/{slug}/ideas/new", data={
                "title": title, "description": description, "location": location,
                "category": str(category), "token": uuid.uuid4().hex}), "idea")
            with self.app.app_context():
                return db.session.scalar(db.select(db.func.max(Idea.id)))

        # Title and place are printed as text: the list shows them all, the breakout ones are opened on
        # their own. The list shows a plain-text excerpt of a description, the idea page all of it as HTML.
        titles = self.plan.packed("ideas.IdeaForm.title", 160, " ")
        places = self.plan.packed("ideas.IdeaForm.location", 160, " ")  # as the titles
        assert len(titles) == len(places)
        for n, (title, place) in enumerate(zip(titles, places)):
            idea(title, f"Beschreibung {n}", place, categories[n % len(categories)])
        shown = [idea(title, "Beschreibung", place, categories[0]) for title, place in zip(
            self.plan.packed("ideas.IdeaForm.title", 160, " ", BREAKOUTS),
            self.plan.packed("ideas.IdeaForm.location", 160, " ", BREAKOUTS))]
        shown += [idea("Beschreibung", text, "", categories[0])
                  for text in self.plan.packed("ideas.IdeaForm.description", 5000)]
        for reason in self.plan.packed("ideas.HideForm.reason", 500, " "):
            hidden = idea("Versteckte Idee", "Wird verborgen.", "", categories[0])
            _posted(self.client("moderator").post(f"/p/{slug}/ideas/{hidden}/hide", data={"reason": reason}),
                    "hide idea")
            self.plan.visits["anonymous"].append(f"/p/{slug}/ideas/{hidden}")  # the reason instead of the idea
        with self.app.app_context():
            total = db.session.scalar(db.select(db.func.count(Idea.id)).where(Idea.project_id == project_id))
        listing = [f"/p/{slug}/ideas?page={n}" for n in range(1, -(-total // PER_PAGE) + 1)]
        self.plan.visits["anonymous"] += listing + [f"/p/{slug}/ideas/{i}" for i in shown]
        self.plan.visits["anna"] += [f"/p/{slug}/ideas/new"] + [f"/p/{slug}/ideas/{i}/edit" for i in shown]
        self.plan.visits["initiator"].append(f"/p/{slug}/ideas/categories")
        self.plan.rating_visits += listing

    # -- polls -----------------------------------------------------------------

    def poll(self) -> None:
        """Questions (text, hint), options and free-text answers, one per payload."""
        from plugins.voting.models import Question

        initiator = self.client("initiator")
        slug = "xss-poll"
        self.project(slug, "poll")
        _posted(initiator.post(f"/p/{slug}/poll/manage", data={"title": "Umfrage", "intro": ""}), "poll")
        questions = []
        texts = self.plan.packed("voting.QuestionForm.text", 500, " ")
        hints = self.plan.packed("voting.QuestionForm.help", 500, " ")
        assert len(texts) == len(hints)
        for text, hint in zip(texts, hints):
            _posted(initiator.post(f"/p/{slug}/poll/questions/new", data={
                "text": text, "help": hint, "kind": Question.TEXT, "max_length": "2000", "options": ""}), "question")
            with self.app.app_context():
                questions.append(db.session.scalar(db.select(db.func.max(Question.id))))
        for start in range(0, len(PAYLOADS), 23):  # at most 30 options per question
            options = "\n".join(self.plan.plant("voting.QuestionForm.options", t) for t in PAYLOADS[start:start + 23])
            _posted(initiator.post(f"/p/{slug}/poll/questions/new", data={
                "text": f"Auswahl {start}", "help": "", "kind": Question.SINGLE, "options": options}), "options")
        self.plan.visits["anonymous"] += [f"/p/{slug}", f"/p/{slug}/poll"]
        self.plan.visits["initiator"].append(f"/p/{slug}/poll/results")
        self.plan.visits["anna"].append(f"/p/{slug}/poll")  # the form, with each question's hint
        self.plan.visits["initiator"] += [f"/p/{slug}/poll/manage"] + [
            f"/p/{slug}/poll/questions/{q}" for q in questions]

        # A second poll that Anna answers with a payload per question; its results list the texts.
        slug = "xss-poll-answers"
        self.project(slug, "poll")
        _posted(initiator.post(f"/p/{slug}/poll/manage", data={"title": "Antworten", "intro": ""}), "poll")
        with self.app.app_context():
            from core.models import Project
            from plugins.voting.models import Poll

            poll = db.session.scalar(db.select(Poll).join(Project).where(Project.slug == slug))
            questions = [Question(poll=poll, position=i, kind=Question.TEXT, required=False, text=f"Frage {i}",
                                  max_length=2000) for i in range(len(PAYLOADS))]
            db.session.add_all(questions)
            db.session.commit()
            answers = {f"q{q.id}": self.plan.plant("voting.poll answer", t) for q, t in zip(questions, PAYLOADS)}
        _posted(self.client("anna").post(f"/p/{slug}/poll", data=answers), "answers")
        self.plan.visits["anna"].append(f"/p/{slug}/poll")
        self.plan.visits["initiator"].append(f"/p/{slug}/poll/results")

    # -- forms that echo what was sent ------------------------------------------

    # -- official responses -------------------------------------------------------

    def responses(self) -> None:
        """An official response per payload (sanitized HTML), under a payload organisation of its own.

        The organisation is the project's (one value per project, set through the
        project form), so each response goes to a small draft project of its own.
        """
        for i, template in enumerate(PAYLOADS):
            slug = f"xss-r-{i}"
            _chapter, paragraph = self.draft(slug)
            _posted(self.client("admin").post(f"/p/{slug}/manage", data={
                "title": f"Projekt {slug}", "slug": slug, "description": "<p>Ein Projekt.</p>", "is_public": "y",
                "organisation": self.plan.plant("core.ProjectForm.organisation", template),
            }), "organisation")
            form = f"/p/{slug}/responses/paragraph/{paragraph}"
            _posted(self.client("initiator").post(form, data={
                "response-text": self.plan.plant("responses.ResponseForm.text", template)}), "response")
            self.plan.visits["anonymous"].append(f"/p/{slug}/documents/paragraph/{paragraph}")
            if i in BREAKOUT_INDEXES:
                self.plan.visits["initiator"] += [form, f"/p/{slug}/manage"]
            self.response_form = form

    def echoes(self, comment_id: int, paragraph_id: int) -> None:
        """Forms sent back with an error show what was typed again: return addresses, e-mail addresses, searches."""
        plan = self.plan
        thread = f"/comments/paragraph/{paragraph_id}"
        comment = f"/comments/c/{comment_id}"
        for template in URL_PAYLOADS:
            for who, key, page, action, fields in (
                ("anna", "comments.CommentForm.next", thread, thread, {"text": ""}),
                ("anna", "comments.EditForm.next", f"{comment}/edit", f"{comment}/edit", {"text": ""}),
                ("ben", "comments.ReportForm.next", f"{comment}/report", f"{comment}/report", {"reason": "nonsense"}),
                ("moderator", "comments.HideForm.next", f"{comment}/moderate", f"{comment}/hide", {"reason": ""}),
                ("moderator", "comments.RemarkForm.next", f"{comment}/moderate", f"{comment}/remark",
                 {"remark": "x" * 2001}),
                ("anonymous", "core.LoginForm.next", "/login", "/login",
                 {"email": "x@example.org", "password": "wrong"}),
                ("anonymous", "core.LanguageForm.next", "/login", "/language", {"locale": "en"}),
                ("anna", "core.FollowForm.next", "/p/xss-ideas", "/p/xss-ideas/follow", {"following": "1"}),
            ):
                plan.echoes.append((who, key, page, action, {**fields, "next": plan.plant(key, template)}))
            form = self.response_form  # sent back with an error: the return address goes into its hidden input
            plan.echoes.append(("initiator", "responses.ResponseForm.next", form, form, {
                "response-text": "", "response-next": plan.plant("responses.ResponseForm.next", template)}))
        # Echoed into an input's value: all payloads in one text test each of them.
        for key, page, fields in (
            ("core.LoginForm.email", "/login", {"password": "wrong"}),
            ("core.RegisterForm.email", "/register", {"display_name": "x"}),
            ("core.ResetRequestForm.email", "/reset", {}),
        ):
            for text in plan.packed(key, 100_000, " "):
                plan.echoes.append(("anonymous", key, page, page, {**fields, "email": text}))
        for text in plan.packed("core.ChangeEmailForm.email", 100_000, " "):
            plan.echoes.append(("anna", "core.ChangeEmailForm.email", "/account", "/account/email",
                                {"email": text, "current_password": "wrong"}))
        for query in plan.packed("ideas search", 200, " "):  # the list reads 200 characters of a search
            plan.visits["anonymous"].append(f"/p/xss-ideas/ideas?q={quote(query)}")


def build(app, people, login) -> Plan:
    """Plant every payload in every stored text field; returns the plan of what to look at."""
    builder = Builder(app, people, login)
    registered = builder.registered_people()
    renamed = builder.renamed_people()
    builder.projects()
    builder.phases()
    builder.comments(registered)
    builder.replies(renamed)
    builder.edits_and_remarks()
    builder.hidden()
    builder.documents()
    builder.ideas()
    builder.poll()
    builder.responses()
    _chapter, paragraph = builder.draft("xss-c-echo")
    comment = builder.neutral_comments(paragraph, 1)[0]
    builder.echoes(comment, paragraph)
    return builder.plan
