# The README's two commands are `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export XIAOWEI_DATA_DIR ?= var
# Tests run in parallel (pytest-xdist), one process per core by default; a file's tests stay
# together on one worker (their module fixtures are built once). TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

.PHONY: setup run test test-fast lint bench docs fragments diagrams flowcharts flow-coverage

setup:
	sh scripts/bootstrap.sh

run: setup                 ## demo county/township/village + power list, then serve with the timer worker
	$(BIN)/xiaowei demo
	$(BIN)/xiaowei serve --with-worker --host $(HOST) --port $(PORT)

# With this, setup (scripts/bootstrap.sh) also installs Debian's chromium, for tests/browser.
test: export XIAOWEI_WITH_BROWSER = 1
test: setup                ## lint, then the whole suite (PostgreSQL tests run when XIAOWEI_TEST_DATABASE_URL is set)
	$(BIN)/ruff check .
	$(PYTEST)

test-fast: setup           ## unit tests only
	$(PYTEST) tests/unit

lint: setup                ## ruff (pyflakes, pycodestyle, bugbear; settings in pyproject.toml)
	$(BIN)/ruff check .

bench: setup               ## performance benchmarks (scripts, not timed tests)
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_render.py
	$(BIN)/python bench/bench_loops.py
	$(BIN)/python bench/bench_portal.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_service.py
	$(BIN)/python bench/bench_http.py

flow-coverage: setup      ## which test took which flow of which item -> test-artifacts/flow-coverage.md
	$(PYTEST) tests/unit/test_item*.py; status=$$?; \
	echo "report: test-artifacts/flow-coverage.md"; exit $$status

docs: setup                ## regenerate docs/power-list.md from the definitions
	$(BIN)/xiaowei processes doc -o docs/power-list.md

# Every marked fragment (<!-- fragment:publicity ... -->, <!-- fragment:field ... -->) rewritten from its
# template or shared definition (bpmn_fragments/);
# the files that change are laid out again. Edit the template, run this; never edit the copies.
fragments: setup           ## (re)generate the shared fragments of the shipped items from their templates
	$(BIN)/xiaowei processes fragments $$(find processes -name '*.bpmn' | sort)

# The shipped items (processes/): bench/items and tests/fixtures are test inputs, left without a diagram.
diagrams: setup            ## (re)write the BPMNDI of the shipped items, so bpmn.io / Camunda Modeler open them laid out
	$(BIN)/xiaowei processes layout $$(find processes -name '*.bpmn' | sort)

flowcharts: setup          ## regenerate docs/flowcharts/ (the PNGs shown in the README)
	$(BIN)/xiaowei render major_decision -o docs/flowcharts/major_decision.png
	$(BIN)/xiaowei render village_project -o docs/flowcharts/village_project.png
