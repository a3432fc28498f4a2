"""Forms of the browser pages. They check input and completeness for the user; the rules of the
workflow stay in `staffing.services` (which checks again)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hooks, services
from .deadlines import objection_period
from .models import (
    HOLIDAY_REGION_CHOICES,
    PLACEABLE_STATES,
    AdministrativeCostCut,
    Candidate,
    CareerTrack,
    DecisionKind,
    Employment,
    Function,
    JobAgenturGoal,
    NoticeState,
    ObjectionKind,
    PlacementNotice,
    Qualification,
)
from .services import SUBSTITUTE
from .ui import DateInput, GermanDateField, GermanDecimalField, german_date_fields

REQUIRED_MESSAGE = _("Bitte geben Sie „%(label)s“ an.")

# Fields a complete notice needs before submission (PS-2.2), as in PlacementNotice.missing_for_submission.
NOTICE_REQUIRED = ("position", "planned_start", "goals_statement")
CANDIDATE_REQUIRED = ("full_name", "qualification", "qualification_detail", "professional_background",
                      "months_experience")


def _require(form: forms.Form, names) -> None:
    for name in names:
        value = form.cleaned_data.get(name)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty and name not in form.errors:
            form.add_error(name, REQUIRED_MESSAGE % {"label": form.fields[name].label})


class NoticeForm(forms.ModelForm):
    """PS-2.2: the notice itself. Every field is optional for a draft; `complete` asks for all."""

    class Meta:
        model = PlacementNotice
        fields = ["notice_kind", "position", "function", "reference", "planned_start", "early_start_reason", "reason",
                  "goals_statement", "goals", "head_involved"]
        widgets = {"planned_start": DateInput(), "reason": forms.Textarea(attrs={"rows": 4}),
                   "early_start_reason": forms.Textarea(attrs={"rows": 2}),
                   "goals_statement": forms.Textarea(attrs={"rows": 3}),
                   "notice_kind": forms.RadioSelect, "goals": forms.CheckboxSelectMultiple}
        help_texts = {
            "notice_kind": _("Auch andere personelle Veränderungen derselben Gruppe werden mitgeteilt (PS-2.2), "
                             "z. B. wenn eine Teamleitung eine andere Funktion übernimmt."),
            "position": _("Nur Stellen Ihrer Regionalstelle, deren Besetzung mitzuteilen ist (PS-2)."),
            "function": _("Wird aus der Stelle übernommen, wenn Sie nichts wählen."),
            "planned_start": _("Format TT.MM.JJJJ. Nicht in der Vergangenheit (PS-2.2)."),
            "early_start_reason": _("Nur nötig, wenn der Termin vor dem Ende der Wochenfrist liegt: warum so früh?"),
            "goals_statement": _("PS-2.1: Wie dient die Besetzung den Gesamtzielen der JobAgentur EN? "
                                 "Für die Einreichung erforderlich."),
            "goals": _("Optional: die Ziele des Kreises, denen die Besetzung dient."),
            "head_involved": _("Nur bei Leitungsfunktionen (PS-2.6)."),
        }

    def __init__(self, *args, positions, goals=None, complete: bool = False, all_positions=None, rules=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        self.rules = rules  # issue 17: the district's settings in force now
        self.all_positions = all_positions  # the user's positions, also those bound by an open notice
        self.fields["position"].queryset = positions
        self.fields["goals"].queryset = goals if goals is not None else JobAgenturGoal.objects.none()
        self.fields["position"].empty_label = _("Bitte wählen")
        self.fields["function"].empty_label = _("aus der Stelle übernehmen")
        self.fields["position"].label_from_instance = lambda p: f"{p.number} {p.title} ({p.function})"
        self.fields["function"].queryset = Function.objects.filter(requires_notice=True)
        for field in self.fields.values():
            field.required = False
        german_date_fields(self)  # issue 14: TT.MM.JJJJ (and ISO), a German message for an impossible date

    def chosen_function(self):
        """The function of the notice: the chosen one, else the position's."""
        data = getattr(self, "cleaned_data", {})
        position = data.get("position")
        return data.get("function") or (position.function if position else None)

    def clean(self):
        data = super().clean()
        position, function = data.get("position"), data.get("function")
        if position and function and position.function_id != function.pk:
            self.add_error("function", _("Die Funktion passt nicht zur gewählten Stelle (%(function)s).")
                           % {"function": position.function})
        chosen = self.chosen_function()
        if data.get("head_involved") and not (chosen and chosen.is_leadership):
            self.add_error("head_involved", _("Die Leitung der JobAgentur kann nur bei Leitungsfunktionen "
                                              "unmittelbar beteiligt werden (PS-2.6)."))
        planned = data.get("planned_start")
        if planned and planned < timezone.localdate() and "planned_start" not in self.errors:
            self.add_error("planned_start", _("Der geplante Besetzungstermin darf nicht in der Vergangenheit "
                                              "liegen (PS-2.2: frühzeitige Information)."))
        if self.complete:
            _require(self, NOTICE_REQUIRED)
            last_day = objection_period(timezone.now(), self.rules).last_day
            if planned and planned <= last_day and not (data.get("early_start_reason") or "").strip() \
                    and "planned_start" not in self.errors:
                self.add_error("early_start_reason", _(
                    "Der geplante Besetzungstermin liegt vor dem Ende der Wochenfrist (%(day)s). Bitte begründen "
                    "Sie, warum die Besetzung so früh erfolgen soll.") % {"day": last_day.strftime("%d.%m.%Y")})
        self._name_open_notice()
        return data

    def _name_open_notice(self):
        """A position the list does not offer because another notice still binds it (a stale page or a crafted
        POST): say which notice, instead of "not a valid choice"."""
        if "position" not in self.errors or self.all_positions is None:
            return
        raw = self.data.get(self.add_prefix("position"))
        try:
            position = self.all_positions.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return
        other = services.open_notice_on(position and position.pk, exclude_pk=self.instance.pk)
        if other is not None:
            self.errors["position"] = self.error_class([services.open_notice_message(other)])

    def _post_clean(self):
        # The model's own validation needs the office, which the service sets; nothing to check here.
        pass

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("reference", "reason", "early_start_reason", "goals_statement"):
            data[name] = data[name] or ""
        data["notice_kind"] = data["notice_kind"] or PlacementNotice._meta.get_field("notice_kind").default
        data["goals"] = list(data["goals"] or [])
        data["head_involved"] = bool(data["head_involved"])
        return data


