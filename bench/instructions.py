"""Instructions per request, counted by callgrind: a measure the host's speed does not change (BENCH.md).

    .venv/bin/python -m bench.instructions /propositions "/propositions?sort=recent"
    .venv/bin/python -m bench.instructions /propositions/246 --user user20@bench.example

The machines are shared and their speed drifts two- to three-fold within minutes, which hides a change of a
few tenths of a millisecond in the load run. Valgrind's callgrind counts the instructions the application's
process runs instead (not PostgreSQL's): the same count, within half a percent, whatever else the machine does.
Each path is served by the application in one process through Flask's test client, as gunicorn's workers run it
(production settings), after a warm-up; the process is run twice under callgrind, with 10 and with 40 requests
after the warm-up, and the difference divided by 30 is the count per request (start-up cancels out). Compare two
versions of the code by running this in each checkout against the same database. Each path takes about two
minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import BENCH_PASSWORD, DEFAULT_DATABASE_URL

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 10
FEWER, MORE = 10, 40
COLLECTED = re.compile(r"Collected : (\d+)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def serve(path: str, count: int, user: str | None) -> None:
    """Run in the process callgrind counts: the application, a sign-in if asked, the warm-up, then ``count``
    requests of ``path``."""
    from participation import create_app

    app = create_app()
    client = app.test_client()
    if user:
        page = client.get("/connexion").get_data(as_text=True)
        match = CSRF.search(page)
        response = client.post("/connexion", data={
            "csrf_token": match.group(1) if match else "", "email": user, "password": BENCH_PASSWORD,
        }, headers={"Referer": "https://localhost/connexion"})  # production settings check the referrer
        if response.status_code != 302:
            raise SystemExit(f"could not sign in as {user} (HTTP {response.status_code})")
    for _ in range(WARM_UP):
        status = client.get(path).status_code
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    for _ in range(count):
        client.get(path)


def count_instructions(path: str, user: str | None, database_url: str) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
           "RATELIMIT_ENABLED": "0", "SESSION_COOKIE_SECURE": "0", "PARTICIPATION_ENV": "production",
           "PYTHONHASHSEED": "0"}
    totals = []
    with tempfile.TemporaryDirectory() as folder:
        for count in (FEWER, MORE):
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder}/callgrind.{count}",
                       sys.executable, "-m", "bench.instructions", "--serve", path, str(count)]
            if user:
                command += ["--user", user]
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            found = COLLECTED.search(done.stderr)
            if done.returncode != 0 or found is None:
                raise SystemExit(f"{path}: callgrind failed\n{done.stderr[-2000:]}")
            totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) // (MORE - FEWER)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="paths to GET, such as /propositions")
    parser.add_argument("--user", help="the e-mail of a bench account to sign in as first")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the process callgrind counts
    args = parser.parse_args(argv)
    if args.serve:
        path, count = args.paths[0], int(args.paths[1])
        serve(path, count, args.user)
        return 0
    for path in args.paths:
        instructions = count_instructions(path, args.user, args.database_url)
        print(f"{path} ({'signed in as ' + args.user if args.user else 'visitor'}): "
              f"{instructions / 1e6:.2f} million instructions per request", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
