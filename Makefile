# Bastama: `make run` serves the demo on http://127.0.0.1:8000 (SQLite); `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast install chromium fonts messages lint bench clean

$(VENV)/installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

install: $(VENV)/installed

messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0

run: install messages fonts
	DEBUG=1 $(PY) manage.py migrate --noinput -v 0
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Debian's chromium for the browser tests; never a browser downloaded by a test tool.
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Debian's DejaVu fonts: the results protocol PDF embeds DejaVu Sans, which has the Kazakh letters.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || (apt-get update -qq && apt-get install -y -qq fonts-dejavu-core >/dev/null)

test: install messages chromium fonts
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check $$(git ls-files '*.py' ':!:*/migrations/*')
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) bench/bench_count.py

clean:
	rm -rf $(VENV) staticfiles test-artifacts
