"""Forms of the planning side; labels and errors in German, next to the field."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.models import LEAVE_REASONS_TO_CHOOSE, Function, Position, StaffMember
from staffing.ui import (
    DateInput,
    GermanDateField,
    GermanDecimalField,
    format_german_decimal,
    german_date_fields,
    parse_german_decimal,
)

from .models import (
    CapStatement,
    CoachingOffer,
    CoachingTheme,
    ReimbursementCap,
    TrainingKind,
    TrainingNeed,
    TrainingOffer,
    TrainingParticipation,
)

STAFF_FIELDS = ["position", "function", "first_name", "last_name", "employment", "grade", "fte",
                "area_of_deployment", "qualification", "qualification_detail", "career_track", "months_experience",
                "induction", "training_notes", "joined_on", "function_since"]


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = STAFF_FIELDS
        widgets = {"joined_on": DateInput(), "function_since": DateInput(),
                   "training_notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"fte": GermanDecimalField}  # issue 14: "0,75"

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(office=office, is_active=True).select_related(
            "function")
        self.fields["function"].queryset = Function.objects.all()
        german_date_fields(self)  # issue 14: TT.MM.JJJJ (and ISO), a German message for an impossible date


class LeaveForm(forms.Form):
    left_on = GermanDateField(label=_("Austritt (letzter Arbeitstag)"), widget=DateInput())
    # PS-4.1: the continuity figures count leavers by reason; "nicht erfasst" is not offered
    leave_reason = forms.ChoiceField(label=_("Grund des Austritts"),
                                     choices=[("", "---------"), *LEAVE_REASONS_TO_CHOOSE],
                                     error_messages={"required": _("Bitte wählen Sie den Grund des Austritts.")})
    reason = forms.CharField(label=_("Anlass"), max_length=200, required=False)


def parse_euro(text: str) -> Decimal:
    """German amounts as people type them (issue 14: the shared `staffing.ui.parse_german_decimal`)."""
    return parse_german_decimal(text)


class EuroField(GermanDecimalField):
    """An amount in € typed the German way (PS-6.2): two decimals at most, not negative (issue 14: the shared
    German number field with the messages of an amount)."""

    def __init__(self, *, max_digits=12, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, invalid_message=_(
            "Bitte geben Sie einen Betrag in Euro ein, z. B. 1.250,50."), **kwargs)
        self.amount_digits = max_digits

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str) and value.lstrip().startswith(("-", "\u2212")):
            raise forms.ValidationError(_("Der Betrag darf nicht negativ sein."), code="negative")
        amount = super().to_python(value)
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Bitte höchstens zwei Nachkommastellen (Cent) angeben."), code="cents")
        if amount >= Decimal(10) ** (self.amount_digits - 2):
            raise forms.ValidationError(_("Der Betrag ist zu groß."), code="too_large")
        return amount.quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_german_decimal(value, 2)
        return value


class ReportConfirmForm(forms.Form):
    # issue 15: a hidden year outside 2000..2100 is refused (Quarter(0, 1) does not exist; 2^31 overflows)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    quarter = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=4)
    # issue 13 (PS-6.2): the quarter's actual personnel costs = the city's claim (planning.costs)
    personnel_costs = EuroField(
        label=_("Tatsächliche Personalkosten des Quartals (€)"), required=False,
        help_text=_("Ihre Erstattungsforderung für das Quartal, z. B. 1.250.000,00. Der Kreis vergleicht sie "
                    "mit der Schätzung aus dieser Meldung und dem Höchstrahmen."))
    remark = forms.CharField(label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReadChoiceIterator(forms.models.ModelChoiceIterator):
    """The options of a model choice field from objects already read (see `choices_read`): Django's own
    iterator, but over a list; the empty option with the field's `empty_label` as it is when rendered (the
    KERN field sets "Bitte wählen" then)."""

    def __init__(self, field, objects):
        super().__init__(field)
        self.objects = objects

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.objects) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.objects)


def choices_read(field: forms.ModelChoiceField, objects) -> None:
    """issue 16, point 4: the options of a model choice field from objects the page has read anyway (in the
    queryset's order), instead of a query and new instances on every render; the submitted value is still
    checked against the field's queryset. The same values and labels as the field's own iterator."""
    field.iterator = lambda f: ReadChoiceIterator(f, objects)
    field.widget.choices = field.choices


class TrainingNeedForm(forms.ModelForm):
    class Meta:
        model = TrainingNeed
        fields = ["topic", "function", "persons", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, functions=None, **kwargs):
        """`functions`: the functions in their order (Function.Meta.ordering), read once for the page's forms."""
        super().__init__(*args, **kwargs)
        if functions is not None:
            choices_read(self.fields["function"], functions)


class PriorityForm(forms.Form):
    priority = forms.IntegerField(label=_("Priorität"), min_value=1, max_value=32767, required=False)  # smallint


class ParticipationStatusForm(forms.Form):
    """Carries the German error for the status select of one row of the offer page (PS-1.4)."""

    status = forms.ChoiceField(label=_("Status"), choices=TrainingParticipation.Status.choices)


class TrainingOfferForm(forms.ModelForm):
    """PS-1.4, PS-3.2: an offer with its kind and target functions (the service checks that a field-specific
    offer is for the placement officers and/or counsellors)."""

    class Meta:
        model = TrainingOffer
        fields = ["title", "kind", "target_functions", "need", "starts_on", "ends_on", "location", "places",
                  "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2}),
                   "kind": forms.RadioSelect, "target_functions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, needs, need_rows=None, functions=None, **kwargs):
        """`need_rows`, `functions`: the needs (in the order of `needs`) and the functions (by sort order, name)
        the page has read already, as the options (issue 16, point 4); without them each is read on render."""
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs
        self.fields["target_functions"].queryset = Function.objects.order_by("sort_order", "name")
        if need_rows is not None:
            choices_read(self.fields["need"], need_rows)
        if functions is not None:
            choices_read(self.fields["target_functions"], functions)
        self.fields["kind"].required = False  # without a choice: a general offer (as before issue 13)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or TrainingKind.GENERAL

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
    consent_on = GermanDateField(label=_("Zustimmung der Person am"), widget=DateInput(),
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
        field_classes = {"amount": GermanDecimalField}  # issue 14: "1.250.000,00"
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        # PS-5.1: a correction outside the consultation always says why (planning.services.cap_set)
        self.fields["reason"].required = True
        self.fields["year"].min_value = 2000
        self.fields["year"].max_value = 2100


# --- PS-5.1: consultation of the cap with all cities -------------------------------------------------

AMOUNT_FIELD = "betrag_{}"


class CapConsultationForm(forms.Form):
    """PS-5.1: the district's proposal: year, period for the cities' statements, an amount per city."""

    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2100)
    period_ends_on = GermanDateField(label=_("Stellungnahmen der Städte bis"), widget=DateInput())
    note = forms.CharField(label=_("Erläuterung für die Städte"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.cities = list(cities)
        for city in self.cities:
            self.fields[AMOUNT_FIELD.format(city.pk)] = GermanDecimalField(
                label=_("Höchstrahmen %(city)s (€ im Jahr)") % {"city": city.name}, min_value=0, max_digits=12,
                decimal_places=2)

    def amount_fields(self):
        return [self[AMOUNT_FIELD.format(city.pk)] for city in self.cities]

    def amounts(self) -> dict:
        return {city.pk: self.cleaned_data.get(AMOUNT_FIELD.format(city.pk)) for city in self.cities}


class CapStatementForm(forms.Form):
    """PS-5.1: a city's statement on its proposed cap."""

    verdict = forms.ChoiceField(label=_("Stellungnahme"), choices=CapStatement.Verdict.choices,
                                widget=forms.RadioSelect)
    text = forms.CharField(label=_("Begründung / Hinweise"), required=False, max_length=4000,
                           help_text=_("Bei Bedenken bitte begründen."), widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("verdict") == CapStatement.Verdict.CONCERNS and not (data.get("text") or "").strip():
            self.add_error("text", _("Bitte beschreiben Sie Ihre Bedenken."))
        return data


class CapFixForm(forms.Form):
    """PS-5.1: fixing the consulted caps; a reason is needed when the cap is late or retroactive."""

    reason = forms.CharField(label=_("Begründung"), required=False, max_length=4000,
                             help_text=_("Nötig, wenn der Höchstrahmen nach dem Stichtag oder rückwirkend "
                                         "festgesetzt wird."), widget=forms.Textarea(attrs={"rows": 3}))


class ContinuityYearForm(forms.Form):
    """PS-4.1: the year of the continuity figures: from 2005 (SGB II) to the current year, no future year."""

    jahr = forms.IntegerField(label=_("Jahr"), required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        field = self.fields["jahr"]
        field.error_messages["invalid"] = _("Bitte geben Sie das Jahr als Zahl an, z. B. %(year)s.") % {
            "year": years[-1]}
        field.widget.attrs.update({"min": years[0], "max": years[-1]})

    def clean_jahr(self):
        year = self.cleaned_data["jahr"]
        if year is None:
            return self.years[-1]
        if year not in self.years:
            raise forms.ValidationError(
                _("Kennzahlen zur Kontinuität gibt es für die Jahre %(first)s bis %(last)s.")
                % {"first": self.years[0], "last": self.years[-1]})
        return year


# --- issue 13: the district's staff plan (PS-4.2) -----------------------------------------------------

class PositionForm(forms.ModelForm):
    """PS-4.2: the district adds or changes a position of an office's staff plan, with the reason (audit)."""

    reason = forms.CharField(label=_("Begründung der Änderung"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Wird mit der Änderung im Verlauf des Stellenplans gespeichert."))

    class Meta:
        model = Position
        fields = ["number", "title", "function", "grade", "fte", "is_active"]
        field_classes = {"fte": GermanDecimalField}  # issue 14: "0,75" as German users write it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["function"].queryset = Function.objects.all()
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
    fte = GermanDecimalField(label=_("Stellenanteil (VZÄ)"), max_digits=4, decimal_places=3, required=False,
                             min_value=Decimal("0.01"), max_value=Decimal("1"))
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
