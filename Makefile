# The two commands in README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev lint bench clean e2e-deps system-deps crisis-eval translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.dev-installed

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	chmod 600 $@

# Installs, migrates the embedded SQLite database, seeds what is missing, and serves.
# The local server speaks plain HTTP, so cookies can't be marked Secure here.
run: install instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) seed
	SESSION_COOKIE_SECURE=0 $(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check forum tests bench wsgi.py
	$(BIN)/ruff format --check forum tests bench wsgi.py
	$(BIN)/bandit -q -c pyproject.toml -r forum
	$(BIN)/lint-imports

# The whole suite twice: on SQLite (with the browser tests and a throwaway Redis), then again on a
# throwaway PostgreSQL cluster. Debian's servers and Chromium are installed first when running as root.
test: system-deps install-dev e2e-deps
	$(MAKE) --no-print-directory lint
	.ci/services.sh redis -- $(BIN)/python -m pytest
	.ci/services.sh both -- $(BIN)/python -m pytest --ignore=tests/e2e -p no:cacheprovider

system-deps:
	@.ci/system-deps.sh

# The browser suite needs Debian's Chromium (installed as root when missing) and axe-core from npm.
e2e-deps: system-deps
	@if [ ! -d tests/e2e/node_modules/axe-core ]; then \
	  npm ci --prefix tests/e2e --no-audit --no-fund || npm install --prefix tests/e2e --no-audit --no-fund; \
	fi

# Seeds temporary SQLite databases (100k and 1M posts; BENCH_SIZES changes them), loads the forum and a bare
# Flask ceiling with wrk (Debian's, installed as root when missing), the reply again on a throwaway PostgreSQL,
# and prints one table with cold start, worker memory and the crisis flagger's times, then query plans.
bench: install-dev
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; \
	  else echo "bench: wrk is missing; as root: apt-get install wrk"; exit 1; fi; \
	fi
	$(BIN)/python bench/run.py

# The crisis flagger on every labelled set, per language, and each post whose level moved from
# tests/crisis/baseline.tsv (`.venv/bin/python bench/crisis_rounds.py --write-baseline` records it), then the
# leave-one-writer-out figures (bench/crisis_lowo.py), which run even when levels moved.
crisis-eval: install-dev
	$(BIN)/python bench/crisis_rounds.py; status=$$?; $(BIN)/python bench/crisis_lowo.py && exit $$status

clean:
	rm -rf $(VENV) .pytest_cache

# The forum's own words: extract them from code and templates, merge into the Spanish catalogue
# (forum/translations/es/LC_MESSAGES/messages.po, written by hand), and compile it. The compiled
# .mo is committed so `make run` needs no build step; a test checks it matches the .po.
translations: install-dev
	PYTHONPATH=. $(BIN)/pybabel extract -F forum/translations/babel.cfg -k _l -k lazy_gettext -k translatable --ignore-dirs ".* node_modules" --no-location --sort-output \
	  --omit-header --project "Dual Recovery Forum" -o forum/translations/messages.pot .
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations -l es --no-fuzzy-matching \
	  --width 100 --ignore-obsolete
	$(BIN)/pybabel compile -d forum/translations -l es --statistics
