"""Forms of the integrations app (German labels and messages)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.ui import DateInput

from .substitutes import colleagues_for


class SubstitutionForm(forms.Form):
    substitute = forms.ModelChoiceField(label=_("Vertretung"), queryset=None,
                                        empty_label=_("– bitte wählen –"),
                                        error_messages={"required": _("Bitte wählen Sie Ihre Vertretung."),
                                                        "invalid_choice": _("Bitte wählen Sie eine Person aus "
                                                                            "Ihrer Organisation.")})
    starts_on = forms.DateField(label=_("von"), widget=DateInput(),
                                error_messages={"required": _("Bitte geben Sie den Beginn an."),
                                                "invalid": _("Bitte geben Sie ein gültiges Datum an.")})
    ends_on = forms.DateField(label=_("bis einschließlich"),
                              widget=DateInput(),
                              error_messages={"required": _("Bitte geben Sie das Ende an."),
                                              "invalid": _("Bitte geben Sie ein gültiges Datum an.")})
    note = forms.CharField(label=_("Hinweis"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = colleagues_for(user)
        self.fields["substitute"].label_from_instance = lambda u: u.get_full_name() or u.username


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Was wird eingelesen?"), choices=(),
                             error_messages={"required": _("Bitte wählen Sie die Art der Daten.")})
    file = forms.FileField(label=_("Datei (XLSX oder CSV)"),
                           error_messages={"required": _("Bitte wählen Sie eine Datei aus."),
                                           "empty": _("Die Datei ist leer.")})

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