class CandidateForm(forms.ModelForm):
    """PS-2.2: one proposed person with qualification and professional background."""

    class Meta:
        model = Candidate
        fields = ["full_name", "employment", "grade", "qualification", "qualification_detail", "career_track",
                  "professional_background", "months_experience", "induction_planned"]
        widgets = {"professional_background": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "grade": _("z. B. A 10 oder EG 9c"),
            "qualification_detail": _("z. B. B.A. Soziale Arbeit, Verwaltungslehrgang II"),
            "induction_planned": _("Ohne einschlägige Berufserfahrung ist eine Praxiseinweisung vorgesehen (PS-1.3)."),
        }

    def __init__(self, *args, complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.complete = complete
        for field in self.fields.values():
            field.required = False
        self.fields["months_experience"].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        if self.complete and not data.get("DELETE") and not self.is_blank():
            _require(self, CANDIDATE_REQUIRED)
        return data

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) not in (None, "", False) for name in self.Meta.fields)

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("full_name", "employment", "grade", "qualification", "qualification_detail", "career_track",
                     "professional_background"):
            data[name] = data[name] or ""
        data["induction_planned"] = bool(data["induction_planned"])
        return data

    def preview(self) -> Candidate:
        """PS-1.1: an unsaved candidate with the values shown, for the qualification advice. A bound form
        uses what was typed, also after a refused form (issue 14: each field that cleans, never the
        initial values it replaced); an unbound form its initial values."""
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with every field that cleaned
            cleaned = getattr(self, "cleaned_data", {})
            values = {name: cleaned[name] for name in self.Meta.fields if name in cleaned}
            for name in ("full_name", "employment", "grade", "qualification", "qualification_detail",
                         "career_track", "professional_background"):
                if name in values:
                    values[name] = values[name] or ""
            values.setdefault("months_experience", None)  # not typed or not a number: "nicht angegeben"
            values["induction_planned"] = bool(values.get("induction_planned"))
            candidate = Candidate(**values)
        else:
            candidate = Candidate(**{k: v for k, v in (self.initial or {}).items() if k in self.Meta.fields})
        notice = getattr(self, "advice_notice", None)  # PS-1.1: the position the person is measured against
        if notice is not None:
            candidate.notice = notice
        return candidate


