"""The entry point of gunicorn builds the application, then freezes what it built for the collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_application_built_at_start_up_is_left_out_of_garbage_collections(tmp_path):
    # A full collection walked the ~200,000 objects built at start-up (some 75 ms per pause on a worker);
    # frozen, they are left out, and what requests create is all it walks.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.sqlite'}", "PARTICIPATION_ENV": "production",
           "SECRET_KEY": "a-test-secret-key-long-enough", "LOG_LEVEL": "WARNING"}
    script = "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()), wsgi.app.name)"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    frozen, tracked, name = result.stdout.split()
    assert name == "participation"
    assert int(frozen) > 50_000 and int(tracked) < int(frozen) // 10
