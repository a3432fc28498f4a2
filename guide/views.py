"""issue 17: thin views of the public pages and the help; reads in selectors, writes in services."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ops.auth import client_ip_address

from . import selectors, services, topics
from .forms import FeedbackForm, same_site_path


def _statement_context() -> dict:
    audit = selectors.accessibility_audit()
    return {"audit": audit, "conformity": selectors.conformity(audit), "operator": selectors.operator(),
            "enforcement": selectors.enforcement_body()}


def accessibility_statement(request):
    """issue 17, point 4: the Erklärung zur Barrierefreiheit (BITV 2.0 § 7), public."""
    return render(request, "guide/accessibility.html", _statement_context())


def _page_of_origin(request) -> str:
    """The page the visitor came from: `?seite=` or the Referer of this site, as a path ("" if neither)."""
    page = same_site_path(request.GET.get("seite", ""))
    if page:
        return page
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc == request.get_host():
        return same_site_path(referer.path)
    return ""


@require_http_methods(["GET", "POST"])
def feedback(request):
    """issue 17, point 4: the feedback form (Feedback-Mechanismus), public; what was typed is kept on errors."""
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_spam:  # a robot: answered like a person, nothing stored or sent
            return redirect("guide:feedback_thanks")
        if form.is_valid():
            try:
                services.feedback_submit(sender_key=services.client_key(client_ip_address(request) or ""),
                                         **{k: form.cleaned_data[k] for k in ("message", "name", "email", "page_url")})
            except services.FeedbackRefused as refusal:
                form.add_error(None, str(refusal))
                return render(request, "guide/feedback.html", {"form": form, "operator": selectors.operator()},
                              status=429)
            return redirect("guide:feedback_thanks")
    else:
        form = FeedbackForm(initial={"page_url": _page_of_origin(request)})
    return render(request, "guide/feedback.html", {"form": form, "operator": selectors.operator()})


def feedback_thanks(request):
    return render(request, "guide/feedback_thanks.html", {"operator": selectors.operator()})


def imprint(request):
    """issue 17, point 4: the imprint with the operator's settings, public."""
    return render(request, "guide/imprint.html", {"operator": selectors.operator()})


def privacy_notice(request):
    """issue 17, point 4: the data protection notice (Art. 13 DSGVO) with the operator's settings, public."""
    return render(request, "guide/privacy.html", {"operator": selectors.operator()})


def _role(request):
    return getattr(request.user, "role", None)


@login_required
def help_index(request):
    """issue 17, point 5: the guide's pages, the one for the user's role first."""
    return render(request, "guide/help/index.html",
                  {"pages": topics.pages_for(_role(request)), "own": topics.page_for_role(_role(request))})


@login_required
def help_page(request, slug):
    """issue 17, point 5: one page of the guide (every signed-in user may read every page)."""
    page = topics.PAGES.get(slug)
    if page is None:
        raise Http404
    return render(request, page.template, {"page": page, "pages": topics.pages_for(_role(request)),
                                           "own": topics.page_for_role(_role(request))})