class BaseCandidateFormSet(forms.BaseFormSet):
    def __init__(self, *args, complete: bool = False, **kwargs):
        self.complete = complete
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "complete": self.complete}

    def kept_forms(self):
        return [f for f in self.forms if not f.is_blank() and not self._should_delete_form(f)]

    def clean(self):
        if self.complete and not any(form.errors for form in self.forms) and not self.kept_forms():
            raise forms.ValidationError(_("Bitte geben Sie mindestens eine Person an."), code="no_candidate")

    def service_data(self) -> list[dict]:
        return [form.service_data() for form in self.kept_forms()]


CandidateFormSet = forms.formset_factory(CandidateForm, formset=BaseCandidateFormSet, extra=0, min_num=1,
                                         can_delete=True, validate_min=False)
CandidateFormSet.deletion_widget = forms.CheckboxInput


def positions_for_notice(positions):
    """PS-2: the positions a notice can be about: active positions of functions that need a notice."""
    return positions.filter(is_active=True, function__requires_notice=True).order_by("number")


# --- actions on a notice (one form per transition) -------------------------------------------

class ActionForm(forms.Form):
    """Base of the action forms: the state shown to the user, to detect a change by someone else."""

    seen_state = forms.ChoiceField(choices=NoticeState.choices, widget=forms.HiddenInput, required=False)
    confirm_label = None
    success_message = None  # else the view's message for the step

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        if self.confirm_label:
            self.fields["confirm"] = forms.BooleanField(
                label=self.confirm_label, required=True,
                error_messages={"required": _("Bitte bestätigen Sie diesen Schritt.")})

    def service_kwargs(self) -> dict:
        return {}


class SubmitForm(ActionForm):
    title = _("Einreichen")
    confirm_label = _("Ich bestätige, dass die Angaben vollständig sind und die Mitteilung an die "
                      "Koordinierungsstelle gehen soll. Die Wochenfrist beginnt damit.")


