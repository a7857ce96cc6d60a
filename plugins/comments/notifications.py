"""What the comments plugin tells people: replies, comments on their contributions, moderation, reports.

The services call these functions in the transaction that stores the event,
before they commit (:mod:`.services`), so a notification exists exactly when
its comment, report or moderation action does. The core decides who hears of
it how (inbox, e-mail at once, daily digest) and never tells the actor.

==========================  =====================================  ===========
kind                        who                                    by default
==========================  =====================================  ===========
``comments.reply``          the author of the comment replied to   digest
``comments.on_my_item``     the owner of the discussed item (an    digest
                            idea's author: ``ItemType.owner``)
``comments.moderated``      the author of a hidden, restored or    immediate
                            remarked comment
``comments.report``         the project's moderators and           digest
                            initiators
==========================  =====================================  ===========
"""
from __future__ import annotations

from flask import current_app, has_request_context

from core.toolkit import NotificationKind, Project, Role, _, _l, db, excerpt, notify, people_with_role, url_for

REPLY = "comments.reply"
ON_MY_ITEM = "comments.on_my_item"
MODERATED = "comments.moderated"
REPORT = "comments.report"


def _name(notification) -> str:
    return notification.actor.display_name if notification.actor is not None else _("Someone")


def _describe_reply(n) -> str:
    return _("%(name)s replied to your comment: “%(text)s”", name=_name(n), text=n.payload.get("excerpt", ""))


def _describe_on_item(n) -> str:
    return _("%(name)s commented on your contribution “%(title)s”: “%(text)s”", name=_name(n),
             title=n.payload.get("title", ""), text=n.payload.get("excerpt", ""))


def _describe_moderated(n) -> str:
    action, text = n.payload.get("action"), n.payload.get("excerpt", "")
    if action == "hide":
        return _("A moderator hid your comment “%(text)s”. Reason: %(reason)s", text=text,
                 reason=n.payload.get("reason", ""))
    if action == "restore":
        return _("A moderator restored your comment “%(text)s”.", text=text)
    return _("A moderator added a remark to your comment “%(text)s”: %(remark)s", text=text,
             remark=n.payload.get("remark", ""))


def _describe_report(labels: dict):
    def describe(n) -> str:
        reason = n.payload.get("reason", "")
        return _("A comment was reported (%(reason)s): “%(text)s”", reason=labels.get(reason, reason),
                 text=n.payload.get("excerpt", ""))

    return describe


def kinds(report_reasons: dict) -> tuple[NotificationKind, ...]:
    """The plugin's kinds; ``report_reasons`` names the reasons a report gives (``forms.REPORT_REASONS``)."""
    return (
        NotificationKind(REPLY, _l("Replies to my comments"), default="digest", describe=_describe_reply, order=20),
        NotificationKind(ON_MY_ITEM, _l("Comments on my ideas and other contributions"), default="digest",
                         describe=_describe_on_item, order=21),
        NotificationKind(MODERATED, _l("Moderation of my comments"), default="immediate",
                         describe=_describe_moderated, order=22),
        NotificationKind(REPORT, _l("New reports of comments"), default="digest",
                         describe=_describe_report(report_reasons),
                         audience=_l("Sent to the project's moderators and initiators."), order=60),
    )


def _url(comment) -> str | None:
    if not has_request_context():
        return None
    return url_for("comments.comment_page", comment_id=comment.id) + f"#comment-{comment.id}"


def _text(comment) -> str:
    return excerpt(comment.text or "", 160)


def prepare_comment(comment, parent=None, target=None):
    """Who hears of a new comment (the author replied to, the owner of the discussed item), read now.

    Called before the comment's INSERT (and before any other write of its
    transaction), so the reads never hold SQLite's write lock; returns
    ``write()``, which flushes the comment and adds the notifications.
    ``target`` is the discussed item if the caller loaded it already.
    """
    from core.toolkit import prepare_notifications

    project = comment.project or db.session.get(Project, comment.project_id)
    told, extras = [], []
    with db.session.no_autoflush:
        if parent is not None and parent.author_id != comment.author_id:
            told.append((REPLY, [parent.author_id]))
            extras.append({})
        item_type = current_app.extensions["mitsprache"].registry.item_types.get(comment.target_type)
        if item_type is not None and item_type.owner is not None:
            if target is None:
                target = item_type.load([comment.target_id]).get(comment.target_id)
            owner = item_type.owner(target) if target is not None else None
            if owner is not None and (parent is None or owner != parent.author_id):
                told.append((ON_MY_ITEM, [owner]))
                extras.append({"title": item_type.title_of(target)})
        prepared = prepare_notifications(told, project=project, actor=comment.author_id) if told else []
    plans = list(zip(prepared, extras))
    plans = [(plan, extra) for plan, extra in plans if plan.modes]
    text = _text(comment) if plans else ""  # the excerpt too is made before the lock: sanitizing takes time

    def write() -> None:
        if not plans:
            return
        db.session.flush()  # the comment's id, for the link
        for plan, extra in plans:
            plan.add(item=comment, item_type="comment", excerpt=text, url=_url(comment), **extra)

    return write


def comment_added(comment, parent=None) -> None:
    """Tell the author of the comment replied to, and the owner of the discussed item (reads and writes at once)."""
    prepare_comment(comment, parent)()


def comment_moderated(comment, moderator, action: str, text: str = "") -> None:
    """Tell the author that a moderator hid (``text``: the reason), restored or remarked (``text``) their comment."""
    payload = {"reason": text} if action == "hide" else {"remark": text} if action == "remark" else {}
    notify(MODERATED, [comment.author_id], project=comment.project, item=comment, item_type="comment",
           actor=moderator, action=action, excerpt=_text(comment), url=_url(comment), **payload)


def comment_reported(comment, reporter, reason: str) -> None:
    """Tell the project's moderators and initiators of a new report."""
    project = comment.project
    people = people_with_role(project, Role.MODERATOR, Role.INITIATOR)
    url = url_for("comments_moderation.queue", slug=project.slug) if has_request_context() else None
    notify(REPORT, people, project=project, item=comment, item_type="comment", actor=reporter, reason=reason,
           excerpt=_text(comment), url=url)
