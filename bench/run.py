"""Load run: gunicorn with 2 sync workers on 127.0.0.1 against the bench database (BENCH.md).

    .venv/bin/python -m bench.run --database-url postgresql://postgres@127.0.0.1/participation_bench

For each page: warm-up, a sequential pass (median, p95) and a concurrent pass at 4 clients (median,
p95, p99, requests/s), with the number of SQL statements the page ran. ``/sante`` (one ``SELECT 1``)
served by the same server in the same run is the ceiling: each page's throughput is reported as a
fraction of it, measured again right after the page (the machines are shared, and their speed drifts
within a run). One table is printed and saved under bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BENCH_PASSWORD, DEFAULT_DATABASE_URL, RESULTS, Page, capability_modules, load_facts

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
SEQUENTIAL = 150
CONCURRENT_CLIENTS = 4
CONCURRENT_PER_CLIENT = 100
CEILING_PER_CLIENT = CONCURRENT_PER_CLIENT  # the ceiling measured again after each page


def core_pages(facts: dict) -> list[Page]:
    territory = facts["territory"]
    return [
        Page("ceiling: /sante", "/sante"),
        Page("home", "/"),
        Page("home (signed in)", "/", user=territory["member_email"]),
        Page("conseils", "/conseils"),
        Page("conseil page", f"/conseils/{territory['conseil_slug']}"),
        Page("sign-in form", "/connexion"),
        Page("my account", "/compte", user=territory["member_email"]),
    ]


@dataclass
class Session:
    cookie: str = ""
    csrf: str = ""


class Client:
    def __init__(self, port: int, session: Session | None = None) -> None:
        self.port = port
        self.session = session or Session()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, float, dict, bytes]:
        headers = {"Accept-Language": "fr"}
        if self.session.cookie:
            headers["Cookie"] = self.session.cookie
        body = None
        if method == "POST":
            fields = dict(fields or {})
            fields.setdefault("csrf_token", self.session.csrf)
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.session.cookie = value.split(";", 1)[0]
        return response.status, elapsed, dict(response.getheaders()), data

    def refresh_csrf(self) -> None:
        _, _, _, data = self.request("GET", "/")
        match = CSRF.search(data.decode("utf-8", "replace"))
        if match:
            self.session.csrf = match.group(1) or match.group(2)


def sign_in(port: int, email: str) -> Session:
    client = Client(port)
    _, _, _, page = client.request("GET", "/connexion")
    match = CSRF.search(page.decode())
    client.session.csrf = match.group(1) or match.group(2)
    status, _, _, _ = client.request("POST", "/connexion", {"email": email, "password": BENCH_PASSWORD})
    if status != 302:
        raise RuntimeError(f"could not sign in as {email} (HTTP {status})")
    client.refresh_csrf()
    return client.session


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _worker(args) -> list[tuple[int, float]]:
    port, page, sessions, indices = args
    results = []
    clients: dict[str, Client] = {}
    for i in indices:
        session = sessions[i] if isinstance(sessions, list) else sessions
        key = session.cookie if session else ""
        client = clients.get(key) or Client(port, session)
        clients[key] = client
        fields = page.body(i) if callable(page.body) else page.body
        status, elapsed, _, _ = client.request(page.method, page.path if not callable(page.path) else page.path(i),
                                               fields)
        results.append((status, elapsed))
    return results


def measure(port: int, page: Page, pool: multiprocessing.pool.Pool) -> dict:
    total_requests = SEQUENTIAL + CONCURRENT_CLIENTS * CONCURRENT_PER_CLIENT + 20
    if page.user_for is not None:
        sessions: list[Session] | Session | None = [sign_in(port, page.user_for(i)) for i in range(total_requests)]
    elif page.user:
        sessions = sign_in(port, page.user)
    else:
        sessions = Session()
    path = page.path if isinstance(page.path, str) else page.path(0)
    # SQL statements of one request (the server adds the header when SQL_COUNT_HEADER is on).
    probe = Client(port, sessions[0] if isinstance(sessions, list) else sessions)
    if page.method == "GET":
        _, _, headers, _ = probe.request("GET", path)
        statements = headers.get("X-SQL-Statements", "?")
    else:
        statements = "?"
    offset = 0
    _worker((port, page, sessions, range(offset, offset + 20)))  # warm-up
    offset += 20
    sequential = _worker((port, page, sessions, range(offset, offset + SEQUENTIAL)))
    offset += SEQUENTIAL
    chunks = [range(offset + c * CONCURRENT_PER_CLIENT, offset + (c + 1) * CONCURRENT_PER_CLIENT)
              for c in range(CONCURRENT_CLIENTS)]
    started = time.perf_counter()
    concurrent = [r for part in pool.map(_worker, [(port, page, sessions, chunk) for chunk in chunks]) for r in part]
    wall = time.perf_counter() - started
    errors = sum(1 for status, _ in sequential + concurrent if status >= 400)
    seq = [elapsed for _, elapsed in sequential]
    con = [elapsed for _, elapsed in concurrent]
    return {
        "name": page.name, "seq_median": statistics.median(seq), "seq_p95": percentile(seq, 0.95),
        "median": statistics.median(con), "p95": percentile(con, 0.95), "p99": percentile(con, 0.99),
        "rps": len(con) / wall, "sql": statements, "errors": errors,
        "budget": (page.budget_median_ms, page.budget_p99_ms),
    }


def ceiling_now(port: int, pool: multiprocessing.pool.Pool) -> float:
    """The trivial route's throughput at 4 clients now: a page's fraction of the ceiling is taken against the
    ceiling of its own moment, not only of the run's start."""
    page = Page("ceiling", "/sante")
    chunks = [range(c * CEILING_PER_CLIENT, (c + 1) * CEILING_PER_CLIENT) for c in range(CONCURRENT_CLIENTS)]
    started = time.perf_counter()
    pool.map(_worker, [(port, page, Session(), chunk) for chunk in chunks])
    return CONCURRENT_CLIENTS * CEILING_PER_CLIENT / (time.perf_counter() - started)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
           "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "SQL_COUNT_HEADER": "1",
           "PARTICIPATION_ENV": "production"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sante")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def format_table(rows: list[dict]) -> str:
    header = (f"{'page':<38} {'seq med':>8} {'seq p95':>8} {'4c med':>8} {'4c p95':>8} {'4c p99':>8} "
              f"{'req/s':>7} {'ceiling':>7} {'SQL':>4} {'err':>4}  budget (median/p99 ms)")
    lines = [header, "-" * len(header)]
    for row in rows:
        median_budget, p99_budget = row["budget"]
        verdict = ""
        if median_budget is not None:
            ok = row["median"] <= median_budget and (p99_budget is None or row["p99"] <= p99_budget)
            verdict = f"{median_budget:g}/{p99_budget:g} {'ok' if ok else 'OVER'}"
        lines.append(
            f"{row['name'][:38]:<38} {row['seq_median']:8.1f} {row['seq_p95']:8.1f} {row['median']:8.1f} "
            f"{row['p95']:8.1f} {row['p99']:8.1f} {row['rps']:7.0f} {row['rps'] / row['ceiling_now']:7.0%} "
            f"{row['sql']!s:>4} {row['errors']:>4}  {verdict}"
        )
    ceilings = [row["ceiling_now"] for row in rows]
    lines.append(f"(ceiling: /sante at 4 clients after each page, {min(ceilings):,.0f} to {max(ceilings):,.0f} "
                 f"requests/s in this run, median {statistics.median(ceilings):,.0f}; each page's share is of "
                 f"the one measured right after it)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--only", help="measure only pages whose name contains this text")
    args = parser.parse_args(argv)
    facts = load_facts()
    os.environ["BENCH_DATABASE_URL"] = args.database_url  # for the extra measures that change data
    pages = core_pages(facts)
    extras = []
    for name, module in capability_modules():
        if name in facts:
            pages += module.pages(facts)
            extras.append(module)
    if args.only:
        pages = [pages[0]] + [p for p in pages[1:] if args.only in p.name]
    port = _free_port()
    server = start_gunicorn(args.database_url, port)
    try:
        with multiprocessing.get_context("fork").Pool(CONCURRENT_CLIENTS) as pool:
            rows = []
            for page in pages:
                row = measure(port, page, pool)
                row["ceiling_now"] = ceiling_now(port, pool)
                rows.append(row)
                print(f"  measured {page.name}", file=sys.stderr)
        table = format_table(rows)
        notes = []
        for module in extras:
            extra = getattr(module, "extra_measures", None)
            if extra is not None:
                notes += extra(facts, port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report = f"bench run {datetime.now():%Y-%m-%d %H:%M} — scale {facts.get('scale')}, gunicorn 2 sync workers\n"
    report += table + ("\n\n" + "\n".join(notes) if notes else "") + "\n"
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"run-{datetime.now():%Y%m%d-%H%M%S}.txt").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
