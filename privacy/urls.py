"""Included at the project root without a namespace: the URL name `privacy_export` stays as it was."""
from django.urls import path

from . import views

urlpatterns = [
    path("datenschutz/auskunft/", views.personal_data_export_view, name="privacy_export"),
]
