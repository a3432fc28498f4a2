from django.urls import path

from . import views

app_name = "staffing"

urlpatterns = [
    path("", views.home, name="home"),
    path("mitteilungen/", views.notice_list, name="notice_list"),
    path("mitteilungen/export.csv", views.notice_export, name="notice_export"),
    path("mitteilungen/neu/", views.notice_create, name="notice_create"),
    path("mitteilungen/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("mitteilungen/<int:pk>/bearbeiten/", views.notice_edit, name="notice_edit"),
    path("mitteilungen/<int:pk>/schritt/<slug:name>/", views.notice_action, name="notice_action"),
    path("mitteilungen/<int:pk>/kommentar/", views.notice_comment, name="notice_comment"),
    path("eskalationen/", views.escalation_list, name="escalation_list"),
    path("eskalationen/<int:pk>/entscheidung/", views.escalation_decide, name="escalation_decide"),
    path("kuerzungen/", views.cost_cut_ledger, name="cost_cut_ledger"),
    path("ziele/", views.goal_list, name="goal_list"),
    path("laufbahnen/", views.career_track_list, name="career_tracks"),
    path("laufbahnen/<int:pk>/", views.career_track_edit, name="career_track_edit"),
    path("laufbahnen/<int:pk>/loeschen/", views.career_track_delete, name="career_track_delete"),
    path("kreis/regelwerk/", views.rule_set_overview, name="rule_sets"),
    path("kreis/regelwerk/<int:pk>/aendern/", views.rule_set_edit, name="rule_set_edit"),
    path("benachrichtigungen/", views.notification_list, name="notification_list"),
    path("benachrichtigungen/<int:pk>/gelesen/", views.notification_read, name="notification_read"),
    path("benachrichtigungen/alle-gelesen/", views.notification_read_all, name="notification_read_all"),
    path("einstellungen/", views.user_settings, name="user_settings"),
    path("stellen/", views.position_list, name="position_list"),
    path("stellen/<int:pk>/", views.position_detail, name="position_detail"),
    path("vakanzen/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
]
