# Two commands on a fresh machine: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MITSPRACHE_INSTANCE ?= $(CURDIR)/instance

.PHONY: system-packages browser run test test-sqlite test-postgres bench translations clean setup extract

setup: system-packages $(STAMP) node_modules/.installed translations

# npm (and for the tests Debian's chromium), installed with apt-get when missing.
system-packages:
	@.ci/system-packages

browser:
	@.ci/system-packages --browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,server]'
	touch $(STAMP)

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

# Compiled catalogs (.mo) are build output, not committed.
translations: $(STAMP)
	@for dir in core/translations plugins/*/translations; do \
	  if [ -d $$dir ]; then $(BIN)/pybabel compile -d $$dir -f >/dev/null || exit 1; fi; \
	done

# The demo is a development site (no base_url or Redis needed), also for an older instance folder.
run: export MITSPRACHE_ENVIRONMENT ?= development
run: setup
	@[ -f $(MITSPRACHE_INSTANCE)/config.toml ] || $(BIN)/mitsprache init --demo
	@$(BIN)/mitsprache db upgrade >/dev/null
	@# The worker (notification e-mails, digests, reminders) runs beside the server and stops with it.
	@$(BIN)/mitsprache worker & worker=$$!; \
	  trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/mitsprache serve --host 127.0.0.1 --port 5000

test: setup browser
	@.ci/redis-up
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Run the suite against PostgreSQL (needs a server; .ci/run checks for one).
test-postgres: setup browser
	@.ci/redis-up
	MITSPRACHE_TEST_DATABASE_URL=$${MITSPRACHE_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk (Debian's package) drives the matchmaking catalogue; installed with apt-get when missing.
bench: setup
	@command -v wrk >/dev/null || .ci/system-packages wrk
	$(BIN)/python bench/commenting.py
	$(BIN)/python bench/export_memory.py
	$(BIN)/python bench/storm.py
	$(BIN)/python bench/matchmaking.py
	$(BIN)/python bench/notifications.py

# Update the message catalogs (the core's and every plugin's) after changing translatable strings.
extract: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -o core/translations/messages.pot core themes
	$(BIN)/pybabel -q update --ignore-obsolete -i core/translations/messages.pot -d core/translations
	@for dir in plugins/*/translations; do plugin=$${dir%/translations}; \
	  $(BIN)/pybabel -q extract -F babel.cfg -k _l -o $$dir/messages.pot $$plugin && \
	  $(BIN)/pybabel -q update --ignore-obsolete -i $$dir/messages.pot -d $$dir || exit 1; \
	done

clean:
	rm -rf $(VENV) node_modules .pytest_cache
