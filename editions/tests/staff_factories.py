"""An edition made through the coordinators' own service, for the staff screen tests."""

from datetime import datetime, timedelta

from editions import services
from editions.models import City, Edition


def create_edition(city: City, actor, start: datetime) -> Edition:
    """A knapsack edition whose seven phases start `start` and every ten days after, as a coordinator makes it."""
    values = {
        "year": 2026,
        "title_kk": "Берекелі бастама",
        "title_ru": "Берекелі бастама",
        "title_en": "Berekeli bastama",
        "budget": 80_000_000,
        "ballot_type": "knapsack",
        "counting_rule": "greedy",
    }
    values |= {field: start + timedelta(days=10 * n) for n, field in enumerate(services.DATE_FIELDS)}
    return services.create_edition(actor=actor, city=city, values=values)
