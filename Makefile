# duban: `make run` starts everything with embedded defaults; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

.PHONY: install run test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null 2>&1 || true
	$(PY) manage.py migrate --noinput
	$(PY) manage.py deploy_bpmn bpmn/
	$(PY) manage.py load_demo
	$(PY) manage.py sweep_timers
	@echo "duban is starting at http://$(ADDR)/  (admin: http://$(ADDR)/admin/)"
	$(PY) manage.py runall $(ADDR)

test: install
	$(PY) -m pytest

bench: install
	$(PY) -m benchmarks.completion_vs_fanout
	$(PY) -m benchmarks.inbox

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
