"""A real server under load: start gunicorn on 127.0.0.1, prepare signed-in voters, post ballots concurrently.

Shared by the durability test (test_durability.py, slow tier) and bench/bench_voting.py. Voters are signed in
with prepared database sessions (what the phone code would create) and a fixed CSRF secret, so the load measures
casting ballots, not SMS codes.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
# A fixed CSRF secret in the cookie and the form (Django accepts the unmasked 32-character secret).
CSRF = "benchbenchbenchbenchbenchbench32"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) on plain HTTP at 127.0.0.1, against the given database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production"),
        IIN_HASH_KEY=os.environ.get("IIN_HASH_KEY", "bench-iin-key"),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        # Plain static storage: the load never renders a page, and there is no collectstatic manifest here.
        TESTING="1",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


@dataclass
class Gunicorn:
    """gunicorn serving config.wsgi in its own process group, so SIGKILL takes master and workers at once."""

    database_url: str
    port: int = field(default_factory=free_port)
    workers: int = 3
    threads: int = 1
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "Gunicorn":
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            "--worker-class=gthread" if self.threads > 1 else "--worker-class=sync",
            "--backlog=2048",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=server_env(self.database_url), start_new_session=True, stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz")

    def kill(self) -> None:
        """SIGKILL the whole server: no worker gets to finish a request or a transaction."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def request(port: int, method: str, path: str, *, body: str = "", cookies: str = "", timeout: float = 10):
    """(status, Location header, seconds) of one request on a fresh connection.

    Plain sockets and a response read to the end (the server closes the connection): the load generator shares
    the CPU with the server it measures, and http.client's header parsing cost as much as a bare Django view.
    Raises OSError when the server does not answer, http.client.HTTPException when the answer is not HTTP.
    """
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if cookies:
        head.append(f"Cookie: {cookies}")
    payload = body.encode()
    if payload:
        head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(payload)}"]
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    seconds = time.perf_counter() - started
    headers = b"".join(chunks).split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status_line = headers[0].split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/") or not status_line[1].isdigit():
        raise http.client.BadStatusLine(headers[0])
    location = next((line.split(":", 1)[1].strip() for line in headers if line.lower().startswith("location:")), "")
    return int(status_line[1]), location, seconds


@dataclass(frozen=True)
class Voter:
    user_id: int
    session: str
    choices: tuple[int, ...]

    def cookies(self) -> str:
        return f"sessionid={self.session}; csrftoken={CSRF}"

    def body(self) -> str:
        return urlencode([("csrfmiddlewaretoken", CSRF), *((f"p{pid}", "on") for pid in self.choices)])


def prepared_session(user) -> str:
    """A signed-in session for `user`, as the sign-in view would leave it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.backends import remember

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    remember(user, session.session_key)  # what signing in does (accounts.backends)
    return session.session_key


def prepare(n_voters: int, *, slug: str, budget: int = 100, projects: int = 5) -> tuple[object, list[Voter]]:
    """A knapsack edition in voting with `projects` projects (at least five) and `n_voters` signed-in voters with
    valid IINs; each voter ticks two to four projects that fit the budget."""
    import random
    from datetime import date, timedelta

    from accounts.testing import make_user

    from .helpers import make_iin, make_projects, make_voter, make_voting_edition

    # Phones and IINs are unique site-wide: draw them per run so repeated runs on one database never collide.
    rng = random.Random()
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(15_000))
    first_phone = rng.randrange(10**8, 9 * 10**8)
    edition = make_voting_edition(slug=slug, budget=budget)
    author = make_user(phone=f"+77{first_phone - 1:09d}")
    rows = [("A", 40), ("B", 30), ("C", 30), ("D", 20), ("E", 60)]
    rows += [(f"Project {n}", 10) for n in range(len(rows) + 1, projects + 1)]  # a longer shortlist
    made = make_projects(edition, rows, author=author)
    patterns = [(0, 1, 2), (3, 4), (1, 3), (0, 2, 3), (4,)]
    extra = len(made) - 5
    voters = []
    for n in range(n_voters):
        user = make_voter(phone=f"+77{first_phone + n:09d}", iin=make_iin(birth + timedelta(days=n // 5000)))
        chosen = patterns[n % len(patterns)]
        if extra and sum(rows[i][1] for i in chosen) <= budget - 10:
            chosen += (5 + n % extra,)  # and one of the longer shortlist's, where it fits
        voters.append(Voter(user.pk, prepared_session(user), tuple(made[i].pk for i in chosen)))
    return edition, voters


@dataclass
class Outcome:
    voter: Voter
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float

    @property
    def acknowledged(self) -> bool:
        """The voter was told the ballot is stored: the redirect to the receipt page."""
        return self.status == 302


def cast_all(
    port_of: Callable[[], int], edition_id: int, voters: Iterable[Voter], *, concurrency: int = 16
) -> list[Outcome]:
    """Post every voter's confirmed ballot, `concurrency` at a time; failures are recorded, not retried."""
    queue = list(voters)
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    path = f"/editions/{edition_id}/vote/confirm/"

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                voter = queue.pop()
            started = time.perf_counter()
            try:
                status, location, _ = request(port_of(), "POST", path, body=voter.body(), cookies=voter.cookies())
                if status == 302 and "/vote/done/" not in location:
                    status = -302  # redirected elsewhere (sign-in): not an acknowledgement
            except (OSError, http.client.HTTPException):
                status = 0
            with lock:
                outcomes.append(Outcome(voter, status, time.perf_counter() - started))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def check_database(edition, voters: Iterable[Voter], outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Whether the database holds every acknowledged ballot, as chosen, and nothing half-written.

    Returns counts; `missing`, `wrong` and `half_written` must be zero. Ballots of unacknowledged requests may
    exist (the transaction committed, then the answer was lost): they are complete ballots and are counted.
    """
    from voting.models import Ballot, BallotChoice, Participation

    acked = {o.voter.user_id: o.voter for o in outcomes if o.acknowledged}
    participations = {
        p.user_id: p for p in Participation.objects.filter(edition=edition).select_related("ballot").order_by("pk")
    }
    choices: dict[int, set[int]] = {}
    for ballot_id, proposal_id in BallotChoice.objects.filter(ballot__edition=edition).values_list(
        "ballot_id", "proposal_id"
    ):
        choices.setdefault(ballot_id, set()).add(proposal_id)
    missing = sum(1 for uid in acked if uid not in participations or participations[uid].ballot_id is None)
    wrong = sum(
        1
        for uid, voter in acked.items()
        if uid in participations and choices.get(participations[uid].ballot_id) != set(voter.choices)
    )
    ballots = list(Ballot.objects.filter(edition=edition).values_list("pk", "superseded_at"))
    linked = {p.ballot_id for p in participations.values() if p.ballot_id}
    half_written = sum(1 for pk, _ in ballots if pk not in choices)  # a ballot without its choices
    half_written += sum(1 for p in participations.values() if p.ballot_id is None)  # a claim without its ballot
    half_written += sum(1 for pk, superseded in ballots if superseded is None and pk not in linked)  # orphan
    return {
        "acknowledged": len(acked),
        "ballots": len(ballots),
        "counted": sum(1 for _, superseded in ballots if superseded is None),
        "missing": missing,
        "wrong": wrong,
        "half_written": half_written,
    }
