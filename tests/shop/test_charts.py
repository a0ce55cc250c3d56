"""The server-drawn charts: round scales, bars in proportion, labels that fit."""

from __future__ import annotations

import pytest

from shop import charts


@pytest.mark.parametrize(
    ("raw", "smallest", "step"),
    [(0, 100, 100), (37, 100, 100), (120, 1, 200), (2500, 1, 5000), (5000, 1, 5000), (5001, 1, 10000)],
)
def test_a_scale_steps_by_one_two_or_five_times_a_power_of_ten(raw: float, smallest: int, step: int) -> None:
    assert charts.nice_step(raw, smallest) == step


def test_columns_stand_on_one_line_in_proportion_under_a_scale_that_covers_the_highest() -> None:
    chart = charts.columns(
        [("saus.", 0, "2025"), ("vas.", 12_345, ""), ("kov.", 6_000, "")],
        value_text=str,
        scale_text=lambda cents: f"{cents // 100} €",
    )
    empty, high, half = chart.bars
    bottom = {round(bar.y + bar.height, 2) for bar in chart.bars}
    assert len(bottom) == 1 and empty.height == 0
    assert chart.ticks[0].text == "0 €" and chart.ticks[-1].y <= high.y  # the top tick is above the bar
    assert half.height / high.height == pytest.approx(6_000 / 12_345, abs=0.001)  # sizes are rounded to 0.01
    assert empty.note == "2025" and [bar.value_text for bar in chart.bars] == ["0", "12345", "6000"]
    assert all(chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_right for bar in chart.bars)


def test_bars_are_as_long_as_their_share_of_the_longest() -> None:
    chart = charts.bars([("Krakės", 400), ("Pagiriai", 100), ("Josvainiai", 0)], value_text=str)
    assert [bar.width for bar in chart.bars] == [charts.BARS_WIDTH, charts.BARS_WIDTH / 4, 0]
    assert chart.height == 3 * 40 and not chart.is_empty
    assert charts.bars([("Krakės", 0)], value_text=str).is_empty


def test_a_long_label_is_cut_at_a_word_with_an_ellipsis() -> None:
    name = "Šlapaberžės kaimo bendruomenės centras prie Nevėžio"
    short = charts.shorten(name)
    assert short == "Šlapaberžės kaimo bendruomenės…" and len(short) <= charts.LABEL_CHARACTERS
    assert charts.shorten("Krakės") == "Krakės"
