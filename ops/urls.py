"""Included at the project root without a namespace: the URL name `health` stays as it was."""
from django.urls import path

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
    # issue 14: the development mail viewer (404 unless DEBUG) and the favicon browsers ask for
    path("entwicklung/mails/", views.dev_mail_list, name="dev_mail_list"),
    path("entwicklung/mails/<str:mail_id>/", views.dev_mail_detail, name="dev_mail_detail"),
    path("favicon.ico", views.favicon, name="favicon"),
]
