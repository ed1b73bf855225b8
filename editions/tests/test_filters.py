import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from editions.templatetags.bastama import format_date, format_tenge


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "80\u202f000\u202f000\u00a0₸"), ("ru", "80\u202f000\u202f000\u00a0₸"), ("en", "₸80,000,000")],
)
def test_tenge_is_grouped_the_way_each_language_writes_it(language, expected):
    with translation.override(language):
        assert Template("{% load bastama %}{{ amount|tenge }}").render(Context({"amount": 80_000_000})) == expected


def test_tenge_of_small_amounts_and_nothing():
    assert format_tenge(950, "ru") == "950\u00a0₸"
    assert format_tenge(0, "kk") == "0\u00a0₸"
    assert format_tenge(None, "ru") == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "2022\u00a0ж. 4\u00a0мамыр"), ("ru", "4\u00a0мая 2022\u00a0г."), ("en", "4\u00a0May 2022")],
)
def test_dates_spell_the_month_in_each_language(language, expected):
    assert format_date(dt.date(2022, 5, 4), language) == expected


def test_datetimes_are_shown_in_the_site_time_zone():
    moment = dt.datetime(2025, 5, 3, 20, 30, tzinfo=dt.UTC)  # 01:30 on 4 May in Almaty (UTC+5 since 2024)
    assert format_date(moment, "en", with_time=True) == "4\u00a0May 2025, 01:30"
