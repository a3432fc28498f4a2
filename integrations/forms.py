"""Forms of the integrations app (German labels and messages)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .substitutes import colleagues_for


def kern_classes(form) -> None:
    """The design system's classes on the widgets."""
    for field in form.fields.values():
        css = "kern-form-input__select" if isinstance(field.widget, forms.Select) else "kern-form-input__input"
        field.widget.attrs.setdefault("class", css)


class SubstitutionForm(forms.Form):
    substitute = forms.ModelChoiceField(label=_("Vertretung"), queryset=None,
                                        empty_label=_("– bitte wählen –"),
                                        error_messages={"required": _("Bitte wählen Sie Ihre Vertretung."),
                                                        "invalid_choice": _("Bitte wählen Sie eine Person aus "
                                                                            "Ihrer Organisation.")})
    starts_on = forms.DateField(label=_("von"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                error_messages={"required": _("Bitte geben Sie den Beginn an."),
                                                "invalid": _("Bitte geben Sie ein gültiges Datum an.")})
    ends_on = forms.DateField(label=_("bis einschließlich"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": _("Bitte geben Sie das Ende an."),
                                              "invalid": _("Bitte geben Sie ein gültiges Datum an.")})
    note = forms.CharField(label=_("Hinweis (optional)"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kern_classes(self)
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
        kern_classes(self)
        self.fields["kind"].choices = kinds
