from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics_view, name="statistics"),
    path("statistik.csv", views.statistics_csv, name="statistics_csv"),
    path("statistik.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("pruefprotokoll.csv", views.audit_period_csv, name="audit_period_csv"),
    path("pruefprotokoll.pdf", views.audit_period_pdf, name="audit_period_pdf"),
    path("mitteilungen/<int:pk>/pruefprotokoll.csv", views.audit_notice_csv, name="audit_notice_csv"),
    path("mitteilungen/<int:pk>/pruefprotokoll.pdf", views.audit_notice_pdf, name="audit_notice_pdf"),
]
