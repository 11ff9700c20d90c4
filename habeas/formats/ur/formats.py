"""Urdu date and number formats (Django ships none for Urdu, and its defaults put
the month first, in English order: "جون 5, 2025").

Urdu writes the day, the month's name, then the year, as Urdu Wikipedia and
the Pakistani press do: "5 جون 2025". The month names, and "صبح"/"شام" for
a.m./p.m. on the 12-hour clock Pakistan uses, come from Django's catalogue.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "P"
DATETIME_FORMAT = "j F Y، P"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y P"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
