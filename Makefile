# The documented commands: make run, make test (and lint, format, bench, serve).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machine has two cores; the suite is written to run in parallel.
PYTEST_ARGS ?= -n 2

.PHONY: run setup test check lint format bench serve scheduler browser clean lighthouse screenshots

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# DEMO=0 starts without the demo blog (manage.py remove_demo_content removes it later).
DEMO ?= 1

setup: $(STAMP)
	$(MANAGE) migrate --noinput -v0
	@if [ "$(DEMO)" != 0 ]; then $(MANAGE) load_demo_content; fi
	$(MANAGE) ensure_admin --address $(HOST):$(PORT)

run: setup
	@echo "Site: http://$(HOST):$(PORT)/   Admin: http://$(HOST):$(PORT)/admin/"
	$(MANAGE) runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests (never a downloaded browser build);
# a Korean font lets the screenshots show the original titles.
browser:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi nanum || { \
		echo "Installing Debian's chromium and fonts-nanum for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-nanum >/dev/null; }

check: $(STAMP)
	$(MANAGE) check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup browser check
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The serving benchmark loads gunicorn with wrk (Debian's package).
bench: setup
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the serving benchmark"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(PY) tests/bench/run_all.py

# The production stack on this machine (docs/deployment.md): production settings with
# DEBUG off, hashed and compressed static files, gunicorn with gunicorn.conf.py and
# the task worker. DJANGO_INSECURE_LOCAL=1 only because it is plain http here.
SERVE_ENV := DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_INSECURE_LOCAL=1 \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-only-not-a-secret-0123456789abcdefghij} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT)
serve: setup
	$(SERVE_ENV) $(MANAGE) migrate --noinput -v0  # also the shared cache's table
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput -v0
	@echo "Site: http://$(HOST):$(PORT)/ (production settings, DEBUG off)"
	@( trap 'kill $$child 2>/dev/null; exit 0' INT TERM; \
		while true; do $(SERVE_ENV) $(MANAGE) task_worker & child=$$!; wait $$child; \
		echo "task worker stopped: starting it again"; sleep 2; done ) & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# The reading pages measured in a real browser (npm lighthouse 12.2.3 on Debian's
# Chromium, mobile emulation) and pictured at 375/1280 px, light and dark:
# a throwaway site in build/showcase/ served with the production settings.
lighthouse: $(STAMP) browser
	$(PY) tests/browser/showcase.py lighthouse

screenshots: $(STAMP) browser
	$(PY) tests/browser/showcase.py screenshots

# Runs the scheduled jobs every minute in development (cron does it in production).
scheduler: setup
	@while true; do $(MANAGE) publish_scheduled; $(MANAGE) close_comments; sleep 60; done

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
