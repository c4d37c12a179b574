"""The one rule for typed text (servicedesk.text): one-line fields lose their line breaks
and refuse other control characters; multi-line fields keep lines and tabs, drop the rest."""

import pytest

from servicedesk.exceptions import ApplicationError
from servicedesk.text import ControlCharacterError, multi_line, one_line, one_line_field


@pytest.mark.parametrize(("typed", "stored"), [
    ("Screen flickers", "Screen flickers"),
    ("Screen\r\nflickers", "Screen flickers"),
    ("Screen \r\n\t flickers", "Screen flickers"),
    ("Screen\rflickers\n", "Screen flickers"),
    ("Screen\u2028flickers\u2029", "Screen flickers"),
    ("  屏幕闪烁  ", "屏幕闪烁"),
    ("two  spaces stay", "two  spaces stay"),
])
def test_one_line_puts_breaks_and_tabs_on_one_line(typed, stored):
    assert one_line(typed) == stored


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b"])
def test_one_line_refuses_other_control_characters_by_code_point(char):
    with pytest.raises(ControlCharacterError, match=f"U\\+{ord(char):04X}"):
        one_line(f"a{char}b")


def test_one_line_field_names_the_field():
    with pytest.raises(ApplicationError) as caught:
        one_line_field("a\x00b", field="name")
    assert list(caught.value.field_errors) == ["name"]


@pytest.mark.parametrize(("typed", "stored"), [
    ("Line one\r\nLine two\rLine three\n", "Line one\nLine two\nLine three\n"),
    ("\tindented\n", "\tindented\n"),
    ("nul\x00 bell\x07 esc\x1b[0m del\x7f c1\x85\x9b", "nul bell esc[0m del c1"),
    (None, ""),
])
def test_multi_line_keeps_lines_and_tabs_and_drops_other_control_characters(typed, stored):
    assert multi_line(typed) == stored
