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

MO := locale/ar/LC_MESSAGES/django.mo
PO := locale/ar/LC_MESSAGES/django.po

.PHONY: run test test-fast lint format migrations-check messages translations setup setup-dev \
	system-deps demo collectstatic clean help

help:
	@echo "make run        set up everything and serve http://127.0.0.1:8000"
	@echo "make test       set up and run lint, migration check and the whole test suite"
	@echo "make test-fast  the suite without the browser tests"
	@echo "make lint       ruff check and format check"
	@echo "make messages   update locale/ar/LC_MESSAGES/django.po from the code"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changes (the stamp files record the last install).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed translations
setup-dev: $(VENV)/.installed-dev translations system-deps

# gettext compiles translations; Debian's chromium runs the browser tests. Installed with
# apt when missing (as root, or through sudo when it is there).
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

translations: $(MO)
$(MO): $(PO)
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory system-deps
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

test: setup-dev lint migrations-check
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup-dev
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

messages: $(VENV)/.installed-dev
	$(MANAGE) makemessages -l ar --no-obsolete --ignore=.venv --ignore=tests --ignore=staticfiles
	@echo "Now translate the new entries in $(PO) (no empty or fuzzy entry may remain)."

collectstatic: setup
	$(MANAGE) collectstatic --no-input

clean:
	rm -rf $(VENV) staticfiles tests/screenshots $(MO)
