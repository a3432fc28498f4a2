"""The feedback form of the accessibility statement (issue 17, point 4)."""
from django import forms
from django.utils.translation import gettext_lazy as _


def same_site_path(value: str) -> str:
    """A page of this site as a path ("/mitteilungen/3/"); anything else (another site, a script) is dropped."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or any(c.isspace() for c in value):
        return ""
    return value[:500]


class FeedbackForm(forms.Form):
    """Name and e-mail optional, the message required, the page prefilled; `website` is a honeypot: people do
    not see it (hidden from view and from assistive technology), robots fill it in."""

    message = forms.CharField(label=_("Ihre Nachricht"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Beschreiben Sie bitte, wo Sie auf welche Barriere gestoßen sind."),
                              error_messages={"required": _("Bitte schreiben Sie Ihre Nachricht.")})
    page_url = forms.CharField(label=_("Betroffene Seite"), max_length=500, required=False,
                               help_text=_("Die Adresse der Seite in dieser Anwendung, z. B. /mitteilungen/."))
    name = forms.CharField(label=_("Ihr Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Ihre E-Mail-Adresse"), required=False,
                             help_text=_("Nur wenn Sie eine Antwort wünschen."),
                             error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an oder "
                                                          "lassen Sie das Feld leer.")})
    website = forms.CharField(label=_("Bitte dieses Feld leer lassen"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Bitte schreiben Sie Ihre Nachricht."))
        return message

    def clean_page_url(self):
        raw = self.cleaned_data.get("page_url", "")
        if raw.strip() and not same_site_path(raw):
            raise forms.ValidationError(_("Bitte geben Sie die Adresse einer Seite dieser Anwendung an, beginnend "
                                          "mit „/“, oder lassen Sie das Feld leer."))
        return same_site_path(raw)

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("website") or "").strip())
