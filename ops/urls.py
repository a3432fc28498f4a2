"""Included at the project root without a namespace: the URL name `health` stays as it was."""
from django.urls import path

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
]
