"""issue 17, point 5: the user guide's pages ("Hilfe") and where each help topic of the core is explained.

The guide has one page on the procedure (the Wochenfrist, what happens when nobody reacts, the terms,
corrections) and one page per role of `staffing.states.Role`. The core asks for a topic
(`staffing.hooks.HELP_TOPICS`, e.g. "period" next to a deadline, a step's name next to its form); planning
asks for "capacity_plan". `help_link` answers with the page, the section's anchor and an accessible name.
Every anchor named here exists on its page (tests/site/test_guide.py and the browser test follow them).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffing import hooks
from staffing.hooks import HelpLink
from staffing.states import Role


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: object
    role: str | None  # the role the page is written for; None: the procedure, for everybody
    template: str


PROCEDURE = "verfahren"
PAGES: dict[str, GuidePage] = {page.slug: page for page in [
    GuidePage(PROCEDURE, gettext_lazy("Das Verfahren: Wochenfrist, Reaktionen, Korrekturen"), None,
              "guide/help/procedure.html"),
    GuidePage("personalstelle", gettext_lazy("Hilfe für die Personalsachbearbeitung der Stadt"), Role.CITY_CLERK,
              "guide/help/city.html"),
    GuidePage("koordinierungsstelle", gettext_lazy("Hilfe für die Koordinierungsstelle"), Role.COORDINATION,
              "guide/help/coordination.html"),
    GuidePage("kreisverwaltung", gettext_lazy("Hilfe für die Kreisverwaltung"), Role.DISTRICT_ADMIN,
              "guide/help/district.html"),
    GuidePage("leitung", gettext_lazy("Hilfe für die Leitung der JobAgentur"), Role.HEAD, "guide/help/head.html"),
]}

# topic -> (page slug, anchor, accessible name of the link)
TOPICS: dict[str, tuple[str, str, object]] = {
    "period": (PROCEDURE, "wochenfrist", gettext_lazy("Hilfe zur Wochenfrist")),
    "notice_list": (PROCEDURE, "ablauf", gettext_lazy("Hilfe zum Ablauf einer Mitteilung")),
    "submit": ("personalstelle", "einreichen", gettext_lazy("Hilfe zum Einreichen")),
    "clear": ("koordinierungsstelle", "freigeben", gettext_lazy("Hilfe zur Freigabe")),
    "request_clarification": ("koordinierungsstelle", "bedenken", gettext_lazy("Hilfe zum Klärungsbedarf")),
    "raise_concerns": ("koordinierungsstelle", "bedenken", gettext_lazy("Hilfe zu Bedenken")),
    "city_statement": ("personalstelle", "stellungnahme", gettext_lazy("Hilfe zur Stellungnahme der Stadt")),
    "propose_agreement": (PROCEDURE, "eroerterung", gettext_lazy("Hilfe zur Erörterung und Einigung")),
    "confirm_agreement": (PROCEDURE, "eroerterung", gettext_lazy("Hilfe zur vorgeschlagenen Einigung")),
    "reject_agreement": (PROCEDURE, "eroerterung", gettext_lazy("Hilfe zur Ablehnung einer Einigung")),
    "agree": (PROCEDURE, "eroerterung", gettext_lazy("Hilfe zur gemeinsamen Einigung")),
    "escalate": (PROCEDURE, "eskalation", gettext_lazy("Hilfe zur Eskalation")),
    "decide": ("kreisverwaltung", "entscheidung", gettext_lazy("Hilfe zur Entscheidung des Kreises")),
    "revoke_cut": ("kreisverwaltung", "kuerzung-aufheben", gettext_lazy("Hilfe zur Aufhebung einer Kürzung")),
    "place": ("personalstelle", "besetzung", gettext_lazy("Hilfe zum Eintragen der Besetzung")),
    "withdraw": (PROCEDURE, "korrigieren", gettext_lazy("Hilfe zum Zurückziehen und Korrigieren")),
    "comment": (PROCEDURE, "kommentar", gettext_lazy("Hilfe zu Kommentaren")),
    "capacity_plan": ("koordinierungsstelle", "kapazitaetsplan",
                      gettext_lazy("Hilfe zum Kapazitäts- und Qualifikationsplan")),
}


def page_for_role(role: str | None) -> GuidePage | None:
    """The guide's page written for a role (None for a user without role, e.g. a technical admin)."""
    return next((page for page in PAGES.values() if role and page.role == role), None)


def pages_for(role: str | None) -> list[GuidePage]:
    """issue 17, point 5: every page of the guide, the one for the user's role first, then the procedure."""
    own = page_for_role(role)
    rest = [page for page in PAGES.values() if page is not own]
    return [own, *rest] if own else rest


def help_link(topic: str) -> HelpLink | None:
    """The `staffing.hooks` help-link provider: where the guide explains a topic (None: not a topic)."""
    entry = TOPICS.get(topic)
    if entry is None:
        return None
    slug, anchor, label = entry
    return HelpLink(f"{reverse('guide:help_page', args=[slug])}#{anchor}", str(label))


def footer_links(user) -> list[tuple[str, str]]:
    """issue 17, point 4: on every page (signed in or not, error pages too) the accessibility statement,
    the feedback form, the imprint and the data protection notice; for signed-in users the help."""
    links = [(hooks.page_url("guide:accessibility"), _("Barrierefreiheit")),
             (hooks.page_url("guide:feedback"), _("Barriere melden")),
             (hooks.page_url("guide:imprint"), _("Impressum")),
             (hooks.page_url("guide:privacy"), _("Datenschutz"))]
    if user is not None and user.is_authenticated:
        links.insert(0, (hooks.page_url("guide:help_index"), _("Hilfe")))
    return links


def user_menu(user) -> list[tuple[str, str]]:
    """The help in the menu behind the user's name (issue 17, point 5: reachable from the header)."""
    return [(hooks.page_url("guide:help_index"), _("Hilfe"))]
