from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("mitteilungen/<int:pk>/bescheinigung.pdf", views.notice_certificate, name="notice_certificate"),
]
