from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.home, name="home"),
    path("mitteilungen/<int:pk>/bescheinigung.pdf", views.notice_certificate, name="notice_certificate"),
    path("kalender/", views.calendar_settings, name="calendar_settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("vertretung/", views.substitutes, name="substitutes"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/vorlage/<slug:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("oidc/anmelden/", views.oidc_login, name="oidc_login"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
