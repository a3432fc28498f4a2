"""The hook points of the core: how the other apps plug into `staffing` without `staffing` importing them.

`staffing` stands alone: it imports nothing from `planning`, `integrations` (or any later app); those
apps import `staffing` and connect to the hooks below in their `AppConfig.ready()`. Each hook is
explicit, documented here, and tested (tests/architecture/test_hooks.py); nothing in the core asks
whether another app is installed.

Signals (django.dispatch):

- `notice_step_recorded`: sent after an audited step of a notice, in the step's transaction, with
  `event`. Connected by: nobody yet (for apps that follow the workflow).
- `demo_seeded`: sent by `seed_demo` after the core's demo data, with `district`; receivers return the
  rows they created. Connected by `planning` (`demo.seed_planning`).
- `scale_district_seeding`: sent by `seed_scale` (the benchmark's national data) per district before its rows
  are written; receivers add tables of their own. Connected by `planning` (`scale_seed.training`: training
  needs, offers and participations; `scale_seed.coaching_and_costs`: coaching offers and sign-ups, confirmed
  quarterly reports and caps).

Registries (`register_*`):

- mail attachments: each provider may attach a part to a notification's e-mail.
  `integrations` registers `calendar.attach_ics` (the deadline as an iCalendar event).
- on-behalf-of resolvers: the first that names an absent colleague makes a step "i. V. für".
  `integrations` registers `substitutes.absent_colleague_for`.
- navigation: an app's menu items, in the main navigation or next to the user's name.
  `planning` (main navigation), `reports` (main navigation: "Verfahrensstatistik", issue 17),
  `integrations` (header link "Vertretung & Kalender"), `ops` (header link "Gesendete E-Mails
  (Entwicklung)", only while DEBUG: the development mail viewer of issue 14).
- notice links: links on a notice's page. `integrations` (the PDF certificate for the file), `reports`
  (the audit trail for the auditors, issue 17).
- notification kinds: further kinds for the inbox and the e-mail preferences.
  `planning` (`MessageKind`: cap changed, quarterly-report reminder).
- start-page panels: sections another app adds to the start page (`views.home`), rendered by that app.
  `planning` (`continuity.start_panel`: the continuity figures of PS-4.1 for the district).
- footer links: links in every page's footer (the page frame and the error pages), also for visitors who
  are not signed in. `guide` (issue 17: accessibility statement, imprint, data protection, help).
- help links: the contextual help next to a deadline, a step's form or a plan (`{% help_link topic %}` of
  `staffing.templatetags.kern`); the core names topics (`HELP_TOPICS`), another app says where they are
  explained. `guide` (issue 17, point 5: the user guide's pages and anchors).

Registering is idempotent (a provider registered twice counts once), so a repeated `ready()` in tests
does no harm.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.dispatch import Signal
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .states import NotificationKind

# --- signals --------------------------------------------------------------------------------

#: Sent by `services.record_transition` after the audit record of a step is written, inside the step's
#: transaction (a receiver's writes commit or roll back with the step), and by the deadline sweep once per
#: approval after the batch's audit records are inserted (issue 16: in the batch's transaction; a receiver
#: that fails rolls the batch back and the sweep approves its notices one by one). Arguments: `event`.
#: Receivers must not send anything to the outside world directly: use `transaction.on_commit`.
notice_step_recorded = Signal()

#: Sent by `manage.py seed_demo` after the core's demo data (district, cities, offices, staff, users,
#: notices), in its transaction. Arguments: `district`. A receiver returns the number of rows it created.
demo_seeded = Signal()

#: Sent by `manage.py seed_scale` (issue 16, point 5) for each bench district after the core's rows are drawn
#: and before any is written. Arguments: `seeder` (staffing.management.commands.seed_scale.DistrictSeeder: its
#: `rng` to draw from after the core's rows, `today`, `functions`, `regional` offices with their clerks,
#: `staff` rows) and `district`. A receiver returns `[(table, links), ...]`: further `seed_scale.Table`s of its
#: own models (written with COPY after the core's, in this order) and, per table, the row references to
#: replace by ids (`{"offer": "offer_id"}`).
scale_district_seeding = Signal()


# --- registries -----------------------------------------------------------------------------

def _add(registry: list, item) -> None:
    if item not in registry:
        registry.append(item)


_mail_attachments: list[Callable] = []
_on_behalf_of: list[Callable] = []
_notice_links: list[Callable] = []
_navigation: list[tuple[str, Callable, str]] = []
_notification_kinds: dict[str, object] = {}
_start_panels: list[Callable] = []
_footer_links: list[Callable] = []
_help_links: list[Callable] = []

NAVIGATION_AREAS = ("main", "user")


def register_mail_attachment(provider: Callable) -> None:
    """`provider(message, notification)` may attach a part to the e-mail of a notification
    (an `EmailMultiAlternatives`) before it is sent; it must cope with notifications without a notice."""
    _add(_mail_attachments, provider)


def add_mail_attachments(message, notification) -> None:
    """Let every registered provider attach its part (called by `notifications.send_mails`)."""
    for provider in _mail_attachments:
        provider(message, notification)


def register_on_behalf_of(resolver: Callable) -> None:
    """`resolver(notice, user)` returns the absent colleague the user stands in for on this notice, or None."""
    _add(_on_behalf_of, resolver)


def on_behalf_of(notice, user):
    """PS-2: whom a step of `user` on `notice` is taken for ("i. V. für"), as the first resolver says."""
    for resolver in _on_behalf_of:
        absent = resolver(notice, user)
        if absent is not None:
            return absent
    return None


@dataclass(frozen=True)
class NoticeLink:
    """A link on a notice's page, offered by another app (e.g. a PDF for the file)."""

    url: str
    label: str
    content_type: str = ""  # e.g. "application/pdf" (the link's `type`)
    icon: str = ""  # a KERN icon name, e.g. "download"


