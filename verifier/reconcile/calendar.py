"""Calendar arithmetic the rules share: an insurance term and an averaging period are
both counted in years."""

from datetime import date
from typing import TypeVar

D = TypeVar("D", bound=date)  # a date or a datetime, returned as given


def add_years(t: D, years: int) -> D:
    """The same day `years` later; 29 February becomes 1 March in a common year."""
    try:
        return t.replace(year=t.year + years)
    except ValueError:
        return t.replace(year=t.year + years, month=3, day=1)
