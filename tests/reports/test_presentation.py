"""How the report pages write a figure: percentages and means rounded, not cut off (the
scorecards round, the export keeps one decimal: the three must agree)."""

from django.utils import translation

from reports.presentation import format_value
from reports.tables import NUMBER, RATIO


def test_a_percentage_is_rounded_to_the_nearest_whole():
    with translation.override("en"):
        assert format_value(10 / 15, RATIO) == "67 %"
        assert format_value(14 / 23, RATIO) == "61 %"
        assert format_value(3 / 8, RATIO) == "38 %"
        assert format_value(1 / 3, RATIO) == "33 %"
        assert format_value(1.0, RATIO) == "100 %"
        assert format_value(0.0, RATIO) == "0 %"


def test_a_mean_is_rounded_to_two_decimals():
    with translation.override("en"):
        assert format_value(11 / 3, NUMBER) == "3.67"
        assert format_value(3.999, NUMBER) == "4.00"
