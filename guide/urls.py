"""issue 17: the public pages (accessibility statement, feedback, imprint, data protection) and the help."""
from django.urls import path

from . import views

app_name = "guide"
urlpatterns = [
    path("barrierefreiheit/", views.accessibility_statement, name="accessibility"),
    path("barrierefreiheit/rueckmeldung/", views.feedback, name="feedback"),
    path("barrierefreiheit/rueckmeldung/danke/", views.feedback_thanks, name="feedback_thanks"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy_notice, name="privacy"),
    path("hilfe/", views.help_index, name="help_index"),
    path("hilfe/<slug:slug>/", views.help_page, name="help_page"),
]
