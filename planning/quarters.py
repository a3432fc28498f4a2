"""Calendar quarters (PS-6.1: the city updates its data at least quarterly)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_ended_before(cls, day: datetime.date) -> Quarter:
        """The latest quarter whose last day lies before `day` (PS-6.1: due from the next day)."""
        return cls.of(day).previous

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next.start - datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return _("%(q)d. Quartal %(y)d") % {"q": self.quarter, "y": self.year}

    @property
    def short(self) -> str:
        return f"Q{self.quarter}/{self.year}"
