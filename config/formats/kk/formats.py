"""Kazakh number and short date formats (Django ships none for kk, so it grouped no digits: 6000000 ₸).

As in Kazakhstan's usage and Django's Russian formats: digits in groups of three with a no-break space, a
decimal comma, day.month.year.
"""

SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
