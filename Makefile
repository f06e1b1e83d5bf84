# City Diplomacy Atlas. `make serve` to browse, `make test` to test; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
# The browser tests' Chromium; `make test CHROMIUM=` uses Playwright's own download instead (README).
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
export NO_MKDOCS_2_WARNING := 1
# Installs a Debian package, as root or through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT = $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq
# Builds of the same data are byte-identical: pin the date MkDocs writes into sitemap.xml.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: setup serve build check fmt schema test browser bench clean

setup: $(READY)

$(READY): pyproject.toml constraints.txt package.json package-lock.json
	@command -v npm >/dev/null || { $(APT) npm; }  # the basemap package comes from npm (README)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	# The CFF 1.2.0 schema that tests/test_open_data.py checks CITATION.cff against: cffconvert's
	# own copy (its wheel, not installed: it needs jsonschema<4, which frictionless cannot share).
	$(BIN)/python -m pip download --quiet --no-deps -c constraints.txt -d $(VENV)/wheels cffconvert
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

# site_url set to the local address, so the site is served at / (not under the public path).
serve: setup
	ATLAS_SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(BIN)/mkdocs build --strict

check: setup
	$(BIN)/atlas check data

fmt: setup
	$(BIN)/atlas fmt data

schema: setup
	$(BIN)/atlas schema schemas

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser:
	@test -z "$(CHROMIUM)" || test -x $(CHROMIUM) || { $(APT) chromium; }

test: setup browser
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/hostile.py
	test -x node_modules/.bin/lighthouse || npm ci --include=dev --no-audit --no-fund --loglevel=error  # lighthouse: bench only
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf site bench/out .pytest_cache
