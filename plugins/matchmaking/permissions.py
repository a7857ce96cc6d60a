"""Who may do what in matchmaking, beyond what the phase allows (the ``check_permission`` hook).

Phase-bound actions (the ``matchmaking`` kind's features) are first checked by
the core: logged in, and a matchmaking phase active. Here we add who acts for
which organisation. Actions the core does not know are granted here or nowhere.
"""
from __future__ import annotations

from core.toolkit import Decision, _, participation_decision

from .models import PUBLIC_BODY, Challenge, Connection, Initiative, Interest, Introduction, Organisation
from .organisations import is_organiser, my_organisations

KIND = "matchmaking"
OWN_ACTIONS = {"organisation.edit", "challenge.edit", "initiative.edit"}


def _logged_in(user) -> Decision | None:
    if not getattr(user, "is_authenticated", False):
        return Decision(False, _("Please log in to participate."), "login")
    return None


def _org_of(obj) -> Organisation | None:
    if isinstance(obj, Organisation):
        return obj
    if isinstance(obj, (Challenge, Initiative)):
        return obj.organisation
    return None


def decide(user, action: str, obj, project):
    """The vote of this plugin on ``can(user, action, obj)``; None: not ours."""
    if project is None:
        return None
    if action in OWN_ACTIONS:
        if (denied := _logged_in(user)) is not None:
            return denied
        org = _org_of(obj)
        if org is None:
            return Decision.deny(_("You are not allowed to do this."))
        if is_organiser(user, project) or org.id in {o.id for o in my_organisations(project, user)}:
            return True
        return Decision.deny(_("Only the people of %(org)s can change this.", org=org.name))
    if action == "challenge.create":
        if not any(o.kind == PUBLIC_BODY for o in my_organisations(project, user)):
            return Decision.deny(_("Register your public body first: challenges belong to public bodies."))
        return None
    if action == "initiative.create":
        if not any(o.kind != PUBLIC_BODY for o in my_organisations(project, user)):
            return Decision.deny(_("Register your initiative first: it presents what it offers."))
        return None
    if action == "wishlist.edit":
        if not any(o.kind == PUBLIC_BODY for o in my_organisations(project, user)):
            return Decision.deny(_("Wish lists are for public bodies."))
        from .interest import phase_setting

        if not phase_setting(project, "wishlist", False):
            return Decision.deny(_("The organisers have not opened the wish lists yet."), "not_available")
        return None
    if action == "interest.mark":
        org = _org_of(obj)
        mine = my_organisations(project, user)
        if org is not None and not any((o.kind == PUBLIC_BODY) != (org.kind == PUBLIC_BODY) for o in mine):
            if not mine:
                return Decision.deny(_("Register your organisation first to show interest."), "no_organisation")
            return Decision.deny(_("Interest goes from a public body to an initiative, or the other way round."))
        return None
    if action == "interest.answer":
        if isinstance(obj, Interest) and obj.receiver_id in {o.id for o in my_organisations(project, user)}:
            return None
        return Decision.deny(_("Only the organisation asked can answer."))
    if action == "interest.withdraw":
        if (denied := _logged_in(user)) is not None:
            return denied
        if isinstance(obj, Interest) and obj.sender_id in {o.id for o in my_organisations(project, user)}:
            return True
        return Decision.deny(_("Only the organisation that sent it can withdraw it."))
    if action in ("connection.view", "connection.message"):
        if (denied := _logged_in(user)) is not None:
            return denied
        mine = {o.id for o in my_organisations(project, user)}
        if isinstance(obj, Connection) and mine & {obj.org_low_id, obj.org_high_id}:
            if action == "connection.message":
                return None  # the phase decides, as for every contribution
            return True
        return Decision.deny(_("This conversation is private to the two organisations."), "not_found")
    if action == "introduction.answer":
        if (denied := _logged_in(user)) is not None:
            return denied
        mine = {o.id for o in my_organisations(project, user)}
        if isinstance(obj, Introduction) and mine & {obj.org_low_id, obj.org_high_id}:
            return True
        return Decision.deny(_("This introduction is meant for other organisations."))
    if action in ("organisation.block", "organisation.report"):
        if (denied := _logged_in(user)) is not None:
            return denied
        mine = my_organisations(project, user)
        if isinstance(obj, Organisation) and mine and obj.id not in {o.id for o in mine}:
            return True
        return Decision.deny(_("Only people acting for another organisation can do this."))
    if action == "organisation.verify":
        if (denied := _logged_in(user)) is not None:
            return denied
        return True if is_organiser(user, project) else Decision.deny(_("Only the organisers verify organisations."))
    if action == "recommendations.toggle":
        # Not ``_logged_in(user) or True``: a refusal is a falsy Decision, so ``or`` turned it into a yes.
        denied = _logged_in(user)
        return denied if denied is not None else True
    return None


def phase_bound(action: str, project) -> Decision:
    return participation_decision(action, project, kinds={KIND})
