"""Forms of the planning side; labels and errors in German, next to the field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.models import Function, Position, StaffMember
from staffing.ui import DateInput

from .models import CoachingOffer, CoachingTheme, ReimbursementCap, TrainingNeed, TrainingOffer, TrainingParticipation

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
    """PS-3.3: the extension to benefits staff needs its reason (checked in CoachingOffer.clean)."""

    class Meta:
        model = CoachingOffer
        fields = ["title", "coach", "starts_on", "open_to_benefits", "benefits_reason", "description"]
        widgets = {"starts_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2}),
                   "benefits_reason": forms.Textarea(attrs={"rows": 2})}


class CoachingSignupForm(MemberChoiceForm):
    """PS-3.3: a sign-up is the person's own: recorded with their consent and its date."""

    consent_given = forms.BooleanField(
        label=_("Die Person hat der Anmeldung selbst zugestimmt"), required=True,
        error_messages={"required": _("Die Anmeldung ist freiwillig: Bitte bestätigen Sie, dass die Person "
                                      "selbst zugestimmt hat.")})
    consent_on = forms.DateField(label=_("Zustimmung der Person am"), widget=DateInput(),
                                 error_messages={"required": _("Bitte geben Sie an, wann die Person zugestimmt hat.")})


class CoachingEvaluationForm(forms.Form):
    """PS-3.3: the coach's evaluation: general, without names; free text plus themes from a fixed list."""

    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quartal"), coerce=int,
                                     choices=[(q, _("%(q)s. Quartal") % {"q": q}) for q in range(1, 5)])
    participants = forms.IntegerField(label=_("Zahl der Teilnehmenden im Zeitraum"), min_value=1, max_value=500)
    themes = forms.MultipleChoiceField(label=_("Themen"), choices=CoachingTheme.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label=_("Auswertung (allgemein, ohne Namen)"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Bitte keine Namen und nichts, woran eine einzelne Person zu erkennen ist."))


class CapForm(forms.ModelForm):
    class Meta:
        model = ReimbursementCap
        fields = ["city", "year", "amount", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
