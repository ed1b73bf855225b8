"""A closed edition and ballots as plain data, for the results tests."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from editions.models import City, Edition
from pbcount import pabulib
from results.tally import TallyProject, build_election

PROJECTS = [TallyProject("1", 100, "Playground"), TallyProject("2", 60, "Benches"), TallyProject("3", 50, "Lights")]
BALLOTS = [[("1", 1), ("2", 1)], [("3", 1)], [("1", 1)], [("2", 1), ("3", 1)], [("1", 1)], [("3", 1)]]


def make_closed_edition(*, slug="aksu", rule="greedy", closed=True) -> Edition:
    """An edition whose voting closed yesterday (or is still open with closed=False)."""
    now = timezone.now()
    start = now - timedelta(days=50)
    results = now - timedelta(days=1) if closed else now + timedelta(days=1)
    city, _ = City.objects.get_or_create(slug=slug, defaults={"name_kk": slug, "name_ru": slug, "name_en": slug})
    return Edition.objects.create(
        city=city,
        year=now.year,
        title_kk="Бастама",
        title_ru="Бастама",
        title_en="Bastama",
        budget=150,
        counting_rule=rule,
        tie_break_seed="seed-2026",
        announcement_starts=start,
        proposals_start=start,
        review_starts=start,
        voting_starts=start,
        results_start=results,
        implementation_starts=now + timedelta(days=30),
        archive_starts=now + timedelta(days=300),
    )


def election(ballot_type="knapsack", ballots=BALLOTS):
    return build_election(
        projects=PROJECTS, ballots=ballots, budget=150, ballot_type=ballot_type, meta={"description": "test"}, seed="s"
    )


def download_pb(client, edition, run, tmp_path: Path):
    """The published .pb file as anyone downloads it, saved to disk (as the recount needs) and parsed."""
    path = tmp_path / "bastama.pb"
    path.write_bytes(client.get(reverse("results:ballots_pb", args=[edition.pk, run.pk])).content)
    return path, pabulib.read(path)


def recount_with_pbcount(path: Path, seed: str) -> list[str]:
    """The winners the `python -m pbcount` command finds in a downloaded file: the public's independent recount."""
    out = subprocess.run(
        [sys.executable, "-m", "pbcount", str(path), "--rule", "greedy", "--tie-break", "published"]
        + ["--seed", seed, "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["winners"]
