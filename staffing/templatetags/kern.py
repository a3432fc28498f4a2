"""Template helpers for KERN UX markup: form fields with labels, hints and errors linked for
assistive technology (WCAG 2.1: 1.3.1, 3.3.1, 3.3.2), state badges with text, and deadlines."""
from __future__ import annotations

from django import forms, template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from staffing import access, hooks, wording
from staffing.deadlines import format_period_end, legal_time_zone
from staffing.states import meaning

from ..ui import CHOICE_LIST_WIDGETS, field_anchor, format_euro, format_fte, summary_items, summary_text

register = template.Library()


def _kind(widget) -> str:
    if isinstance(widget, CHOICE_LIST_WIDGETS):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


DJANGO_EMPTY_LABEL = "---------"


def german_empty_label(field, *, radio: bool = False) -> None:
    """Issue 14 (KERN select): a select never offers Django's "---------"; its empty choice reads
    "Bitte wählen" (a radio button "keine Angabe"). The field is the form's own copy, so this changes
    this form only."""
    empty = _("keine Angabe") if radio else _("Bitte wählen")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = empty
        return
    choices = getattr(field, "choices", None)
    if choices is None:
        return
    choices = list(choices)
    if any(label == DJANGO_EMPTY_LABEL for _value, label in choices):
        field.choices = [(value, empty if label == DJANGO_EMPTY_LABEL else label)
                         for value, label in choices]


@register.filter
def anchor(bound_field) -> str:
    return field_anchor(bound_field)


@register.inclusion_tag("staffing/includes/field.html")
def kern_field(bound_field, optional=False):
    """`{% kern_field form.name %}`: label, hint, error and control with KERN classes."""
    widget = bound_field.field.widget
    kind = _kind(widget)
    if kind in ("select", "choices"):
        german_empty_label(bound_field.field, radio=kind == "choices")
        widget = bound_field.field.widget
    errors = bound_field.errors
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_hint")
    if errors:
        described.append(f"{bound_field.auto_id}_error")
    attrs = {}
    css = {
        "input": "kern-form-input__input",
        "select": "kern-form-input__select",
        "checkbox": "kern-form-check__checkbox",
        # CheckboxSelectMultiple is a subclass of RadioSelect: ask for the checkbox first (issue 14)
        "choices": "kern-form-check__checkbox" if isinstance(widget, forms.CheckboxSelectMultiple)
        else "kern-form-check__radio",
    }.get(kind, "")
    if errors and kind in ("input", "select", "checkbox"):
        css += f" {css}--error"
    if kind == "choices":
        widget.attrs["class"] = css
        options = [sub.tag(wrap_label=False) for sub in bound_field.subwidgets]
        option_ids = [sub.id_for_label for sub in bound_field.subwidgets]
        labels = [sub.choice_label for sub in bound_field.subwidgets]
        return {"field": bound_field, "kind": kind, "errors": errors, "describedby": " ".join(described),
                "options": list(zip(options, option_ids, labels, strict=True)), "optional": optional}
    if css:
        attrs["class"] = css
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return {"field": bound_field, "kind": kind, "errors": errors, "widget": bound_field.as_widget(attrs=attrs),
            "optional": optional, "describedby": " ".join(described),
            "requirement_note": getattr(bound_field.field, "requirement_note", "")}


@register.simple_tag(name="summary_text")
def summary_text_tag(label, message) -> str:
    """`{% summary_text label message %}`: one line of the error summary without ".:" (issue 14)."""
    return summary_text(label, message)


@register.inclusion_tag("staffing/includes/error_summary.html")
def error_summary(*forms, title=None):
    """`{% error_summary form [other_form ...] %}`: the error summary of these forms (None is skipped),
    each error at a field linked to its control; messages without a field listed first."""
    items, form_messages = [], []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        form_messages += list(form.non_field_errors())
        items += summary_items(form)
    context = {"has_errors": bool(items or form_messages), "summary_items": items,
               "summary_messages": form_messages}
    if title:
        context["summary_title"] = title
    return context


@register.inclusion_tag("staffing/includes/state_badge.html")
def state_badge(state):
    """The state as a badge that carries its label as text (never colour alone)."""
    if not state:
        return {"variant": "info", "label": ""}
    state_meaning = meaning(state)
    return {"variant": state_meaning.badge, "label": state_meaning.label}


@register.filter
def state_label(state) -> str:
    """The label of a notice state, as `get_<field>_display` shows it, without building the dict of all
    states for each row of the audit trail (issue 16, point 4); an unknown value as it is."""
    try:
        return meaning(state).label
    except KeyError:
        return state


