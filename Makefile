# duban: `make run` starts everything with embedded defaults; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000

.PHONY: install run test screenshots lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The demo runs with DEBUG on (and so the development secret key); production leaves DUBAN_DEBUG unset.
run: export DUBAN_DEBUG ?= 1
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

# The browser tests' pictures of each step, into docs/screenshots (make test keeps them under var/).
screenshots: install
	DUBAN_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/browser -q

# Issue 6's benchmarks: PostgreSQL and Redis (the services .ci/run starts), then SQLite for a district.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
BENCH_PG := DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL)

bench: install
	$(BENCH_PG) $(PY) -m benchmarks.inbox 100000 10000 2000
	$(BENCH_PG) $(PY) -m benchmarks.completion_vs_fanout 10 1000 10000
	$(BENCH_PG) $(PY) -m benchmarks.timer_sweep 100000 1000 3
	$(BENCH_PG) $(PY) -m benchmarks.quarter_opening 10000 2
	$(BENCH_PG) $(PY) -m benchmarks.http_load
	$(BENCH_PG) $(PY) -m benchmarks.summary_exports 10000
	$(BENCH_PG) $(PY) -m benchmarks.http_single
	$(BENCH_PG) $(PY) -m benchmarks.inbox_held
	$(BENCH_PG) $(PY) -m benchmarks.board
	DATABASE_URL= $(PY) -m benchmarks.inbox 10000 1000 100
	DATABASE_URL= $(PY) -m benchmarks.completion_vs_fanout 10 100
	$(PY) -m benchmarks.script_sandbox 2000

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
