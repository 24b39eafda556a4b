"""What the generator and the runner share: the dataset description and the page list."""

from __future__ import annotations

import importlib
import json
import pkgutil
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DATASET_FILE = RESULTS / "dataset.json"
BENCH_PASSWORD = "bench-password-123"  # noqa: S105 - bench accounts only
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/participation_bench"


@dataclass
class GenerationContext:
    """Handed to every capability's ``generate``: the app is pushed, ``db.session`` is usable."""

    scale: float
    rng: random.Random
    user_ids: list[int] = field(default_factory=list)
    member_ids_by_conseil: dict[int, list[int]] = field(default_factory=dict)
    animator_id_by_conseil: dict[int, int] = field(default_factory=dict)
    conseil_ids: list[int] = field(default_factory=list)
    qpv_ids: list[int] = field(default_factory=list)
    project_lead_id: int = 0
    admin_id: int = 0
    # What each capability wants the runner to know (ids of typical pages...), saved to dataset.json.
    facts: dict[str, Any] = field(default_factory=dict)

    def n(self, reference: int) -> int:
        """A count of the reference scale, scaled (at least 1)."""
        return max(1, round(reference * self.scale))


@dataclass(frozen=True)
class Page:
    """One thing the runner measures. ``user`` is an e-mail to sign in as, or None for anonymous.

    For POST paths, ``body(i)`` returns the form fields of the i-th request (without the CSRF token,
    which the runner adds) and ``user_for(i)`` the e-mail to sign in with when a rule allows one
    action per person.
    """

    name: str
    path: str
    user: str | None = None
    method: str = "GET"
    body: Any = None
    user_for: Any = None
    budget_median_ms: float | None = None
    budget_p99_ms: float | None = None


def capability_modules():
    """bench/capabilities/<name>.py modules, in CAPABILITIES order then alphabetically."""
    import bench.capabilities as package
    from participation import CAPABILITIES

    names = [info.name for info in pkgutil.iter_modules(package.__path__)]
    order = {name: i for i, name in enumerate(CAPABILITIES)}
    for name in sorted(names, key=lambda n: (order.get(n, len(order)), n)):
        yield name, importlib.import_module(f"bench.capabilities.{name}")


def save_facts(facts: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    DATASET_FILE.write_text(json.dumps(facts, indent=2, default=str), encoding="utf-8")


def load_facts() -> dict[str, Any]:
    return json.loads(DATASET_FILE.read_text(encoding="utf-8"))


def computed_again(port: int, family: str, paths: list[tuple[str, str]]) -> list[str]:
    """Pages kept until what they show changes (participation/page_cache.py), measured when computed again: the
    family's version raised from here (as a change does), then the page, 7 times each."""
    import os
    import statistics

    import psycopg

    from bench.run import Client

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    client = Client(port)
    lines = []
    with psycopg.connect(url, autocommit=True) as connection:
        for label, path in paths:
            timings = []
            for _ in range(7):
                connection.execute("INSERT INTO page_version (name, version) VALUES (%s, 1) ON CONFLICT (name) "
                                   "DO UPDATE SET version = page_version.version + 1", (family,))
                status, elapsed, _headers, _body = client.request("GET", path)
                if status != 200:
                    return [f"{label}, computed again: HTTP {status}"]
                timings.append(elapsed)
            lines.append(f"{label} when computed again (after a change of what it shows; then kept until the next "
                         f"change): median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms over "
                         f"{len(timings)} requests")
    return lines
