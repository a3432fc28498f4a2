"""Issue 16 (every measured page within 2x of its honest floor): the cheaper per-request work of the start page,
the notice page and the notifications page gives what the ORM and Django give."""
import pytest
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from staffing import hooks, selectors, services
from staffing.models import AgreementRuleSet, NoticeEvent, NoticeState, Notification, PlacementNotice
from staffing.states import NotificationKind

from ..factories import CandidateFactory, FunctionFactory, PlacementNoticeFactory, PositionFactory

pytestmark = pytest.mark.django_db


def _orm_notice(user, pk):
    return selectors.get_or_404(selectors._notice_detail_queryset(user, timezone.now()), pk)


def _columns(notice):
    return {f.attname: getattr(notice, f.attname) for f in PlacementNotice._meta.concrete_fields}


def test_the_compiled_notice_row_is_the_orms_and_keeps_the_scope(
        witten_office, clerk_witten, clerk_hattingen, coordinator, django_assert_num_queries):
    now = timezone.now()
    informed = PlacementNoticeFactory(position=PositionFactory(office=witten_office), state=NoticeState.INFORMED,
                                      received_at=now, period_ends_at=now + timezone.timedelta(days=7))
    CandidateFactory(notice=informed)
    draft = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    for user, pk in ((clerk_witten, informed.pk), (clerk_witten, draft.pk), (coordinator, informed.pk)):
        orm = _orm_notice(user, pk)
        for _ in range(2):  # the first call compiles, the second reuses the statement
            with django_assert_num_queries(1):
                notice = selectors._notice_detail_row(user, pk)
            assert _columns(notice) == _columns(orm)
            assert (notice.relations_present, notice.district_min_months_now) == (
                orm.relations_present, orm.district_min_months_now)
            assert (notice.office.city.name, notice.position.title, notice.function.name) == (
                orm.office.city.name, orm.position.title, orm.function.name)
    # PS-2.2: the district does not see the city's draft; another city sees nothing of Witten
    for user, pk in ((coordinator, draft.pk), (clerk_hattingen, informed.pk), (clerk_witten, informed.pk + 1000)):
        with pytest.raises(Http404):
            selectors._notice_detail_row(user, pk)



def test_the_notice_pages_candidates_audit_trail_and_comments_are_the_orms(
        witten_office, clerk_witten, coordinator, django_assert_num_queries):
    """Issue 16, point 4: the compiled reads of the notice's own rows give the rows prefetch_related gives, in
    its order, with the same columns and persons, each pointing at the notice without a query; none of another
    notice."""
    now = timezone.now()
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office), state=NoticeState.INFORMED,
                                    received_at=now, period_ends_at=now + timezone.timedelta(days=7),
                                    created_by=clerk_witten)
    other = PlacementNoticeFactory(position=PositionFactory(office=witten_office), state=NoticeState.INFORMED,
                                   received_at=now, period_ends_at=now + timezone.timedelta(days=7))
    for target in (notice, other):
        CandidateFactory(notice=target)
        CandidateFactory(notice=target)
        services.notice_comment(notice_id=target.pk, by=coordinator, text=f"Kommentar zu {target.pk}")
        services.notice_comment(notice_id=target.pk, by=clerk_witten, text=f"Antwort zu {target.pk}")
        for k, (actor, stand_in) in enumerate(((clerk_witten, None), (coordinator, clerk_witten), (None, None))):
            NoticeEvent.objects.create(notice=target, actor=actor, on_behalf_of=stand_in, transition=f"t{k}",
                                       from_state=NoticeState.DRAFT, to_state=NoticeState.INFORMED,
                                       at=now - timezone.timedelta(minutes=3 - k))
    orm = PlacementNotice.objects.prefetch_related(
        *(models.Prefetch(name, queryset=qs) for name, qs in selectors._DETAIL_RELATIONS.items())).get(pk=notice.pk)
    for _ in range(2):  # the first call compiles, the second reuses the statements
        with django_assert_num_queries(4):  # the notice's row, candidates, audit trail, comments
            page = selectors.notice_detail_for_user(clerk_witten, notice.pk)
        with django_assert_num_queries(0):
            for name, fields in (("candidates", ("id", "full_name", "erased_at")),
                                 ("events", ("id", "transition", "from_state", "to_state", "at", "actor_id")),
                                 ("comments", ("id", "text", "created_at", "author_id"))):
                rows, expected = list(getattr(page, name).all()), list(getattr(orm, name).all())
                assert rows and [[getattr(r, f) for f in fields] for r in rows] == [
                    [getattr(r, f) for f in fields] for r in expected]
                assert all(r.notice is page for r in rows)
            assert [(e.actor and e.actor.username, e.on_behalf_of and e.on_behalf_of.username)
                    for e in page.events.all()] == [(e.actor and e.actor.username, e.on_behalf_of and
                                                     e.on_behalf_of.username) for e in orm.events.all()]
            assert [c.author.username for c in page.comments.all()] == [c.author.username for c in orm.comments.all()]
            assert list(page.goals.all()) == [] and list(page.cost_cuts.all()) == []
            # the creator from the row's own columns (no join, no query), as the page names the person
            assert (page.created_by.pk, page.created_by.username, page.created_by.get_full_name()) == (
                clerk_witten.pk, clerk_witten.username, clerk_witten.get_full_name())
    # a notice without a creator (e.g. imported) has none
    PlacementNotice.objects.filter(pk=other.pk).update(created_by=None)
    with django_assert_num_queries(4):
        assert selectors.notice_detail_for_user(clerk_witten, other.pk).created_by is None


