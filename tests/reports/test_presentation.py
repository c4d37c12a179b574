"""How the report pages write a figure: percentages and means rounded, not cut off (the
scorecards round, the export keeps one decimal: the three must agree)."""

import pytest
from django.utils import formats, translation

from reports.presentation import format_value, grouped
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


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant", "de", "fr"])
def test_counts_are_grouped_as_djangos_number_format_groups_them(language):
    """`grouped` looks the separator up once per language: the same text as
    `number_format(force_grouping=True)` (a dot in German, a narrow space in French)."""
    with translation.override(language):
        for n in (0, 7, 999, 1000, 1_234_567, -1234):
            assert grouped(n) == formats.number_format(n, 0, force_grouping=True)
    with translation.override("de"):
        assert grouped(1_234_567) == "1.234.567"