def register_notice_link(provider: Callable) -> None:
    """`provider(notice, user)` returns a `NoticeLink` for the notice's page, or None."""
    _add(_notice_links, provider)


def notice_links(notice, user) -> list[NoticeLink]:
    """The links the other apps offer on this notice's page, in registration order."""
    return [link for provider in _notice_links if (link := provider(notice, user)) is not None]


#: issue 14: the main navigation's groups, by task, in this order (at most seven top-level entries). A menu
#: item names its group as the third element `(url, label, group)`; a group with one item is a plain link.
NAV_GROUPS: dict[str, object] = {
    "overview": _("Übersicht"),
    "notices": _("Mitteilungen"),
    "staff": _("Personal & Stellen"),
    "planning": _("Planung & Berichte"),
    "reimbursement": _("Erstattung"),
}


def register_navigation(app: str, provider: Callable, *, area: str = "main") -> None:
    """`provider(user)` returns the menu items `[(url, label, group), ...]` of an app for a signed-in user
    (`group` one of NAV_GROUPS; items of area "user" may leave it out: `(url, label)`).

    area "main": grouped by task with the core's items in the main navigation; "user": next to the user's
    name in the header. The items of one app form one section (`nav_sections[app]` in the page context)."""
    if area not in NAVIGATION_AREAS:
        raise ValueError(f"unknown navigation area {area!r}; one of {NAVIGATION_AREAS}")
    _add(_navigation, (app, provider, area))


def navigation_sections(user, *, area: str = "main") -> dict[str, list[tuple]]:
    """The registered apps' menu items for a user, per app, in registration order, as the providers give
    them (`(url, label, group)` in the main navigation)."""
    sections: dict[str, list] = {}
    for app, provider, provider_area in _navigation:
        if provider_area == area:
            sections.setdefault(app, []).extend(provider(user))
    return sections


@dataclass(frozen=True)
class NavGroup:
    """One top-level entry of the main navigation: a task and its menu items `[(url, label), ...]`."""

    key: str
    label: object
    items: tuple

    @property
    def urls(self) -> list[str]:
        return [str(url) for url, _label in self.items]


def navigation_groups(sections: dict[str, list[tuple]]) -> list[NavGroup]:
    """issue 14: the items of every section grouped by task (NAV_GROUPS' order, empty groups left out).
    A dataset is linked once: a URL offered twice keeps its first place."""
    grouped: dict[str, list] = {key: [] for key in NAV_GROUPS}
    seen: set[str] = set()
    for items in sections.values():
        for url, label, group in items:
            if group not in grouped:
                raise ValueError(f"unknown navigation group {group!r}; one of {tuple(NAV_GROUPS)}")
            if str(url) not in seen:
                seen.add(str(url))
                grouped[group].append((url, label))
    return [NavGroup(key, NAV_GROUPS[key], tuple(items)) for key, items in grouped.items() if items]


