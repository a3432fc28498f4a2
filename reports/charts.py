"""Issue 17, point 2: the geometry of the server-rendered SVG bar charts (no JavaScript). The template draws
them with role="img", <title> and <desc>, and a table with the same figures right below each chart."""
from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 230
BAR_WIDTH = 420
ROW_HEIGHT = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    bars: tuple[Bar, ...]
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return 16 + ROW_HEIGHT * max(1, len(self.bars))

    @property
    def view_width(self) -> int:
        return self.label_width + BAR_WIDTH + 60

    @property
    def description(self) -> str:
        return "; ".join(f"{bar.label}: {bar.value}" for bar in self.bars) + "."


def bar_chart(chart_id: str, title: str, values: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    top = max([value for _label, value in values] + [1])
    bars = tuple(Bar(label=str(label), value=value, y=8 + i * ROW_HEIGHT,
                     width=int(round(value / top * BAR_WIDTH))) for i, (label, value) in enumerate(values))
    return BarChart(chart_id=chart_id, title=str(title), bars=bars)