@pytest.mark.parametrize("pk", [2 ** 63, 10 ** 30, -(2 ** 63) - 1])
def test_an_id_beyond_64_bits_is_not_found_not_a_server_error(client, clerk_witten, witten_office, pk):
    """Hostile input: the compiled statement cannot bind such a number (SQLite); the ORM path answers 404."""
    PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    with pytest.raises(Http404):
        selectors._notice_detail_row(clerk_witten, pk)
    client.force_login(clerk_witten)
    if pk > 0:  # the URL converter takes only digits
        assert client.get(f"/mitteilungen/{pk}/").status_code == 404

def test_the_rule_set_in_force_is_the_orms(district):
    now = timezone.now()
    AgreementRuleSet.objects.filter(district=district).delete()
    assert selectors.rule_set_in_force(district.pk) is None
    first = services.rule_set_initial(district_id=district.pk)
    for at in (now, now + timezone.timedelta(days=400), first.valid_from):
        assert selectors.rule_set_in_force(district.pk, at) == (
            AgreementRuleSet.objects.filter(district_id=district.pk, valid_from__lte=at)
            .order_by("-valid_from", "-version").first())


def test_a_notifications_kind_label_and_url_are_djangos(clerk_witten, witten_office):
    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    field = Notification._meta.get_field("kind")
    for kind in [*NotificationKind.values, "unbekannt"]:
        n = Notification(recipient=clerk_witten, notice=notice, kind=kind, subject="s", body="b")
        assert n.get_kind_display() == models.Model._get_FIELD_display(n, field)
        assert n.get_absolute_url() == reverse("staffing:notice_detail", args=[notice.pk])
    assert hooks.object_url("staffing:notice_detail", 0) == reverse("staffing:notice_detail", args=[0])
    assert hooks.object_url("staffing:notice_detail", "12") == reverse("staffing:notice_detail", args=["12"])


def test_the_notifications_page_names_each_notice_as_notice_label_does(clerk_witten, witten_office):
    """Issue 16, point 3: the notice's name read as columns of the notification's row is `wording.notice_label`
    of the notice (with a position; without a position: the function; with neither)."""
    from staffing import wording

    with_position = PlacementNoticeFactory(position=PositionFactory(office=witten_office, title="Fallmanager/in"))
    function_only = PlacementNoticeFactory(office=witten_office, position=None, function=FunctionFactory())
    bare = PlacementNoticeFactory(office=witten_office, position=None, function=None)
    for notice in (with_position, function_only, bare):
        Notification.objects.create(recipient=clerk_witten, notice=notice, kind=NotificationKind.COMMENT,
                                    subject="s", body="b")
    rows = selectors.name_notifications(clerk_witten, selectors.notifications_for_list(clerk_witten))
    assert {n.notice_id: n.about_label for n in rows} == {
        notice.pk: wording.notice_label(PlacementNotice.objects.get(pk=notice.pk))
        for notice in (with_position, function_only, bare)}
    assert [n.pk for n in rows] == [n.pk for n in selectors.notifications_for(clerk_witten)]


@pytest.mark.parametrize("seite", [None, "", "1", "2", "3", "4", "0", "-1", "abc", " 2", "2.0", "999",
                                   "9" * 30, "²"])
