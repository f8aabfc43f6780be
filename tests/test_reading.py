"""What a manager reads: Russian that agrees with its numbers, money in readable units, one sign
convention in words, the business effect of an experiment, and findings that connect causes."""

from __future__ import annotations

import pytest

from analysis.diagnosis_report import _range, echoed_reasons, gap_words
from analysis.display import format_money, interval_bar, points, sparkline, tone
from analysis.experiment_report import _calls_saved, _interval_words
from analysis.i18n import agree, plural_index, t


@pytest.mark.parametrize("number, index", [("1", 0), ("21", 0), ("11", 2), ("2", 1), ("34", 1), ("12", 2),
                                           ("14", 2), ("5", 2), ("100", 2), ("3\u202f994", 1), ("2,5", 3)])
def test_plural_index_follows_russian_rules(number, index):
    assert plural_index(number) == index


@pytest.mark.parametrize("text, expected", [
    ("643 лидов, из них 53 повторных", "643 лида, из них 53 повторных"),
    ("1 лидов", "1 лид"), ("11 лид", "11 лидов"), ("21 дней", "21 день"), ("2 недель", "2 недели"),
    ("у 15 лидов и", "у 15 лидов и"), ("у 3 лида", "у 3 лидов"), ("из 1 лидов", "из 1 лида"),
    ("3\u202f994 лидов", "3\u202f994 лида"), ("9,5 лидов в день", "9,5 лида в день"), ("47 отказа", "47 отказов"),
    ("Лидов: 5", "Лидов: 5"),  # a count after its noun is left alone
])
def test_counted_nouns_agree_with_their_numbers(text, expected):
    assert agree(text) == expected


def test_translated_texts_pass_through_the_agreement():
    # dx.scope.text says "{leads} лидов": 643 must read «643 лида»
    text = t("dx.scope.text", "ru", scope="Авито", start="01.08.2026", end="31.10.2026", leads="643", repeats="53",
             baseline="остальные", base_leads="3\u202f285", base_start="01.08.2026", base_end="31.10.2026")
    assert "643 лида," in text and "3\u202f285 лидов" in text


@pytest.mark.parametrize("value, ru, en", [
    (8_380_214, "8,4\u00a0млн\u00a0₽", "₽8.4M"), (46_817, "46\u202f817\u00a0₽", "₽46,817"),
    (999, "999\u00a0₽", "₽999"), (250_000_000, "250\u00a0млн\u00a0₽", "₽250M"), (None, "—", "—"),
])
def test_money_reads_as_people_say_it(value, ru, en):
    assert format_money(value, "ru") == ru
    assert format_money(value, "en") == en


def test_one_sign_convention_in_words():
    assert gap_words(0.201, "ru") == "хуже на 20,1\u00a0п.п."
    assert gap_words(-0.036, "ru") == "лучше на 3,6\u00a0п.п."
    assert gap_words(0.0004, "en") == "no difference"
    # an interval is read in the direction of its words; a bound across zero keeps its minus
    assert _range(0.201, 0.155, 0.242, "ru") == "от 15,5 до 24,2\u00a0п.п."
    assert _range(-0.036, -0.067, -0.002, "ru") == "от 0,2 до 6,7\u00a0п.п."
    assert _range(0.015, -0.010, 0.038, "en") == "−1.0 to 3.8\u00a0pts"
    assert points(-0.201, "en") == "20.1\u00a0pts"


def test_tone_colours_only_changes_beyond_noise_by_business_direction():
    assert tone(0.14, -1) == "bad"  # a cost that rose
    assert tone(0.14, 1) == "good"
    assert tone(0.14, -1, beyond_noise=False) == "neutral"
    assert tone(1.01, 0) == "neutral"  # spend: neither good nor bad


def test_sparkline_needs_three_points_and_marks_the_last():
    assert sparkline([None, 1.0, 2.0]) == ""
    svg = sparkline([1.0, None, 3.0, 2.0], "bad")
    assert svg.startswith("<svg") and 'class="la-spark la-bad"' in svg and svg.count("<circle") == 1


def test_interval_bar_places_point_and_zero_on_one_axis():
    svg = interval_bar(0.2, 0.1, 0.3, (-0.5, 0.5), "good", width=108)
    # x = 4 + (v + 0.5) / 1.0 * 100: zero at 54, the point at 74, the interval from 64 to 84
    assert 'x1="54.0"' in svg and 'cx="74.0"' in svg and 'x="64.0"' in svg and 'width="20.0"' in svg
    assert interval_bar(None, 0.1, 0.3, (-1, 1), "good") == ""


class _Arm:
    def __init__(self, leads, qualified, days):
        self.mature_leads, self.qualified, self.days = leads, qualified, days


class _Ev:
    exposure = "spend"

    def __init__(self, control, variant):
        self.control, self.variant = control, variant


def test_calls_saved_by_hand():
    # control 871 leads, 248 qualified in 92 days; variant 578 leads, 291 qualified:
    # a quarter's 248 / 92 × 91 = 245.3 qualified leads take 245.3 × (871/248 − 578/291) = 374.3 fewer calls
    saved = _calls_saved(_Ev(_Arm(871, 248, 92), _Arm(578, 291, 92)))
    assert saved == pytest.approx(248 / 92 * 91 * (871 / 248 - 578 / 291))
    assert saved == pytest.approx(374.3, abs=0.1)
    assert _calls_saved(_Ev(_Arm(871, 0, 92), _Arm(578, 291, 92))) is None


class _Metric:
    def __init__(self, effect, low, high, effect_type):
        self.effect, self.effect_ci, self.effect_type = effect, (low, high), effect_type


def test_experiment_intervals_keep_their_unit_and_sign():
    assert _interval_words(_Metric(0.86, 0.72, 1.02, "ratio"), "ru") == "−28…+2%"
    assert _interval_words(_Metric(0.219, 0.168, 0.269, "difference"), "ru") == "+16,8…+26,9\u00a0п.п."


class _Dx:
    def __init__(self, complaint, unmapped):
        self.params = {"complaint": complaint}
        self.unmapped_reasons = unmapped


def test_an_unmapped_reason_that_echoes_the_complaint_is_found():
    dx = _Dx("Лиды с Авито нецелевые: звонят «просто узнать цену», покупать не собираются",
             {"Клиент хамит": 46, "Просто интересовался": 47})
    assert echoed_reasons(dx) == [("Просто интересовался", 47)]
    assert echoed_reasons(_Dx("", {"Просто интересовался": 47})) == []
