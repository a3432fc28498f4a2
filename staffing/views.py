"""Thin views: each reads through selectors (visibility rule) and writes through services."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from . import selectors
from .models import NoticeState

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("seite"))


@login_required
def home(request):
    """Start page per role: what waits for this user, and counts by state."""
    notices = selectors.notices_visible_to(request.user)
    counts = dict(notices.order_by().values_list("state").annotate(n=Count("pk")))
    state_counts = [(state, label, counts.get(state, 0)) for state, label in NoticeState.choices]
    return render(request, "staffing/home.html", {
        "state_counts": state_counts,
        "waiting": selectors.notices_waiting_for(request.user)[:20],
    })


@login_required
def notice_list(request):
    qs = selectors.notices_visible_to(request.user).order_by("-created_at")
    return render(request, "staffing/notices/list.html", {"page": _page(request, qs)})


@login_required
def notice_detail(request, pk):
    notice = selectors.notice_for_user(request.user, pk)
    return render(request, "staffing/notices/detail.html", {"notice": notice})


@login_required
def staff_list(request):
    qs = selectors.staff_visible_to(request.user).filter(left_on__isnull=True)
    return render(request, "staffing/staff/list.html", {"page": _page(request, qs)})


@login_required
def staff_detail(request, pk):
    member = selectors.staff_member_for_user(request.user, pk)
    return render(request, "staffing/staff/detail.html", {"member": member})


@login_required
def position_list(request):
    qs = selectors.positions_visible_to(request.user)
    return render(request, "staffing/positions/list.html", {"page": _page(request, qs)})


@login_required
def position_detail(request, pk):
    position = selectors.position_for_user(request.user, pk)
    return render(request, "staffing/positions/detail.html", {"position": position})


@login_required
def vacancy_list(request):
    qs = selectors.vacancies_visible_to(request.user).order_by("refilled_on", "vacated_on")
    return render(request, "staffing/vacancies/list.html", {"page": _page(request, qs)})


@login_required
def vacancy_detail(request, pk):
    vacancy = selectors.vacancy_for_user(request.user, pk)
    return render(request, "staffing/vacancies/detail.html", {"vacancy": vacancy})
