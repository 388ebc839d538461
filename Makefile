# Coopnet developer commands. Start with:  make serve   (dev server)   make test   (everything CI runs)
# Extra pytest arguments:  make test-sqlite PYTEST_ARGS='-x -k "budget and not slow"'

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY := .venv/bin/python
# Extra arguments for every pytest step; scripts/pytest.sh keeps exit code 5 (no tests) a failure.
PYTEST_ARGS ?=

# $(call header,TEXT): a banner so each step is easy to find in a long CI log.
header = @printf '\n======== %s ========\n' '$(1)'

.PHONY: help venv serve test lint test-sqlite test-postgres test-browser clean distclean

help:
	@echo "make serve          dev server on http://127.0.0.1:8000 (+ task worker and scheduler)"
	@echo "make test           lint, then pytest on SQLite, PostgreSQL and in Chromium"
	@echo "make lint           ruff check, ruff format --check, missing migrations"
	@echo "make test-sqlite | test-postgres | test-browser    one test step (PYTEST_ARGS=...)"
	@echo "make venv           create .venv and install requirements.txt"
	@echo "make clean          remove caches and collected static files (keeps .venv and var/)"
	@echo "make distclean      clean, and also remove .venv and var/ (the dev database)"

venv:
	@scripts/ensure-venv.sh

serve: venv
	DEBUG="$${DEBUG:-true}" scripts/serve.sh

# Steps run one after another (never in parallel, even under -j); the first failure stops.
test:
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-browser
	$(call header,all test steps passed)

lint: venv
	$(call header,lint: ruff check / ruff format --check / makemigrations --check)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	mkdir -p var
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run

# DATABASE_URL is removed so this step really runs on SQLite whatever the caller's env.
test-sqlite: venv
	$(call header,tests on SQLite (not postgres_only, not browser))
	env -u DATABASE_URL scripts/pytest.sh -m 'not postgres_only and not browser' $(PYTEST_ARGS)

test-postgres: venv
	$(call header,tests on PostgreSQL (not browser))
	scripts/with-postgres.sh scripts/pytest.sh -m 'not browser' $(PYTEST_ARGS)

# Playwright's sync API runs an event loop in the test thread; the ORM needs this to allow it.
test-browser: venv
	$(call header,browser tests in Chromium)
	scripts/ensure-chromium.sh
	scripts/ensure-axe.sh
	DJANGO_ALLOW_ASYNC_UNSAFE=true scripts/pytest.sh -m browser $(PYTEST_ARGS)

clean:
	rm -rf staticfiles .ruff_cache .pytest_cache test-results
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf .venv var
