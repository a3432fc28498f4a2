from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from staffing import views as staffing_views


def moved(pattern_name: str):
    """A page that moved for good: 301 to its new address, the query string kept."""
    return RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)


# One page per dataset (issue 11): the staff register and the vacancy list are planning's pages; the
# core's former addresses lead there (declared here: staffing does not know planning).
MOVED = ([
    path("personal/", moved("planning:staff_register"), name="staff_list"),
    path("personal/<int:pk>/", moved("planning:staff_detail"), name="staff_detail"),
    path("vakanzen/", moved("planning:vacancies"), name="vacancy_list"),
], "moved")

urlpatterns = [
    # issue 15: Django's views with the long-name guard and the one safe `next` (staffing.redirects)
    path("anmelden/", staffing_views.LoginView.as_view(), name="login"),
    path("abmelden/", staffing_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", staffing_views.set_language, name="set_language"),  # issue 15: the safe `next`
    path("admin/", admin.site.urls),
    path("", include("ops.urls")),
    path("", include("privacy.urls")),
    path("", include("guide.urls")),  # issue 17: accessibility statement, imprint, data protection, help
    path("integration/", include("integrations.urls")),
    path("planung/", include("planning.urls")),
    path("statistik/", include("reports.urls")),  # issue 17: procedure statistics and audit export
    path("", include(MOVED)),
    path("", include("staffing.urls")),
]
