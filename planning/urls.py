from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("personal/", views.staff_register, name="staff_register"),
    path("personal/neu/", views.staff_create, name="staff_create"),
    path("personal/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("personal/<int:pk>/bearbeiten/", views.staff_edit, name="staff_edit"),
    path("personal/<int:pk>/austritt/", views.staff_leave, name="staff_leave"),
    path("quartalsmeldung/", views.report_list, name="report_list"),
    path("quartalsmeldung/bestaetigen/", views.report_confirm, name="report_confirm"),
    path("quartalsmeldung/<int:pk>/", views.report_detail, name="report_detail"),
    path("kapazitaet/", views.capacity_view, name="capacity"),
    path("kapazitaet.csv", views.capacity_csv, name="capacity_csv"),
    path("kapazitaet.xlsx", views.capacity_xlsx, name="capacity_xlsx"),
    path("kontinuitaet.csv", views.continuity_csv, name="continuity_csv"),
    path("kontinuitaet.xlsx", views.continuity_xlsx, name="continuity_xlsx"),
    path("vakanzen/", views.vacancy_list, name="vacancies"),
    path("fortbildung/", views.training, name="training"),
    path("fortbildung/bedarf/<int:pk>/prioritaet/", views.training_need_priority, name="training_need_priority"),
    path("fortbildung/angebote/<int:pk>/", views.training_offer, name="training_offer"),
    path("fortbildung/teilnahme/<int:pk>/status/", views.training_participation_status,
         name="training_participation_status"),
    path("fortbildung/fachspezifisch/", views.training_coverage, name="training_coverage"),
    path("fortbildung/fachspezifisch/stadt/<int:pk>/erinnern/", views.training_coverage_remind,
         name="training_coverage_remind"),
    path("coaching/", views.coaching_view, name="coaching"),
    path("coaching/<int:pk>/anmelden/", views.coaching_sign_up, name="coaching_sign_up"),
    path("coaching/<int:pk>/teilnehmende/", views.coaching_participants, name="coaching_participants"),
    path("coaching/anmeldungen/", views.coaching_signups, name="coaching_signups"),
    path("coaching/auswertung/", views.coaching_evaluations, name="coaching_evaluations"),
    path("coaching/<int:pk>/auswertung/", views.coaching_offer_evaluations, name="coaching_offer_evaluations"),
    path("coaching/<int:pk>/coach/<str:token>/", views.coaching_coach_form, name="coaching_coach_form"),
    path("erstattung/", views.costs_view, name="costs"),
    path("erstattung/hoechstrahmen/neu/", views.cap_create, name="cap_create"),
    path("erstattung/stadt/<int:pk>/", views.cap_history, name="cap_history"),
    path("nachrichten/", views.message_list, name="messages"),
    # issue 13: PS-5.1 consultation of the cap with all cities
    path("erstattung/abstimmung/", views.cap_consultation_list, name="cap_consultation_list"),
    path("erstattung/abstimmung/neu/", views.cap_consultation_create, name="cap_consultation_create"),
    path("erstattung/abstimmung/<int:pk>/", views.cap_consultation_detail, name="cap_consultation_detail"),
    path("erstattung/abstimmung/<int:pk>/festsetzen/", views.cap_consultation_fix, name="cap_consultation_fix"),
    path("erstattung/vorschlag/<int:pk>/stellungnahme/", views.cap_statement, name="cap_statement"),
]
