# Kaimo mugė — `make run` serves the demo shop, `make test` runs every test. Nothing else to do by hand.
VENV      ?= .venv
PYTHON    ?= python3
BIN       := $(VENV)/bin
FLASK     := $(BIN)/flask --app app
HOST      ?= 127.0.0.1
PORT      ?= 5000
# Links in the mails `make run` sends point at the shop it serves, on whichever PORT.
SITE_URL  ?= http://$(HOST):$(PORT)
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
LOCALES   := lt en
PO_FILES  := $(foreach l,$(LOCALES),translations/$(l)/LC_MESSAGES/messages.po)
MO_FILES  := $(PO_FILES:.po=.mo)

.PHONY: run test bench load-tool install install-test translations static extract-messages lint browser nginx pdf-libraries clean

run: install translations static pdf-libraries
	$(FLASK) db upgrade
	SITE_URL=$(SITE_URL) $(FLASK) seed-demo --if-empty
	@echo "Kaimo mugė: http://$(HOST):$(PORT)/   (English: http://$(HOST):$(PORT)/?lang=en)"
	SITE_URL=$(SITE_URL) $(FLASK) run --host $(HOST) --port $(PORT)

# The suite runs twice on SQLite: today, then with the clock two years ahead (tests/clock.py), so a test
# that depends on today's date fails now rather than on the day the calendar passes it. Each run spreads
# its tests over the machine's cores (pytest-xdist; every worker has its own database, mail folder and
# media): TEST_WORKERS=0 runs them in one process, as `pytest tests/…` does for a single file or test.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal
test: install-test translations static browser nginx pdf-libraries lint
	$(PYTEST)
	$(PYTEST) --clock-ahead 730
# CI runs it a third time on PostgreSQL, then the multi-node test (tests/multinode: nginx in front of two
# gunicorn app servers, Redis, an S3 server) alone in one process: one set of servers, not one per core.
ifeq ($(CI),true)
	DATABASE_URL=$(POSTGRES_TEST_URL) $(PYTEST) --ignore=tests/multinode
	DATABASE_URL=$(POSTGRES_TEST_URL) $(BIN)/pytest tests/multinode
endif

# Timing targets (not tests): the storefront pages with 500 products, the Stripe webhook, then the shop
# under load (bench/server.py: a big seeded shop behind gunicorn, driven by wrk; bench/README.md). Each
# runs even when one before it missed a target; `make bench` fails if any did or broke.
bench: install-test translations static load-tool
	@status=0; \
	$(BIN)/python bench/storefront.py || status=1; \
	$(BIN)/python bench/webhook.py || status=1; \
	$(BIN)/python bench/server.py || status=1; \
	exit $$status

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Compiled catalogues are built here, never committed.
translations: $(MO_FILES)
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations -l $* 

# Static files under content-hashed names, cached a year (shop/static.py); made again when one changes.
# Built here, never committed (.gitignore); the old hashed copies stay for pages still cached somewhere.
STATIC_SOURCES := $(shell find static -regextype posix-extended -type f ! -name '*.gz' \
                    ! -name cache_manifest.json ! -regex '.*-[0-9a-f]{32}\.[^/]*')
static: static/cache_manifest.json
static/cache_manifest.json: $(STATIC_SOURCES) | $(VENV)/.installed
	$(FLASK) digest compile

# For developers adding text: refresh the catalogues from the code, then translate the new entries.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --width=110 -o translations/messages.pot app.py shop catalogue orders producers legal templates
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width=110

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The browser journeys drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser tests…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install Chromium; the browser tests will be skipped."; \
	  else echo "No Chromium (and no root to install it); the browser tests will be skipped."; fi; }

# The multi-node test (tests/multinode/, in the PostgreSQL pass) puts Debian's nginx in front of two app
# servers; install it when it is missing and we may. The test runs the binary with a configuration of its own.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing nginx for the multi-node test…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null) \
	      || echo "Could not install nginx; the multi-node test will be skipped."; \
	  else echo "No nginx (and no root to install it); the multi-node test will be skipped."; fi; }

# The server benchmark drives Debian's wrk; install it when it is missing and we may.
load-tool:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing wrk for the server benchmark…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	      || echo "Could not install wrk; the server benchmark cannot run."; \
	  else echo "No wrk (and no root to install it); the server benchmark cannot run."; fi; }

# Invoices are drawn by WeasyPrint, which needs Pango (and DejaVu for every Lithuanian letter); install
# Debian's when they are missing and we may.
pdf-libraries:
	@{ ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi "DejaVu Sans"; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Pango and the DejaVu fonts for the invoices' PDFs…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core >/dev/null) \
	      || echo "Could not install Pango; invoices cannot be drawn as PDF."; \
	  else echo "No Pango (and no root to install it): invoices cannot be drawn as PDF."; fi; }

clean:
	-$(FLASK) digest clean
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache $(MO_FILES)
