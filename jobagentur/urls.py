from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("ops.urls")),
    path("", include("privacy.urls")),
    path("integration/", include("integrations.urls")),
    path("planung/", include("planning.urls")),
    path("", include("staffing.urls")),
]
