"""Performance measurement: a dataset generator and a load runner against gunicorn (see BENCH.md)."""
