from django.urls import path

from . import views

app_name = "staffing"

urlpatterns = [
    path("", views.home, name="home"),
    path("mitteilungen/", views.notice_list, name="notice_list"),
    path("mitteilungen/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("personal/", views.staff_list, name="staff_list"),
    path("personal/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("stellen/", views.position_list, name="position_list"),
    path("stellen/<int:pk>/", views.position_detail, name="position_detail"),
    path("vakanzen/", views.vacancy_list, name="vacancy_list"),
    path("vakanzen/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
]
