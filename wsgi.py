"""Entry point for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``."""

import gc

from participation import create_app

app = create_app()

# What the application built at start-up (models, mappers, routes, catalogues: some 200,000 objects) lives as
# long as the process. Frozen, the collector no longer walks it at each full collection: such a collection took
# about 75 ms, a pause that lands on whichever request is running and makes the slowest ones.
gc.freeze()
