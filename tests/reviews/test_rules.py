"""The flag rules on their own (reviews.rules): pure arithmetic."""

from reviews import rules

LIMITS = {"miss_rate": 0.10, "easy_fraction": 1 / 3, "min_n": 20}


def flag(**figures):
    return rules.target_flags(kind="first_response", target_minutes=60, **LIMITS,
                              **{"met": 0, "decided": 0, "p90_business_seconds": None, **figures})


def test_missed_in_more_than_a_tenth_of_cycles_is_too_tight():
    [found] = flag(met=17, decided=20, p90_business_seconds=3000)
    assert found["code"] == rules.TOO_TIGHT and found["value"] == 0.15 and found["n"] == 20


def test_missed_in_exactly_a_tenth_is_not_flagged():
    assert flag(met=18, decided=20, p90_business_seconds=3000) == []


def test_p90_under_a_third_without_a_breach_is_too_easy():
    [found] = flag(met=20, decided=20, p90_business_seconds=720)
    assert found["code"] == rules.TOO_EASY and found["value"] == 0.2


def test_an_easy_p90_with_one_breach_is_not_flagged():
    assert flag(met=19, decided=20, p90_business_seconds=720) == []


def test_below_the_minimum_n_nothing_is_flagged():
    assert flag(met=10, decided=19, p90_business_seconds=3000) == []


def test_an_untracked_target_is_never_flagged():
    assert rules.target_flags(kind="next_response", target_minutes=None, met=0, decided=30,
                              p90_business_seconds=None, **LIMITS) == []


def test_change_direction():
    old = {"first_response": 240, "next_response": None, "resolution": 480}
    assert rules.change_direction(old, {"first_response": 120, "next_response": None, "resolution": None}) == "tighten"
    assert rules.change_direction(old, {"first_response": 300, "next_response": None, "resolution": 480}) == "loosen"
    assert rules.change_direction(old, {"first_response": 120, "next_response": None, "resolution": 600}) == "mixed"
    assert rules.change_direction(old, {"first_response": 240, "next_response": None, "resolution": None}) is None
