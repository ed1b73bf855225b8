"""Ballots per second through the production server: gunicorn on 127.0.0.1 against PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_voting [REDIS_URL=redis://127.0.0.1:6379/0] \
        .venv/bin/python bench/bench_voting.py [--voters 2000] [--concurrency 16] [--workers 3] [--threads 1] \
        [--rounds 4] [--projects 5]

It creates the database if needed and migrates it, prepares a knapsack edition in voting with N voters who are
signed in (sessions of the configured engine, the person in the cache, as the phone code would leave them), then:

0. warm-up: every worker serves both kinds of request first (a hundred of each per worker, the ballots in
   an edition of their own), so that a worker's first ballots (imports, translation catalogues, prepared
   statements) are not counted against the steady state;
1. baseline: the same number of GET /healthz (a bare Django view with one `SELECT 1`) at the same concurrency;
2. load: every voter posts a confirmed ballot (`/editions/<id>/vote/confirm/`), `--concurrency` at a time;
   the two alternate in `--rounds` rounds (default 4: a quarter of each, four times), so that both see the
   same states of the machine;
3. check: the database holds exactly the acknowledged ballots (every 302 has its ballot, as chosen; nothing
   half-written; no ballot that was not acknowledged).

It prints requests per second and p50/p95/p99 latency for both, the ratio, and the CPU per request of each process
(server, database, cache, load generator). The load generator runs on the same machine as the server and competes
with it for the CPU; docs/voting.md records measured figures.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Requests of each kind per gunicorn worker before measuring, ballots on an edition of their own.
WARM_UP = 100


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")  # production: sessions read from Redis
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("IIN_HASH_KEY", "bench-iin-key")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _create_database(database_url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(database_url)
    if not config["ENGINE"].endswith("postgresql"):
        sys.exit("bench_voting needs PostgreSQL: set DATABASE_URL=postgres://...")
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _figures(label: str, outcomes, seconds: float) -> float:
    from voting.tests.live import percentile

    latencies = [o.seconds * 1000 for o in outcomes]
    rate = len(outcomes) / seconds
    print(
        f"{label:<10} {len(outcomes):>6} requests in {seconds:6.2f} s: {rate:7.1f}/s   "
        f"p50 {percentile(latencies, 50):6.1f} ms   p95 {percentile(latencies, 95):6.1f} ms   "
        f"p99 {percentile(latencies, 99):6.1f} ms"
    )
    return rate


def _cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the server (gunicorn), the database (postgres), the cache (redis-server) and this
    process (the load generator), from /proc: where each request's cost goes."""
    tick = os.sysconf("SC_CLK_TCK")
    totals = {"gunicorn": 0.0, "postgres": 0.0, "redis-server": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        if name in totals:
            totals[name] += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    own = os.times()
    totals["load generator"] = own.user + own.system
    return totals


def _add(totals: dict[str, float], before: dict[str, float], after: dict[str, float]) -> None:
    for name in before:
        totals[name] = totals.get(name, 0.0) + after[name] - before[name]


def _cpu_per_request(used: dict[str, float], requests: int) -> str:
    return "   ".join(f"{name} {1000 * seconds / requests:.2f}" for name, seconds in used.items())


def _baseline(port: int, n: int, concurrency: int):
    """GET /healthz n times at the given concurrency, with the same client code as the ballots."""
    import threading

    from voting.tests.live import Outcome, Voter, request

    outcomes, lock, remaining = [], threading.Lock(), [n]

    def worker():
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            status, _, seconds = request(port, "GET", "/healthz")
            with lock:
                outcomes.append(Outcome(Voter(0, "", ()), status, seconds))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    parser.add_argument("--rounds", type=int, default=4, help="alternations of the bare view and the ballots")
    parser.add_argument("--projects", type=int, default=5, help="projects on the ballot (at least 5)")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_voting")
    _setup(database_url)

    from voting.tests.live import Gunicorn, cast_all, check_database, prepare

    slug = f"bench-{int(time.time())}"
    started = time.perf_counter()
    edition, voters = prepare(args.voters, slug=slug, projects=args.projects)
    warm_edition, warm_voters = prepare(WARM_UP * args.workers, slug=f"{slug}-warm-up", projects=args.projects)
    print(f"prepared {len(voters)} signed-in voters in {time.perf_counter() - started:.1f} s (edition {edition.pk})")
    with Gunicorn(database_url, workers=args.workers, threads=args.threads) as server:
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads; client concurrency {args.concurrency}; "
            f"{max(5, args.projects)} projects on the ballot"
        )
        # Warm up both paths in every worker (imports, translation catalogues, connections, prepared statements):
        # the figures are the steady state of a running server, not its first requests.
        _baseline(server.port, len(warm_voters), args.concurrency)
        cast_all(lambda: server.port, warm_edition.pk, warm_voters, concurrency=args.concurrency)
        # Alternate the two loads in rounds: the machine's speed drifts within minutes, and a ratio of two
        # figures measured minutes apart would follow the drift more than the code.
        base_outcomes, outcomes = [], []
        seconds = {"healthz": 0.0, "ballots": 0.0}
        cpu = {"healthz": {}, "ballots": {}}
        rounds = max(1, min(args.rounds, len(voters)))
        for r in range(rounds):
            chunk = voters[r * len(voters) // rounds : (r + 1) * len(voters) // rounds]
            before = _cpu_seconds()
            done, took = _baseline(server.port, len(chunk), args.concurrency)
            middle = _cpu_seconds()
            base_outcomes += done
            seconds["healthz"] += took
            started = time.perf_counter()
            outcomes += cast_all(lambda: server.port, edition.pk, chunk, concurrency=args.concurrency)
            seconds["ballots"] += time.perf_counter() - started
            after = _cpu_seconds()
            _add(cpu["healthz"], before, middle)
            _add(cpu["ballots"], middle, after)
    print(f"{rounds} rounds, each: {len(voters) // rounds} GET /healthz, then as many ballots")
    base_rate = _figures("healthz", base_outcomes, seconds["healthz"])
    rate = _figures("ballots", outcomes, seconds["ballots"])
    print(f"ballots / bare view: {100 * rate / base_rate:.0f}%")
    print("CPU ms per request, healthz:", _cpu_per_request(cpu["healthz"], len(base_outcomes)))
    print("CPU ms per request, ballots:", _cpu_per_request(cpu["ballots"], len(outcomes)))
    report = check_database(edition, voters, outcomes)
    print("database:", report)
    failed = [o.status for o in outcomes if not o.acknowledged]
    if failed:
        print(f"{len(failed)} ballots not acknowledged, statuses {sorted(set(failed))}")
    exact = report["counted"] == report["acknowledged"] == report["ballots"]
    ok = exact and report["missing"] == report["wrong"] == report["half_written"] == 0
    print("database holds exactly the acknowledged ballots:", "yes" if ok else "NO")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
