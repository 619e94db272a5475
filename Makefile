# Two entry points: `make synth` (the main job) and `make test` (every check).
# Each sets itself up: a pinned virtualenv and the pinned CDK CLI and Node.js.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# Node 22 from the `node` npm package goes first, so jsii and the CDK CLI never meet the
# machine's end-of-life Node 20.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# No phoning home from the CDK CLI (notices and telemetry are also off in cdk.json).
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true
# mkdocs-material's banner about its successor, printed on every build.
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup synth test test-fast lint docs unit functional infra e2e demo bench dist clean

# The TypeScript example's own pinned aws-cdk-lib and tsc (examples/typescript/package-lock.json).
TS_EXAMPLE := examples/typescript

setup: $(VENV)/.installed node_modules/.installed $(TS_EXAMPLE)/node_modules/.installed

$(VENV)/.installed: pyproject.toml fakes/pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]' -e ./fakes
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# After the root install: npm runs with the pinned Node 22 first on PATH.
$(TS_EXAMPLE)/node_modules/.installed: $(TS_EXAMPLE)/package.json $(TS_EXAMPLE)/package-lock.json node_modules/.installed
	npm ci --no-audit --no-fund --prefix $(TS_EXAMPLE)
	touch $@

synth: setup
	rm -rf cdk.out
	cdk synth --quiet --output cdk.out
	@echo "cloud assembly written to cdk.out/"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: setup lint docs
	$(PY) -m pytest -n 2 --dist loadgroup \
		--cov --cov-report=term-missing:skip-covered

# The documentation site in site/: strict, so a broken link, a missing include or an unknown
# constant fails the build (docs/hooks.py puts the code's constants into the pages).
docs: $(VENV)/.installed
	$(VENV)/bin/mkdocs build --strict --quiet --site-dir site

# Everything but the tests marked slow (jsii, the CDK CLI, building the wheel).
test-fast: $(VENV)/.installed
	$(PY) -m pytest -n 2 --dist loadgroup -m "not slow"

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit

functional: $(VENV)/.installed
	$(PY) -m pytest tests/functional

infra: setup
	$(PY) -m pytest tests/infra

e2e: setup
	$(PY) -m pytest tests/e2e

demo: setup
	$(PY) -m phone_number_settings_fakes.demo

bench: setup
	$(PY) -m bench.load

# The wheel and the sdist in dist/, checked by twine (metadata, README rendering). Built
# without isolation: the venv has the pinned setuptools, so nothing is downloaded. Then the
# shared provider for template users: dist/provider/, a template and its code zip for
# `aws cloudformation package` or `sam deploy`, from the synthesised provider stack.
dist: setup
	rm -rf dist build
	$(PY) -m build --no-isolation --outdir dist .
	$(VENV)/bin/twine check --strict dist/*.whl dist/*.tar.gz
	rm -rf cdk.out
	cdk synth --quiet --output cdk.out PhoneNumberSettingsProvider
	$(PY) -m phone_number_settings_cdk.provider_package cdk.out dist/provider
	@ls dist dist/provider

clean:
	rm -rf $(VENV) node_modules $(TS_EXAMPLE)/node_modules $(TS_EXAMPLE)/cdk.out cdk.out \
		.mypy_cache .pytest_cache .ruff_cache dist build site
