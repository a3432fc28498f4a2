"""Forms of the planning side; labels and errors in German, next to the field."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.models import Function, Position, StaffMember
from staffing.ui import DateInput

from .models import CoachingOffer, ReimbursementCap, TrainingNeed, TrainingOffer, TrainingParticipation

STAFF_FIELDS = ["position", "function", "first_name", "last_name", "employment", "grade", "fte",
                "area_of_deployment", "qualification", "qualification_detail", "months_experience", "induction",
                "training_notes", "joined_on"]


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS
        widgets = {"joined_on": DateInput(), "training_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(office=office, is_active=True).select_related(
            "function")
        self.fields["function"].queryset = Function.objects.all()


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Austritt (letzter Arbeitstag)"), widget=DateInput())
    reason = forms.CharField(label=_("Anlass"), max_length=200, required=False)


class ReportConfirmForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    quarter = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=4)
    remark = forms.CharField(label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrainingNeedForm(forms.ModelForm):
    class Meta:
        model = TrainingNeed
        fields = ["topic", "function", "persons", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class PriorityForm(forms.Form):
    priority = forms.IntegerField(label=_("Priorität"), min_value=1, max_value=32767, required=False)  # smallint


class ParticipationStatusForm(forms.Form):
    """Carries the German error for the status select of one row of the offer page (PS-1.4)."""

    status = forms.ChoiceField(label=_("Status"), choices=TrainingParticipation.Status.choices)


class TrainingOfferForm(forms.ModelForm):
    class Meta:
        model = TrainingOffer
        fields = ["title", "need", "starts_on", "ends_on", "location", "places", "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Das Ende darf nicht vor dem Beginn liegen."))
        return data


class MemberChoiceForm(forms.Form):
    staff_member = forms.ModelChoiceField(label=_("Mitarbeiter/in"), queryset=StaffMember.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = members


class CoachingOfferForm(forms.ModelForm):
    class Meta:
        model = CoachingOffer
        fields = ["title", "coach", "starts_on", "open_to_benefits", "description"]
        widgets = {"starts_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}


class CapForm(forms.ModelForm):
    class Meta:
        model = ReimbursementCap
        fields = ["city", "year", "amount", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities


# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

class PositionForm(forms.ModelForm):
    """PS-4.2: the district adds or changes a position of an office's staff plan, with the reason (audit)."""

    reason = forms.CharField(label=_("Begründung der Änderung"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Wird mit der Änderung im Verlauf des Stellenplans gespeichert."))

    class Meta:
        model = Position
        fields = ["number", "title", "function", "grade", "fte", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = Function.objects.all()
        self.fields["fte"].localize = True  # "0,75" as German users write it
        self.fields["fte"].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["fte"].widget.is_localized = True
        self.fields["is_active"].help_text = _("Nicht mehr im Stellenplan: keine neue Stellenbesetzungsmitteilung, "
                                               "nicht im Kapazitätsplan.")


class StaffPlanImportForm(forms.Form):
    file = forms.FileField(label=_("CSV-Datei des Stellenplans"), help_text=_(
        "Spalten: Stellennummer; Stellenbezeichnung; Funktion; Besoldungs-/Entgeltgruppe; Stellenanteil (VZÄ); "
        "im Stellenplan (ja/nein). Vorhandene Stellennummern werden geändert, neue angelegt."))
    reason = forms.CharField(label=_("Begründung der Änderung"), widget=forms.Textarea(attrs={"rows": 2}))


class PositionProposalForm(forms.Form):
    """PS-4.2: a city proposes a new position, a change of grade/FTE/function/title, or a deactivation."""

    kind = forms.ChoiceField(label=_("Art des Vorschlags"), choices=())
    position = forms.ModelChoiceField(label=_("Stelle"), queryset=Position.objects.none(), required=False,
                                      help_text=_("Bei einer Änderung oder Streichung: die betroffene Stelle."))
    number = forms.CharField(label=_("Stellennummer"), max_length=40, required=False,
                             help_text=_("Nur bei einer neuen Stelle."))
    title = forms.CharField(label=_("Stellenbezeichnung"), max_length=160, required=False)
    function = forms.ModelChoiceField(label=_("Funktion"), queryset=Function.objects.all(), required=False)
    grade = forms.CharField(label=_("Besoldungs-/Entgeltgruppe"), max_length=20, required=False)
    fte = forms.DecimalField(label=_("Stellenanteil (VZÄ)"), max_digits=4, decimal_places=3, required=False,
                             min_value=Decimal("0.01"), max_value=Decimal("1"), localize=True)
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        from staffing.models import PositionProposal

        self.fields["kind"].choices = PositionProposal.Kind.choices
        self.fields["position"].queryset = (Position.objects.filter(office=office, is_active=True)
                                            .select_related("function").order_by("number"))
        self.fields["position"].label_from_instance = lambda p: f"{p.number} {p.title} ({p.grade}, {p.fte})"
        self.fields["position"].empty_label = _("Bitte wählen")


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Entscheidung"), widget=forms.RadioSelect,
                                 choices=[("annehmen", _("annehmen")), ("ablehnen", _("ablehnen"))])
    note = forms.CharField(label=_("Vermerk des Kreises"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Bei einer Ablehnung erforderlich."))