def register_notification_kinds(choices: Iterable[tuple[str, object]]) -> None:
    """Further kinds of notification `[(value, label), ...]` (e.g. a TextChoices' `.choices`); a kind of
    the core cannot be redefined."""
    for value, label in choices:
        if value in NotificationKind.values:
            raise ValueError(f"{value!r} is a notification kind of the core")
        _notification_kinds[value] = label


def notification_kind_choices() -> list[tuple[str, object]]:
    """Every kind of notification: the workflow's (staffing.states.NotificationKind), then the registered
    ones. The choices of `Notification.kind` and of the e-mail preferences."""
    return [*NotificationKind.choices, *_notification_kinds.items()]


def notification_kind_values() -> list[str]:
    return [value for value, _label in notification_kind_choices()]


def register_start_panel(provider: Callable) -> None:
    """`provider(request)` returns the HTML of a section for the start page (a `SafeString`, rendered by the
    providing app with its own template), or "" / None where the user is not to see it."""
    _add(_start_panels, provider)


def start_panels(request) -> list[str]:
    """The sections the other apps add to the start page for this request, in registration order."""
    return [html for provider in _start_panels if (html := provider(request))]


def register_footer_links(provider: Callable) -> None:
    """`provider(user)` returns the links `[(url, label), ...]` an app adds to every page's footer; `user` is
    None on the error pages (rendered without a request) and anonymous on the login page."""
    _add(_footer_links, provider)


def footer_links(user=None) -> list[tuple]:
    """issue 17, point 4: the footer's links of every registered app, in registration order."""
    return [link for provider in _footer_links for link in provider(user)]


#: issue 17, point 5: the places of the core's pages that offer contextual help: a notice's Wochenfrist, the
#: notice list, and each workflow step's form (by the step's name, e.g. "clear", "decide"). Other apps may
#: ask for their own topics (e.g. planning's "capacity_plan").
HELP_TOPICS = ("period", "notice_list", "clear", "request_clarification", "raise_concerns", "city_statement",
               "propose_agreement", "confirm_agreement", "reject_agreement", "agree", "escalate", "decide",
               "revoke_cut", "place", "withdraw", "submit", "comment")


@dataclass(frozen=True)
class HelpLink:
    """A link to the explanation of a topic: its URL (with the section's #anchor) and its accessible name."""

    url: str
    label: str


def register_help_link(provider: Callable) -> None:
    """`provider(topic)` returns the `HelpLink` explaining the topic, or None."""
    _add(_help_links, provider)


def help_link(topic: str) -> HelpLink | None:
    """The first registered explanation of a topic; None: no help app installed (the page shows no link)."""
    for provider in _help_links:
        link = provider(topic)
        if link is not None:
            return link
    return None


@functools.lru_cache(maxsize=512)
def _page_url(name: str, urlconf: str | None, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def page_url(name: str) -> str:
    """issue 16, point 3 (a cheap request): the URL of a page without arguments, for the navigation and the
    footer that every page shows (about twenty links). `reverse()` costs 0.1-0.2 ms each; the result of a name
    only changes with the URL configuration and the script prefix, which are part of the cache key."""
    return _page_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


_URL_MARKER = 7_405_911_203_419


@functools.lru_cache(maxsize=256)
def _object_url_parts(name: str, urlconf: str | None, prefix: str) -> tuple[str, str] | None:
    parts = reverse(name, args=[_URL_MARKER], urlconf=urlconf).split(str(_URL_MARKER))
    return (parts[0], parts[1]) if len(parts) == 2 else None


def object_url(name: str, pk) -> str:
    """issue 16 (every page within 2x of its floor): the URL of a page with one integer argument (a notice's
    page, linked by every row of the notifications and the notice lists), as `reverse(name, args=[pk])` gives
    it: reversed once per name, URL configuration and script prefix with a marker number, then the number put
    in its place (`reverse()` costs 0.1-0.2 ms per row). Anything but a non-negative int goes to `reverse()`."""
    if type(pk) is int and pk >= 0:
        parts = _object_url_parts(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        if parts is not None:
            return f"{parts[0]}{pk}{parts[1]}"
    return reverse(name, args=[pk])
