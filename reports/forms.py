"""Issue 17: the period of the statistics and of the audit export (`?von=TT.MM.JJJJ&bis=TT.MM.JJJJ`)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.ui import GermanDateField

from .selectors import Period


class PeriodForm(forms.Form):
    """A range of days, both ends included; left empty: 1 January of this year to today. A bad day or a
    range whose start lies after its end gets a German message (the page then shows the default period)."""

    von = GermanDateField(label=_("Zeitraum von"), required=False)
    bis = GermanDateField(label=_("Zeitraum bis"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("von"), data.get("bis")
        default = Period.this_year()
        if "von" in data and not start:
            data["von"] = start = default.start
        if "bis" in data and not end:
            data["bis"] = end = max(default.end, start) if start else default.end
        if start and end and start > end:
            self.add_error("bis", _("Das Ende des Zeitraums liegt vor seinem Beginn."))
        return data

    def period(self) -> Period:
        """The period asked for, or the default one when the form is unbound or invalid."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["von"], self.cleaned_data["bis"])
        return Period.this_year()

    def error_text(self) -> str:
        if not self.is_bound or self.is_valid():
            return ""
        return " ".join(f"{self.fields[name].label}: {' '.join(messages)}" if name in self.fields
                        else " ".join(messages) for name, messages in self.errors.items())
