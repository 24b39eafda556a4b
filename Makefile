# participation — the two commands of the README are `make run` and `make test`; the rest serve them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export FLASK_APP := wsgi

.PHONY: run test install translations translations-compile lint bench-data bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

translations-compile: $(STAMP)
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v "^compiling" || true

# Re-extract every message, merge into the catalogues and fill English from the source text.
translations: $(STAMP)
	$(BIN)/python -m participation.catalogs update

# Platform with demo data on SQLite at http://127.0.0.1:5000
run: $(STAMP) translations-compile
	PARTICIPATION_ENV=development $(BIN)/flask db upgrade
	PARTICIPATION_ENV=development $(BIN)/flask demo load
	PARTICIPATION_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite; TEST_DATABASE_URL=postgresql://... runs it on PostgreSQL, BROWSER_TESTS=required
# fails instead of skipping when Chromium is missing.
test: $(STAMP) translations-compile node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

bench-data: $(STAMP) translations-compile
	$(BIN)/python -m bench.generate $(BENCH_ARGS)

bench: $(STAMP) translations-compile
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