def test_the_pager_counted_in_the_rows_gives_paginates_page(rf, clerk_witten, witten_office, seite):
    """Issue 16, point 3: `ui.paginate_counted_in_rows` (the total in the page's own statement) answers every
    page number as `ui.paginate` does: same rows, same number, same total."""
    from staffing import ui

    notice = PlacementNoticeFactory(position=PositionFactory(office=witten_office))
    for i in range(7):
        Notification.objects.create(recipient=clerk_witten, notice=notice, kind=NotificationKind.COMMENT,
                                    subject=f"s{i}", body="b")
    request = rf.get("/", {} if seite is None else {"seite": seite})
    for user in (clerk_witten, None):
        qs = selectors.notifications_for_list(clerk_witten) if user else Notification.objects.none()
        expected = ui.paginate(request, qs, per_page=3)
        page = ui.paginate_counted_in_rows(request, qs, per_page=3)
        assert (page.number, page.paginator.count, page.paginator.num_pages, [n.pk for n in page]) == (
            expected.number, expected.paginator.count, expected.paginator.num_pages, [n.pk for n in expected])


@pytest.mark.parametrize("sort", list(selectors.NOTICE_SORTS))
@pytest.mark.parametrize("seite", [None, "1", "2", "3", "0", "abc", "999"])
def test_the_notice_list_read_by_ids_first_gives_the_orms_page(rf, coordinator, clerk_witten, clerk_hattingen,
                                                              witten_office, hattingen_office, sort, seite):
    """Issue 16: the notice list reads a page's ids first (`IdsFirstPaginator`, `selectors.notice_list_rows`): the
    same rows in the same order, with the same columns and candidate counts, and the same page number and total as
    the plain paginated queryset, for every sort and page number; the scope stays the user's (a clerk never gets
    another city's notice, also not a draft of the own district)."""
    from staffing import ui

    now = timezone.now()
    for k, office in enumerate([witten_office] * 5 + [hattingen_office] * 3):
        notice = PlacementNoticeFactory(position=PositionFactory(office=office), state=NoticeState.INFORMED,
                                        received_at=now, period_ends_at=now + timezone.timedelta(days=k + 1))
        CandidateFactory.create_batch(k % 3, notice=notice)
    PlacementNoticeFactory(position=PositionFactory(office=hattingen_office))  # a draft: Hattingen's own
    request = rf.get("/", {} if seite is None else {"seite": seite})
    for user in (coordinator, clerk_witten, clerk_hattingen):
        qs = selectors.notices_filtered(user, sort=sort)
        expected = ui.paginate(request, qs, per_page=3)
        page = ui.paginate(request, qs, per_page=3, rows=lambda ids: selectors.notice_list_rows(ids, sort))  # noqa: B023

        def shown(rows):
            return [(n.pk, n.state, n.office.city.name, n.position.title, n.function.name, n.candidate_count)
                    for n in rows]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number, expected.paginator.count, expected.paginator.num_pages)
        assert shown(page) == shown(expected)  # every sort ends in created_at or the id: one order
        assert {n.pk for n in page} <= set(selectors.notices_visible_to(user).values_list("pk", flat=True))
    assert len(shown(expected)) == (1 if expected.number == 2 else 3)  # the clerk of Hattingen: 4 notices


@pytest.mark.parametrize("seite", [None, "1", "2", "0", "abc", "999"])
def test_the_escalation_page_read_by_ids_first_gives_the_orms_page(rf, district_admin, coordinator, witten_office,
                                                                   hattingen_office, seite):
    """Issue 16: the escalation page reads a page's ids first (`selectors.escalation_rows`): the same notices in
    the same order (escalations first, then consultations, then proposals; oldest change first), with the same
    columns, page number and total as the plain paginated queryset; a notice in another state never shows."""
    from staffing import ui

    states = [NoticeState.CONSULTATION, NoticeState.ESCALATED, NoticeState.AGREEMENT_PROPOSED, NoticeState.INFORMED]
    for k in range(9):
        office = (witten_office, hattingen_office)[k % 2]
        now = timezone.now()
        PlacementNoticeFactory(position=PositionFactory(office=office), state=states[k % 4], received_at=now,
                               period_ends_at=now + timezone.timedelta(days=7))
    request = rf.get("/", {} if seite is None else {"seite": seite})
    for user in (district_admin, coordinator):
        qs = selectors.escalations_visible_to(user)
        expected = ui.paginate(request, qs, per_page=3)
        page = ui.paginate(request, qs, per_page=3, rows=selectors.escalation_rows)

        def shown(rows):
            return [(n.pk, n.state, n.office.city.name, n.position.title) for n in rows]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (
            expected.number, expected.paginator.count, expected.paginator.num_pages) == (
            page.number, 7, 3)
        assert shown(page) == shown(expected)
        assert NoticeState.INFORMED not in {n.state for n in page}
