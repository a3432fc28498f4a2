"""Notices in the states the pages show, made through the services (as the workflow makes them)."""
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from staffing import services
from staffing.models import Function, NoticeState, PlacementNotice, Position, Qualification, User
from staffing.tasks import run_sweep

CANDIDATE = {
    "full_name": "Jana Beispiel",
    "employment": "employee",
    "grade": "EG 9c",
    "qualification": Qualification.DEGREE,
    "qualification_detail": "B.A. Soziale Arbeit",
    "professional_background": "Drei Jahre Fallmanagement beim Träger der Jugendhilfe.",
    "months_experience": 36,
    "is_selected": True,
}


def user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


def free_positions(city: str, code=Function.Code.PLACEMENT):
    """Positions of the city's regional office without an open notice, vacant ones first."""
    return (Position.objects.filter(office__city__name=city, function__code=code)
            .exclude(notices__state__in=[s for s in NoticeState.values if s not in ("placed", "withdrawn")])
            .order_by("vacancies__refilled_on", "number"))


def complete_draft(city: str = "Witten", *, name: str = "Jana Beispiel", code=Function.Code.PLACEMENT,
                   reason: str = "Nachbesetzung wegen Ruhestand") -> PlacementNotice:
    """A draft with everything submission needs (PS-2.2)."""
    return services.notice_create(
        by=user(f"clerk-{city.lower()}"), position=free_positions(city, code).first(), reason=reason,
        planned_start=date.today() + timedelta(days=30), candidates=[{**CANDIDATE, "full_name": name}],
        goals_statement="Die Besetzung sichert die Vermittlung in Arbeit (Gesamtziele der JobAgentur EN).")


def submitted_notice(city: str = "Witten", *, name: str = "Jana Beispiel", code=Function.Code.PLACEMENT,
                     reason: str = "Nachbesetzung wegen Ruhestand") -> PlacementNotice:
    notice = complete_draft(city, name=name, code=code, reason=reason)
    return services.notice_submit(notice_id=notice.pk, by=user(f"clerk-{city.lower()}"))


def end_period(notice: PlacementNotice) -> None:
    """Let the objection period of this notice lie in the past (as if a week had gone by)."""
    past = timezone.now() - timedelta(minutes=5)
    PlacementNotice.objects.filter(pk=notice.pk).update(period_ends_at=past,
                                                        period_last_day=timezone.localdate(past))


def approved_by_silence(city: str = "Witten", **kwargs) -> PlacementNotice:
    notice = submitted_notice(city, **kwargs)
    end_period(notice)
    run_sweep()
    notice.refresh_from_db()
    assert notice.state == NoticeState.APPROVED_BY_SILENCE
    return notice


def in_consultation(city: str = "Witten", **kwargs) -> PlacementNotice:
    notice = submitted_notice(city, **kwargs)
    return services.notice_raise_objection(notice_id=notice.pk, by=user("koordination"), kind="concerns",
                                           reason="Die Berufserfahrung ist nicht einschlägig (PS-1.2).")


def escalated(city: str = "Witten", **kwargs) -> PlacementNotice:
    notice = in_consultation(city, **kwargs)
    return services.notice_escalate(notice_id=notice.pk, by=user("koordination"),
                                    reason="Keine Einigung in der Erörterung.",
                                    participants="Frau Heimann (Koordinierungsstelle), Frau Schulte (Stadt)")


def decided(city: str = "Witten", **kwargs) -> PlacementNotice:
    notice = escalated(city, **kwargs)
    return services.notice_decide(notice_id=notice.pk, by=user("kreis"), kind="conditions",
                                  directive="Die Stelle ist mit einer Fachkraft mit Abschluss zu besetzen.",
                                  cut_percent=Decimal("5"), cut_from=date(date.today().year, 1, 1),
                                  cut_to=date(date.today().year, 12, 31))


def a_notice_in_every_state() -> dict[str, PlacementNotice]:
    """One Witten notice per main state (plus one in Hattingen), for the pages that show them."""
    clerk = user("clerk-witten")
    draft = services.notice_create(by=clerk, position=free_positions("Witten").first(),
                                   candidates=[{"full_name": "Erika Entwurf"}])
    notices = {
        "draft": draft,
        "informed": submitted_notice("Witten", name="Max Mustermann"),
        "approved_by_silence": approved_by_silence("Witten", name="Sven Still", code=Function.Code.COUNSELLING),
        "consultation": in_consultation("Witten", name="Clara Klärung"),
        "escalated": escalated("Witten", name="Emil Eskalation"),
        "decided": decided("Witten", name="Dora Entscheidung"),
        "hattingen": submitted_notice("Hattingen", name="Hanna Hattingen"),
    }
    for notice in notices.values():
        notice.refresh_from_db()
    return notices
