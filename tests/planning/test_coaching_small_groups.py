"""PS-3.3: the small-group rule protects the complement. For any breakdown with its total shown, no
shown cell is 1–4, and what the hidden cells hold together (= total minus the shown cells) is 0 or at
least 5; a total of 1–4 hides everything. Proved for random cell lists (hypothesis) and at the edges."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planning.coaching import MIN_GROUP, Cell, breakdown, suppress, total_hidden

cells = st.lists(st.integers(min_value=0, max_value=40), min_size=0, max_size=12)


def _hidden_sum(counts, flags):
    return sum(c for c, h in zip(counts, flags, strict=True) if h)


@settings(max_examples=400, deadline=None)
@given(cells)
def test_with_the_total_shown_no_small_cell_and_no_small_complement(counts):
    flags = suppress(counts, total_shown=True)
    total = sum(counts)
    if total_hidden(total):  # the total itself is a small group: nothing is shown, not even the total
        assert all(flags)
        return
    shown = [c for c, h in zip(counts, flags, strict=True) if not h]
    assert all(not (0 < c < MIN_GROUP) for c in shown)
    hidden = _hidden_sum(counts, flags)
    assert hidden == 0 or hidden >= MIN_GROUP
    assert total - sum(shown) == hidden


@settings(max_examples=200, deadline=None)
@given(cells)
def test_without_a_total_only_the_small_cells_are_hidden(counts):
    flags = suppress(counts, total_shown=False)
    assert flags == [0 < c < MIN_GROUP for c in counts]


@settings(max_examples=200, deadline=None)
@given(cells)
def test_suppress_is_pure_and_hides_no_more_than_needed(counts):
    before = list(counts)
    flags = suppress(counts, total_shown=True)
    assert counts == before
    # every cell hidden beyond the primary rule was needed: unhiding the last one added breaks the rule
    extra = [i for i, (c, h) in enumerate(zip(counts, flags, strict=True)) if h and c >= MIN_GROUP]
    if extra and sum(counts) >= MIN_GROUP:
        smallest_extra = max(extra, key=lambda i: counts[i])
        relaxed = list(flags)
        relaxed[smallest_extra] = False
        assert 0 < _hidden_sum(counts, relaxed) < MIN_GROUP


@pytest.mark.parametrize(("counts", "hidden"), [
    ([5, 1], [True, True]),                # 6 - 5 would give away the 1
    ([5, 5, 1], [True, False, True]),      # the next smallest is hidden, not more
    ([6, 2, 2], [True, True, True]),       # 2 + 2 = 4 together: still a small group, 6 is hidden too
    ([7, 6, 2, 2], [False, True, True, True]),  # ... so the next smallest (6) is hidden as well
    ([3, 3], [True, True]),                # a total of 6 from two small cells: both hidden, 6 ≥ 5
    ([0, 5, 0], [False, False, False]),    # zeros identify nobody
    ([4], [True]),                         # a total under 5 hides everything
    ([0, 0], [False, False]),
    ([], []),
])
def test_suppress_at_the_edges(counts, hidden):
    assert suppress(counts, total_shown=True) == hidden


def test_a_hidden_total_hides_every_cell_also_the_zeros():
    total = Cell("Gesamt", 3, total_hidden(3))
    assert all(c.suppressed for c in breakdown([("A", 3), ("B", 0)], total=total))
    assert not total_hidden(0) and total_hidden(1) and total_hidden(4) and not total_hidden(5)