@register.filter
def euro(value) -> str:
    """issue 14: the one way money is shown: `{{ amount|euro }}` -> "1.250,50 €" ("" for None)."""
    try:
        return format_euro(value)
    except (ArithmeticError, ValueError, TypeError):
        return "" if value is None else str(value)


@register.filter
def fte(value) -> str:
    """issue 14: the one way an FTE share (VZÄ) is shown: `{{ p.fte|fte }}` -> "0,75"."""
    try:
        return format_fte(value)
    except (ArithmeticError, ValueError, TypeError):
        return "" if value is None else str(value)


@register.filter
def can(user, action: str) -> bool:
    """`{% if user|can:"cap.set" %}`: the access policy (staffing.access) in a template."""
    return access.can(user, action)


def days_left(notice) -> int | None:
    """Whole calendar days from today (legal time zone) to the last day of the period."""
    if not notice.period_last_day:
        return None
    today = timezone.now().astimezone(legal_time_zone()).date()
    return (notice.period_last_day - today).days


def _period_end_text(notice) -> str:
    """German as the services word it; other languages get the date in their own words."""
    if (get_language() or "de").startswith("de"):
        return format_period_end(notice)
    return f"{date_format(notice.period_last_day, 'l, d.m.Y')}, 24:00"


@register.simple_tag
def deadline(notice) -> str:
    """PS-2.3: the Wochenfrist with the right tense ("Die Wochenfrist endet am Mittwoch, 02.12.2026,
    24:00 Uhr (noch 3 Tage)."; "… hätte am … geendet; sie ist nicht mehr maßgeblich, weil …"), from
    `staffing.wording`; "" while the notice has no period or once it is closed (the state table)."""
    if not notice.period_last_day or not notice.meaning.period_shown:
        return ""
    return wording.period_status(notice, end=_period_end_text(notice))


@register.simple_tag
def period_explanation(notice):
    """PS-2.3 / §§ 187, 193 BGB: the parts of the Wochenfrist explanation for the notice page (issue 14),
    the same `staffing.wording.period_explanation` the PDF and the mails use."""
    return wording.period_explanation(notice)


@register.simple_tag
def days_left_text(notice) -> str:
    left = days_left(notice)
    if left is None:
        return "–"
    if notice.period_ends_at and timezone.now() >= notice.period_ends_at:
        return _("abgelaufen")
    if left <= 0:
        return _("heute")
    return ngettext("%(n)d Tag", "%(n)d Tage", left) % {"n": left}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (a value of None removes it)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag
def help_link(topic: str, css: str = "") -> str:
    """issue 17, point 5: the link to the help on a topic (`hooks.HELP_TOPICS`), with its accessible name
    (e.g. "Hilfe zur Wochenfrist"); "" when no app explains the topic."""
    link = hooks.help_link(str(topic))
    if link is None:
        return ""
    return format_html('<a class="kern-link kern-link--small app-help-link{}" href="{}">'
                       '<span class="kern-icon kern-icon--help" aria-hidden="true"></span>{}</a>',
                       f" {css}" if css else "", link.url, link.label)


MAIN_NAVIGATION_TEMPLATE = "staffing/includes/main_navigation.html"
_main_navigation_html: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """issue 16, point 3 (a cheap request): the main navigation of every page (base.html), rendered once per
    process for each language, menu (the groups with their items, as the user's rights give them: the
    `navigation` context processor) and current page (marked `aria-current` only when it is one of the menu's
    pages), then reused: about 1 ms of template rendering less per page. The HTML is that of the template
    `MAIN_NAVIGATION_TEMPLATE`; it holds nothing else of the user or the request."""
    groups = context.get("nav_groups") or ()
    request = context.get("request")
    path = getattr(request, "path", "")
    menu = tuple((group.key, str(group.label), tuple((str(url), str(label)) for url, label in group.items))
                 for group in groups)
    current = path if any(path == url for _key, _label, items in menu for url, _ in items) else None
    key = (get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), current, menu)
    html = _main_navigation_html.get(key)
    if html is None:
        html = context.template.engine.get_template(MAIN_NAVIGATION_TEMPLATE).render(context)
        if len(_main_navigation_html) >= 2000:  # bounded: menus x languages x current page
            _main_navigation_html.clear()
        _main_navigation_html[key] = html
    return html


@register.inclusion_tag("staffing/includes/footer_links.html", takes_context=True)
def footer_links(context) -> dict:
    """issue 17, point 4: the links of every page's footer (accessibility statement, imprint, help ...), as
    the apps register them; works without a request (the error pages)."""
    user = context.get("user")
    return {"links": hooks.footer_links(user if user is not None and user.is_authenticated else None)}
