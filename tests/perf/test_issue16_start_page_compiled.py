"""Issue 16, point 3 (every page within 2x of its floor): the start page's three statements (counts by state,
what waits for the user, the long-open vacancies of PS-4.3) are compiled once per process and role
(`staffing.compiled`, `selectors._start_page_lookups`); they give the ORM's rows for every role and scope, and
a value that stands at several places of the SQL (the time of the running week) or at none is set everywhere."""
import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from staffing import access, selectors
from staffing.compiled import CompiledLookup
from staffing.models import NoticeComment, PlacementNotice, User, Vacancy

pytestmark = pytest.mark.django_db

DEMO_USERS = ["clerk-witten", "clerk-hattingen", "koordination", "kreis", "leitung"]


@pytest.fixture
def demo(db, settings):
    settings.DEMO_LOGINS_ENABLED = True
    call_command("seed_demo", verbosity=0)


def _orm(user, now, days):
    counts = dict(selectors.notices_visible_to(user).order_by().values_list("state").annotate(
        n=Count("pk")))
    waiting = list(selectors.notices_waiting_for(user, now=now)[:selectors.START_PAGE_WAITING])
    before = selectors.long_open_before(days=days)
    vacancies = list(selectors.vacancies_visible_to(user).filter(
        refilled_on__isnull=True, vacated_on__lt=before).order_by("vacated_on")[:selectors.START_PAGE_VACANCIES])
    return counts, waiting, vacancies


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("shift_days", [0, 9])  # 9 days on: the weeks have ended (the head's guard on `now`)
def test_the_compiled_start_page_rows_are_the_orms_for_every_role(demo, django_assert_num_queries, shift_days):
    head = User.objects.get(username="leitung")
    involved = PlacementNotice.objects.filter(head_involved=True).exclude(state="draft").first()
    NoticeComment.objects.create(notice=involved, author=head, text="Einverstanden.")  # the head's own statement
    now = timezone.now() + datetime.timedelta(days=shift_days)
    for username in DEMO_USERS:
        user = User.objects.select_related("organisation").get(username=username)
        assert selectors._scope_stand_in(user) is not None
        for days in (0, 30, 10_000):
            counts, waiting, vacancies = _orm(user, now, days)
            with django_assert_num_queries(3):
                got_counts = selectors.notice_state_counts(user)
                got_waiting = selectors.notices_waiting_rows(user, selectors.START_PAGE_WAITING, now=now)
                got_vacancies = selectors.vacancies_open_longer_rows(user, days, selectors.START_PAGE_VACANCIES)
            assert got_counts == counts
            assert [_fields(n) for n in got_waiting] == [_fields(n) for n in waiting]
            assert [(n.office.city.name, n.position and n.position.title, n.function and n.function.name)
                    for n in got_waiting] == [(n.office.city.name, n.position and n.position.title,
                                               n.function and n.function.name) for n in waiting]
            assert [_fields(v) for v in got_vacancies] == [_fields(v) for v in vacancies]
            assert [str(v.position.office) for v in got_vacancies] == [str(v.position.office) for v in vacancies]
    assert PlacementNotice.objects.exists() and Vacancy.objects.exists()
    for lookups in selectors._start_page_lookups.values():  # every statement compiled (none fell back to the ORM)
        assert all(None not in lookup._compiled.values() for lookup in lookups.values() if lookup._compiled)


def test_a_superuser_keeps_the_orm(demo):
    admin = User.objects.create_user("betrieb", password="x", is_superuser=True, is_staff=True)
    assert selectors._scope_stand_in(admin) is None
    assert selectors.notice_state_counts(admin) == dict(
        PlacementNotice.objects.order_by().values_list("state").annotate(
            n=Count("pk")))
    assert access.scope_of(admin).everything


def test_a_value_that_changes_the_statements_shape_is_not_compiled():
    """Two placeholders giving different SQL (the value is part of the structure): the ORM every time."""
    def build(n):  # the two placeholders of the first value lie on either side of -7_405_911_250
        return PlacementNotice.objects.all()[:1] if n > -7_405_911_250 else PlacementNotice.objects.filter(pk=n)

    lookup = CompiledLookup(PlacementNotice, build, many=True)
    assert lookup.rows(5) == []
    assert lookup._compiled and None in lookup._compiled.values()