class ClearForm(ActionForm):
    title = _("Ohne Bedenken freigeben")
    confirm_label = _("Ich bestätige die Freigabe ohne Bedenken. Dieser Schritt kann nicht rückgängig gemacht "
                      "werden.")
    reason = forms.CharField(label=_("Vermerk"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class ObjectionForm(ActionForm):
    """PS-2.4: one of the two formal reactions within the Wochenfrist (both stop the consent by silence);
    the page shows each as its own form (`ClarificationForm`, `ConcernsForm`), both the transition
    `raise_objection`."""

    title = _("Bedenken oder Klärungsbedarf äußern")
    transition = "raise_objection"
    kind = None  # fixed by the subclasses
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": _("Bitte begründen Sie Ihre Reaktion schriftlich.")})

    def service_kwargs(self):
        return {"kind": self.kind, "reason": self.cleaned_data["reason"]}


class ClarificationForm(ObjectionForm):
    title = _("Klärungsbedarf anmelden")
    kind = ObjectionKind.CLARIFICATION
    help = _("Hält die Wochenfrist an: die Besetzung kann nicht mehr allein durch Fristablauf vollzogen "
             "werden, die Erörterung beginnt "
             "(PS-2.4). Nennen Sie, was zu klären ist.")


class ConcernsForm(ObjectionForm):
    title = _("Bedenken äußern")
    kind = ObjectionKind.CONCERNS
    help = _("Hält die Wochenfrist an: die Besetzung kann nicht mehr allein durch Fristablauf vollzogen "
             "werden, die Erörterung beginnt "
             "(PS-2.4). Begründen Sie Ihre Bedenken.")


class CityStatementForm(ActionForm):
    title = _("Stellungnahme abgeben")
    text = forms.CharField(label=_("Stellungnahme der Stadt"), widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Bitte geben Sie die Stellungnahme der Stadt ein.")})

    def service_kwargs(self):
        return {"text": self.cleaned_data["text"]}


class ProposeAgreementForm(ActionForm):
    title = _("Einigung vorschlagen")
    help = _("Die andere Seite bestätigt die Einigung oder lehnt sie ab (PS-2.4: Kreis und Stadt erörtern).")
    solution = forms.CharField(label=_("Einvernehmliche Lösung"), widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("Bitte beschreiben Sie die einvernehmliche Lösung.")})
    participants = forms.CharField(label=_("Teilnehmende der Erörterung"), widget=forms.Textarea(attrs={"rows": 2}),
                                   error_messages={"required": _("Bitte nennen Sie die Teilnehmenden der "
                                                                 "Erörterung.")})
    administrative_heads_involved = forms.BooleanField(label=_("Verwaltungsleitungen beteiligt"), required=False)
    conditions = forms.CharField(label=_("Auflagen / Bedingungen"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in ("solution", "participants", "administrative_heads_involved",
                                                  "conditions")}


class ConfirmAgreementForm(ActionForm):
    title = _("Einigung bestätigen")
    confirm_label = _("Ich bestätige die vorgeschlagene einvernehmliche Lösung für unsere Seite.")
    reason = forms.CharField(label=_("Vermerk"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class RejectAgreementForm(ActionForm):
    title = _("Einigung ablehnen")
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Bitte begründen Sie, warum Sie die Einigung "
                                                           "ablehnen.")})

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class AgreeForm(ActionForm):
    title = _("Einvernehmliche Lösung gemeinsam festhalten")
    help = _("Kreis und Stadt halten die Lösung gemeinsam fest; nennen Sie die Beteiligten beider Seiten.")
    solution = forms.CharField(label=_("Einvernehmliche Lösung"), widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("Bitte beschreiben Sie die einvernehmliche Lösung.")})
    for_district = forms.CharField(label=_("für den Kreis"), max_length=500,
                                   error_messages={"required": _("Bitte nennen Sie, wer für den Kreis an der "
                                                                 "Einigung beteiligt ist.")})
    for_city = forms.CharField(label=_("für die Stadt"), max_length=500,
                               error_messages={"required": _("Bitte nennen Sie, wer für die Stadt an der "
                                                             "Einigung beteiligt ist.")})
    administrative_heads_involved = forms.BooleanField(label=_("Verwaltungsleitungen beteiligt"), required=False)
    conditions = forms.CharField(label=_("Auflagen / Bedingungen"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in ("solution", "for_district", "for_city",
                                                  "administrative_heads_involved", "conditions")}


class EscalateForm(ActionForm):
    title = _("Ohne Einigung an die Kreisverwaltung eskalieren")
    confirm_label = _("Ich bestätige, dass in der Erörterung keine einvernehmliche Lösung erzielt wurde.")
    reason = forms.CharField(label=_("Grund der Eskalation"), widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Bitte begründen Sie, warum keine Einigung erzielt "
                                                           "wurde.")})
    participants = forms.CharField(label=_("Teilnehmende der Erörterung"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    administrative_heads_involved = forms.BooleanField(label=_("Verwaltungsleitungen beteiligt"), required=False)

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in ("reason", "participants", "administrative_heads_involved")}


class DecideForm(ActionForm):
    title = _("Entscheidung des Kreises")
    confirm_label = _("Ich bestätige die Entscheidung des Kreises. Eine Kürzung kann nur durch eine neue "
                      "Entscheidung aufgehoben werden.")
    kind = forms.ChoiceField(label=_("Entscheidung"), choices=DecisionKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Bitte wählen Sie die Entscheidung des Kreises.")})
    directive = forms.CharField(label=_("Weisung im Einzelfall (Auflagen)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Nur bei „Besetzung mit Auflagen“, dort erforderlich."))
    cut_amount = GermanDecimalField(label=_("Kürzung der Verwaltungskostenerstattung (Betrag in €)"), required=False,
                                    min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    cut_percent = GermanDecimalField(label=_("Kürzung der Verwaltungskostenerstattung (Prozent)"), required=False,
                                     min_value=Decimal("0.01"), max_value=Decimal("100"), max_digits=5,
                                     decimal_places=2)
    cut_from = GermanDateField(label=_("Kürzung für den Zeitraum von"), required=False, widget=DateInput())
    cut_to = GermanDateField(label=_("Kürzung für den Zeitraum bis"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cut_amount"].help_text = _("Optional. Entweder Betrag oder Prozentsatz, nach § 4 Abs. 1 "
                                                "Heranziehungssatzung vom 18.04.2007.")
        self.fields["cut_percent"].help_text = _("Größer als 0 und höchstens 100.")
        self.fields["cut_from"].help_text = _("Bei einer Kürzung erforderlich. Format TT.MM.JJJJ")
        # issue 14: say which fields are required together instead of "optional" (shown next to the label)
        notes = {
            "directive": _("erforderlich bei „Besetzung mit Auflagen“"),
            "cut_amount": _("bei einer Kürzung: Betrag oder Prozentsatz"),
            "cut_percent": _("bei einer Kürzung: Betrag oder Prozentsatz"),
            "cut_from": _("bei einer Kürzung erforderlich"),
            "cut_to": _("bei einer Kürzung erforderlich"),
        }
        for name, note in notes.items():
            self.fields[name].requirement_note = note

    def clean(self):
        data = super().clean()
        if data.get("kind") == DecisionKind.CONDITIONS and not (data.get("directive") or "").strip():
            self.add_error("directive", _("Bitte formulieren Sie die Weisung im Einzelfall (die Auflagen)."))
        if data.get("cut_amount") is not None and data.get("cut_percent") is not None:
            self.add_error("cut_percent", _("Bitte geben Sie die Kürzung entweder als Betrag oder als Prozentsatz "
                                            "an, nicht beides."))
        has_cut = data.get("cut_amount") is not None or data.get("cut_percent") is not None
        if has_cut and not (data.get("cut_from") and data.get("cut_to")) and "cut_from" not in self.errors \
                and "cut_to" not in self.errors:
            self.add_error("cut_from", _("Bitte geben Sie den Zeitraum der Kürzung an (von und bis)."))
        elif data.get("cut_from") and data.get("cut_to") and data["cut_to"] < data["cut_from"]:
            self.add_error("cut_to", _("Das Ende des Zeitraums liegt vor dem Anfang."))
        return data

    def service_kwargs(self):
        return {k: self.cleaned_data[k] for k in ("kind", "directive", "cut_amount", "cut_percent", "cut_from",
                                                  "cut_to")}


class RevokeCutForm(ActionForm):
    title = _("Kürzung aufheben (neue Entscheidung)")
    confirm_label = _("Ich bestätige die Aufhebung der Kürzung als neue Entscheidung des Kreises.")
    cut = forms.ModelChoiceField(label=_("Kürzung"), queryset=AdministrativeCostCut.objects.none(),
                                 widget=forms.RadioSelect, empty_label=None,
                                 error_messages={"required": _("Bitte wählen Sie eine Kürzung dieser Mitteilung."),
                                                 "invalid_choice": _("Bitte wählen Sie eine Kürzung dieser "
                                                                     "Mitteilung.")})
    reason = forms.CharField(label=_("Begründung der Aufhebung"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Bitte begründen Sie die Aufhebung der Kürzung.")})

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, notice=notice, **kwargs)
        if notice is not None:
            self.fields["cut"].queryset = notice.cost_cuts.filter(revoked_at__isnull=True)
        self.fields["cut"].label_from_instance = lambda c: _("%(value)s, %(start)s bis %(end)s") % {
            "value": c.value_label, "start": c.period_from.strftime("%d.%m.%Y"),
            "end": c.period_to.strftime("%d.%m.%Y")}

    def service_kwargs(self):
        return {"cut_id": self.cleaned_data["cut"].pk, "reason": self.cleaned_data["reason"]}


class PlaceForm(ActionForm):
    """PS-2.3/PS-6.1: the placement as carried out: with whom (a notified candidate or another person with a
    reason) and on which day (not before receipt; far ahead only when confirmed: the service checks)."""

    title = _("Besetzung als durchgeführt eintragen")
    confirm_label = _("Ich bestätige, dass die Besetzung durchgeführt wurde.")
    person = forms.ChoiceField(label=_("Besetzt mit"), widget=forms.RadioSelect, error_messages={
        "required": _("Bitte wählen Sie die Person, mit der die Stelle besetzt wurde."),
        "invalid_choice": _("Diese Person gehört nicht zu dieser Mitteilung. Bitte wählen Sie eine der "
                            "mitgeteilten Personen oder eine andere Person.")})
    substitute_name = forms.CharField(label=_("Name der anderen Person"), required=False, max_length=160,
                                      help_text=_("Vor- und Nachname; nur bei einer anderen Person."))
    substitute_reason = forms.CharField(label=_("Grund für die andere Person"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text=_("Die Koordinierungsstelle wird darüber informiert."))
    employment = forms.ChoiceField(label=_("Beschäftigungsverhältnis"), required=False,
                                   choices=[("", _("wie in der Mitteilung"))] + list(Employment.choices),
                                   help_text=_("Nur nötig bei einer anderen Person oder wenn in der Mitteilung "
                                               "nichts angegeben ist (Eintrag ins Personalverzeichnis)."))
    qualification = forms.ChoiceField(label=_("Qualifikation"), required=False,
                                      choices=[("", _("wie in der Mitteilung"))] + list(Qualification.choices),
                                      help_text=_("Nur nötig bei einer anderen Person."))
    placed_on = GermanDateField(label=_("besetzt am"), widget=DateInput(),
                                help_text=_("Format TT.MM.JJJJ; nicht vor dem Eingang der Mitteilung."),
                                error_messages={"required": _("Bitte geben Sie das Datum der Besetzung an.")})
    confirm_ahead = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = [c for c in self.notice.candidates.all() if c.erased_at is None] if self.notice else []
        self.fields["person"].choices = ([(str(c.pk), c.full_name or str(c)) for c in candidates]
                                         + [(SUBSTITUTE, _("eine andere Person (nicht in der Mitteilung genannt)"))])
        if len(candidates) == 1 and not self.is_bound:
            self.initial.setdefault("person", str(candidates[0].pk))
        self.fields["confirm_ahead"].label = _(
            "Das Datum liegt mehr als %(days)d Tage in der Zukunft; ich bestätige es.") % {
            "days": settings.PLACEMENT_MAX_DAYS_AHEAD}

    def clean(self):
        data = super().clean()
        if data.get("person") == SUBSTITUTE:
            if not (data.get("substitute_name") or "").strip():
                self.add_error("substitute_name", _("Bitte geben Sie den Namen der anderen Person an."))
            if not (data.get("substitute_reason") or "").strip():
                self.add_error("substitute_reason", _("Bitte begründen Sie, warum die Stelle mit einer anderen "
                                                      "als den mitgeteilten Personen besetzt wurde."))
        # PS-2.3 (issue 14): said next to the date at once; the service checks the same again
        placed, days = data.get("placed_on"), settings.PLACEMENT_MAX_DAYS_AHEAD
        if placed and not data.get("confirm_ahead") and placed > timezone.localdate() + timedelta(days=days):
            self.add_error("placed_on", _("Das Datum liegt mehr als %(days)d Tage in der Zukunft. Bitte prüfen "
                                          "Sie es oder bestätigen Sie es ausdrücklich.") % {"days": days})
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        substitute = data["person"] == SUBSTITUTE
        return {"placed_on": data["placed_on"], "candidate_id": None if substitute else data["person"],
                "substitute_name": data["substitute_name"] if substitute else "",
                "substitute_reason": data["substitute_reason"] if substitute else "",
                "employment": data["employment"], "qualification": data["qualification"],
                "confirm_ahead": data["confirm_ahead"]}


class WithdrawForm(ActionForm):
    """PS-2.2: withdrawing a notice; after a clearance, an approval, an agreement or a decision it records
    that the placement does not take place ("Besetzung findet nicht statt"), freeing the position."""

    title = _("Mitteilung zurückziehen")
    confirm_label = _("Ich bestätige, dass die Mitteilung zurückgezogen wird. Dieser Schritt kann nicht "
                      "rückgängig gemacht werden.")
    reason = forms.CharField(label=_("Grund"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Bitte geben Sie einen Grund an.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.notice is not None and self.notice.state in PLACEABLE_STATES:
            self.title = _("Besetzung findet nicht statt")
            self.success_message = _("Festgehalten: Die Besetzung findet nicht statt. Die Koordinierungsstelle "
                                     "wird informiert; die Stelle ist für eine neue Mitteilung frei.")
            self.fields["reason"].label = _("Grund (z. B. Absage der Bewerberin / des Bewerbers)")
            self.fields["confirm"].label = _("Ich bestätige, dass die Besetzung nicht stattfindet. Die Mitteilung "
                                             "wird damit abgeschlossen; dies kann nicht rückgängig gemacht werden.")

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


# step name -> form; the order is the order on the page. A step is its transition unless its form names
# another (`transition`, see `transition_of`).
ACTION_FORMS = {
    "submit": SubmitForm,
    "clear": ClearForm,
    # PS-2.4: the two formal reactions, each its own form, both the transition `raise_objection`
    "request_clarification": ClarificationForm,
    "raise_concerns": ConcernsForm,
    "city_statement": CityStatementForm,
    "propose_agreement": ProposeAgreementForm,
    "confirm_agreement": ConfirmAgreementForm,
    "reject_agreement": RejectAgreementForm,
    "agree": AgreeForm,
    "escalate": EscalateForm,
    "decide": DecideForm,
    "revoke_cut": RevokeCutForm,
    "place": PlaceForm,
    "withdraw": WithdrawForm,
}


def transition_of(step: str) -> str:
    """The django-fsm transition a step of the notice page takes."""
    return getattr(ACTION_FORMS[step], "transition", step)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Bitte geben Sie einen Kommentar ein.")})


# --- list filters ---------------------------------------------------------------------------

class NoticeFilterForm(forms.Form):
    """Filters of the notice list; every field is optional."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("alle"))] + list(NoticeState.choices))
    stadt = forms.ModelChoiceField(label=_("Stadt"), required=False, queryset=None, empty_label=_("alle"))
    funktion = forms.ModelChoiceField(label=_("Funktion"), required=False, queryset=None, empty_label=_("alle"))
    frist_von = GermanDateField(label=_("Frist endet ab"), required=False, widget=DateInput())
    frist_bis = GermanDateField(label=_("Frist endet bis"), required=False, widget=DateInput())
    q = forms.CharField(label=_("Suche"), required=False, max_length=100,
                        help_text=_("Stelle, Stellennummer, Aktenzeichen oder Name"))

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stadt"].queryset = cities
        self.fields["funktion"].queryset = Function.objects.filter(requires_notice=True)

    def clean(self):
        data = super().clean()
        if data.get("frist_von") and data.get("frist_bis") and data["frist_von"] > data["frist_bis"]:
            self.add_error("frist_bis", _("Das Ende des Zeitraums liegt vor dem Anfang."))
        return data


# --- personal settings ----------------------------------------------------------------------

class EmailPreferencesForm(forms.Form):
    """The kinds of notification for which the user wants an e-mail (everything else is muted)."""

    email_kinds = forms.MultipleChoiceField(
        label=_("E-Mails erhalten für"), required=False, choices=hooks.notification_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In der Anwendung sehen Sie alle Benachrichtigungen; hier wählen Sie, wofür zusätzlich "
                    "eine E-Mail kommt."))



# --- PS-2.1: the goals of the JobAgentur EN --------------------------------------------------

class GoalForm(forms.Form):
    title = forms.CharField(label=_("Neues Ziel"), max_length=200,
                            error_messages={"required": _("Bitte geben Sie das Ziel an.")})


class CareerTrackForm(forms.Form):
    """PS-1.1: one row of the district's career-track table."""

    grade = forms.CharField(label=_("Besoldungs-/Entgeltgruppe"), max_length=20,
                            help_text=_("z. B. A 10 oder EG 9a; „A10“ und „a 10“ gelten gleich."),
                            error_messages={"required": _("Bitte geben Sie die Besoldungs- oder Entgeltgruppe an."),
                                            "max_length": _("Höchstens 20 Zeichen.")})
    employment = forms.ChoiceField(label=_("Beschäftigungsverhältnis"), choices=[("", "—"), *Employment.choices],
                                   error_messages={
                                       "required": _("Bitte wählen Sie das Beschäftigungsverhältnis."),
                                       "invalid_choice": _("Bitte wählen Sie das Beschäftigungsverhältnis.")})
    track = forms.ChoiceField(
        label=_("Vorgesehene Laufbahn / Qualifikation"), choices=[("", "—"), *CareerTrack.choices],
        help_text=_("Beamtinnen und Beamte: Laufbahngruppe und Einstiegsamt; Tarifbeschäftigte: die Qualifikation, "
                    "die die Entgeltgruppe voraussetzt. Eine höhere Laufbahn genügt auch für eine niedrigere."),
        error_messages={"required": _("Bitte wählen Sie die vorgesehene Laufbahn bzw. Qualifikation."),
                        "invalid_choice": _("Bitte wählen Sie die vorgesehene Laufbahn bzw. Qualifikation.")})


class LoginForm(AuthenticationForm):
    """issue 15, point 1: a user name longer than any account can have (the user model's 150 characters)
    fails like a wrong password, before authentication: django-axes would write it into its table of
    attempts, whose column takes 255 characters (a 500 on PostgreSQL)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > (self.username_field.max_length or 150):
            raise self.get_invalid_login_error()
        return super().clean()


def _number_field(label, low, high, help_text=""):
    message = _("Bitte geben Sie eine ganze Zahl von %(low)s bis %(high)s an.") % {"low": low, "high": high}
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text, error_messages={
        "required": message, "invalid": message, "min_value": message, "max_value": message})


class RuleSetForm(forms.Form):
    """Issue 17, point 1: the district administration changes its district's agreement settings (a new
    version for notices received from `valid_from` on)."""

    valid_from = GermanDateField(
        label=_("gilt für Mitteilungen, die eingehen ab"), widget=DateInput(),
        help_text=_("Heute oder später. Laufende Fristen bleiben unverändert."),
        error_messages={"required": _("Bitte geben Sie an, ab wann die Einstellungen gelten.")})
    holiday_region = forms.ChoiceField(
        label=_("Feiertage des Landes"), choices=[("", _("Bitte wählen")), *HOLIDAY_REGION_CHOICES],
        help_text=_("Fällt das Fristende auf einen Feiertag dieses Landes, endet die Frist am nächsten Werktag "
                    "(§ 193 BGB)."),
        error_messages={"required": _("Bitte wählen Sie das Land, dessen Feiertage gelten."),
                        "invalid_choice": _("Bitte wählen Sie das Land, dessen Feiertage gelten.")})
    catholic_holidays = forms.BooleanField(
        label=_("mit den Feiertagen überwiegend katholischer Gemeinden"), required=False,
        help_text=_("Nur in Bayern (Mariä Himmelfahrt), Sachsen und Thüringen (Fronleichnam)."))
    period_weeks = _number_field(_("Dauer der Frist in Wochen"), 1, 8,
                                 _("Die Vereinbarung sieht eine Woche vor (Wochenfrist, PS-2.3)."))
    reminder_working_days = _number_field(_("Erinnerung (Arbeitstage vor Fristende)"), 1, 4)
    vacancy_flag_days = _number_field(_("Vakanz hervorheben nach (Tagen)"), 1, 730,
                                      _("PS-4.3: frei gewordene Stellen unverzüglich wiederbesetzen."))
    qualification_min_months = _number_field(_("Mindestens einschlägige Berufserfahrung (Monate)"), 0, 60,
                                             _("PS-1.2: „mehrmonatige“ Berufserfahrung."))
    statute_date = GermanDateField(label=_("Heranziehungssatzung vom"), required=False, widget=DateInput())
    statute_reference = forms.CharField(
        label=_("Fundstelle der Kürzungsregel"), max_length=200, required=False,
        help_text=_("z. B. § 4 Abs. 1 der Heranziehungssatzung des Kreises"),
        error_messages={"max_length": _("Höchstens 200 Zeichen.")})
    reason = forms.CharField(
        label=_("Begründung der Änderung"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte begründen Sie die Änderung."),
                        "max_length": _("Höchstens 2000 Zeichen.")})
