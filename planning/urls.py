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
    path("vakanzen/", views.vacancy_list, name="vacancies"),
    path("fortbildung/", views.training, name="training"),
    path("fortbildung/bedarf/<int:pk>/prioritaet/", views.training_need_priority, name="training_need_priority"),
    path("fortbildung/angebote/<int:pk>/", views.training_offer, name="training_offer"),
    path("fortbildung/teilnahme/<int:pk>/status/", views.training_participation_status,
         name="training_participation_status"),
    path("coaching/", views.coaching_view, name="coaching"),
    path("coaching/<int:pk>/anmelden/", views.coaching_sign_up, name="coaching_sign_up"),
    path("coaching/<int:pk>/teilnehmende/", views.coaching_participants, name="coaching_participants"),
    path("erstattung/", views.costs_view, name="costs"),
    path("erstattung/hoechstrahmen/neu/", views.cap_create, name="cap_create"),
    path("erstattung/stadt/<int:pk>/", views.cap_history, name="cap_history"),
    path("nachrichten/", views.message_list, name="messages"),
    # issue 13: the district's staff plan (PS-4.2)
    path("stellenplan/", views.staff_plan, name="staff_plan"),
    path("stellenplan/vorlage.csv", views.staff_plan_template, name="staff_plan_template"),
    path("stellenplan/<int:office_pk>/", views.staff_plan_office, name="staff_plan_office"),
    path("stellenplan/<int:office_pk>/neu/", views.staff_plan_position_create, name="staff_plan_position_create"),
    path("stellenplan/<int:office_pk>/einlesen/", views.staff_plan_import, name="staff_plan_import"),
    path("stellenplan/<int:office_pk>/vorschlag/", views.position_proposal_create, name="position_proposal_create"),
    path("stellenplan/stelle/<int:pk>/", views.staff_plan_position_edit, name="staff_plan_position_edit"),
    path("stellenplan/vorschlaege/", views.position_proposals, name="position_proposals"),
    path("stellenplan/vorschlaege/<int:pk>/", views.position_proposal_detail, name="position_proposal_detail"),
]
