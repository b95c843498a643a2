# The two commands a newcomer needs: `make demo` and `make test`. Both create the virtual
# environment on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo

.PHONY: demo test test-fast lint types docs docs-check bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The main job on the bundled catalog and templates: pick a model, generate a project bound
# to it, and run that project's own linter and tests (its dependencies are in idp's test extras).
demo: $(BIN)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/idp catalog validate
	$(BIN)/idp models list
	$(BIN)/idp models show meta-llama/llama-3.1-8b-instruct
	$(BIN)/idp new $(DEMO_DIR)/chat-assistant --template chat-service --model meta-llama/llama-3.1-8b-instruct --defaults
	cd $(DEMO_DIR)/chat-assistant && ../../$(BIN)/ruff check . && ../../$(BIN)/python -m pytest -q
	cd $(DEMO_DIR)/chat-assistant && git init -q && git add -A \
		&& git -c user.name=idp-demo -c user.email=demo@example.invalid commit -qm 'Generate project' \
		&& ../../$(BIN)/idp check && ../../$(BIN)/idp update
	$(BIN)/idp new $(DEMO_DIR)/churn-predictions --template prediction-service --model acme/churn-classifier --defaults
	cd $(DEMO_DIR)/churn-predictions && ../../$(BIN)/ruff check . && ../../$(BIN)/python -m pytest -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(BIN)/.installed
	$(BIN)/mypy

test: lint types
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not slow"

# The CLI reference, the catalog's JSON Schema, the catalog's checked-in validators and the
# predictive templates' placeholder plan are generated; tests/test_docs.py,
# tests/catalog/test_checkers.py and tests/templates/test_placeholder_plan.py fail when they
# are stale.
docs: $(BIN)/.installed
	$(BIN)/typer idp_cli.cli.app utils docs --name idp --output docs/cli.md
	$(BIN)/idp catalog schema > docs/catalog.schema.json
	$(BIN)/python -m idp_cli.env_vars > docs/environment.md
	$(BIN)/python -m idp_cli.catalog.shape
	$(BIN)/python -m tests.templates.placeholder_plan

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
