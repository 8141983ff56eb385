# Tawasul: `make run` serves the site, `make test` proves it works. Both set up whatever is
# missing first (virtualenv, packages, translations) and are fast the second time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# Development defaults; production sets its own environment (see README.md).
export DJANGO_DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

PO := locale/ar/LC_MESSAGES/django.po
# Every catalogue: ours, and locale/django/ (Django's own strings its Arabic lacks).
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po locale/django/*/LC_MESSAGES/*.po)
MO := $(CATALOGUES:.po=.mo)

.PHONY: run test test-fast lint format migrations-check messages translations setup setup-dev \
	system-deps gettext-tools chromium libfribidi0 demo collectstatic clean help bench bench-quick bench-attack bench-crisis wrk lock \
	pre-commit resilience postgresql-15 redis-server validate-html java npm html-validator

help:
	@echo "make run        set up everything and serve http://127.0.0.1:8000"
	@echo "make test       set up and run lint, migration check and the whole test suite"
	@echo "make test-fast  the suite without the browser tests"
	@echo "make lint       ruff check and format check"
	@echo "make messages   update locale/ar/LC_MESSAGES/django.po from the code"
	@echo "make lock       re-pin requirements*.lock after a change to pyproject.toml (LOCK_ARGS=--upgrade: newest)"
	@echo "make pre-commit install the git hook that runs ruff before each commit"
	@echo "make bench      1,000,000 submissions, gunicorn + wrk, writes docs/benchmarks.md (ARGS=--quick: small)"
	@echo "make bench-attack  the upload exhaustion attack on gunicorn (port 8015), section of docs/benchmarks.md"
	@echo "make bench-crisis  10,000 alert subscribers mailed while the pages are measured (port 8006)"
	@echo "make resilience the fault suite, writes docs/resilience.md (ARGS=--quick: the CI subset)"
	@echo "make validate-html  every public and staff page through the Nu Html Checker (W3C), offline"

# A stamp, not .venv/bin/python: a failed `venv` (no python3-venv) may leave that behind.
$(VENV)/.created:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV): install Python's venv module (Debian/Ubuntu: apt install python3-venv)."; \
		exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

# Packages come from the lock files, exact versions with hashes (every machine gets the
# same ones); the project itself is then installed without touching them. Re-installed
# only when a lock or pyproject.toml changes (the stamp files record the last install).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

$(VENV)/.installed: $(LOCK) pyproject.toml | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Refresh the locks after changing pyproject.toml's dependencies; `make lock
# LOCK_ARGS=--upgrade` also takes the newest releases the ranges allow. The resolver reads
# the package index alone (no machine-local pip configuration), so the hashes are the
# index's and hold on any machine. The development lock is held to the runtime one.
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(LOCK_ARGS)

lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --output-file=$(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra=dev --constraint=$(LOCK) --output-file=$(DEV_LOCK) pyproject.toml
	@echo "Locks written; commit $(LOCK) and $(DEV_LOCK) with pyproject.toml."

setup: $(VENV)/.installed translations libfribidi0
setup-dev: $(VENV)/.installed-dev translations chromium libfribidi0

# System packages, installed with apt when missing: as root, through sudo when there is
# one, otherwise the command is printed for someone who can run it.
# $(call ensure,COMMAND-OR-PATH,DEBIAN-PACKAGE)
# A path that exists counts as installed (a library is a file, not a command).
define ensure
	@if ! command -v $(1) >/dev/null 2>&1 && [ ! -e "$(1)" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; \
		elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
		else echo "Missing $(2): ask someone with root to run 'apt-get install $(2)', then try again."; exit 1; fi; \
		echo "Installing $(2) with apt-get"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(2) >/dev/null; \
	fi
endef

gettext-tools:  # msgfmt compiles the translations
	$(call ensure,msgfmt,gettext)
chromium:  # the browser tests drive Debian's chromium, never a downloaded browser
	$(call ensure,/usr/bin/chromium,chromium)
# Pillow's raqm layout (shaped, joined Arabic in the clarifications' share images) loads
# FriBiDi at run time; the test of news/share_images.py fails without it.
libfribidi0:
	$(call ensure,/usr/lib/$(shell uname -m)-linux-gnu/libfribidi.so.0,libfribidi0)
wrk:  # the load tool of `make bench`
	$(call ensure,wrk,wrk)
postgresql-15:  # `make resilience` runs a private PostgreSQL 15 cluster of its own
	$(call ensure,/usr/lib/postgresql/15/bin/initdb,postgresql-15)
redis-server:  # ... and a private Redis
	$(call ensure,redis-server,redis-server)
java:  # the Nu Html Checker (vnu.jar) runs on Java
	$(call ensure,java,default-jre-headless)
npm:  # ... and comes from the npm registry as the package vnu-jar
	$(call ensure,npm,npm)
system-deps: gettext-tools chromium libfribidi0

translations: $(MO)
$(MO): %.mo: %.po | gettext-tools
	msgfmt --check -o $@ $<

run: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

demo: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-dev
	$(MANAGE) makemigrations --check --dry-run

test: setup-dev html-validator lint migrations-check
	TAWASUL_REQUIRE_VNU=1 $(BIN)/pytest $(PYTEST_ARGS)
	@echo "All of lint, migrations and the test suite passed."

test-fast: setup-dev
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

# The git hook of .pre-commit-config.yaml: ruff from this venv (a `repo: local` hook, so
# nothing is fetched from a git host), on the files of each commit.
pre-commit: $(VENV)/.installed-dev
	$(BIN)/pre-commit install

# W3C validity (issue 18): the Nu Html Checker, pinned with its hash in
# tools/vnu/package-lock.json, reads every public and staff page in both languages
# (tests/portal/test_html_validity.py); no network once installed. `make test` runs it too.
VNU_JAR := tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
html-validator: $(VNU_JAR) | java
$(VNU_JAR): tools/vnu/package.json tools/vnu/package-lock.json | npm
	cd tools/vnu && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

validate-html: setup-dev html-validator
	TAWASUL_REQUIRE_VNU=1 $(BIN)/pytest tests/portal/test_html_validity.py -q $(PYTEST_ARGS)

messages: $(VENV)/.installed-dev
	$(MANAGE) makemessages -l ar --no-obsolete --no-location --ignore=.venv --ignore=tests --ignore=staticfiles
	@echo "Now translate the new entries in $(PO) (no empty or fuzzy entry may remain)."

collectstatic: setup
	$(MANAGE) collectstatic --no-input

clean:
	rm -rf $(VENV) staticfiles tests/screenshots $(MO) *.egg-info

# The benchmark (not part of `make test`): see docs/benchmarks.md. Runs on DATABASE_URL
# (PostgreSQL for the real figures); ARGS=--quick runs a small dataset for a few seconds.
bench: setup wrk
	.ci/bench $(ARGS)

bench-quick: setup wrk
	.ci/bench --quick $(ARGS)

# Four anonymous clients send huge-dimension images while /healthz and worker memory are
# measured (issue 10): pass rules in docs/benchmarks.md. ARGS="--duration 30 --port 8015".
bench-attack: setup
	.ci/bench-attack $(ARGS)

# 10,000 alert subscribers mailed by the task worker while the public pages, with the
# crisis banner, are measured (issue 15): docs/benchmarks.md. ARGS="--quick", "--port 8006".
bench-crisis: setup wrk
	.ci/bench-crisis $(ARGS)

# The fault suite (not part of `make test`): see docs/resilience.md. Runs as root (it
# mounts a small tmpfs and runs PostgreSQL as the postgres user); it starts private
# services on ports 5442, 6390, 8026 and 8025 and stops them at the end.
resilience: $(VENV)/.installed-dev translations postgresql-15 redis-server
	$(PY) -m bench.resilience $(ARGS)
