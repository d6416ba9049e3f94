# SMTP Probe — build, run and test. The README's two commands are
# `make run` and `make test`; both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

WAILS_VERSION := v2.11.0
TOOLS_BIN     := $(CURDIR)/.tools/bin
WAILS         := $(TOOLS_BIN)/wails
# Debian 12 and Ubuntu 22.04+ ship WebKitGTK 4.1 only.
LINUX_TAGS    := webkit2_41
# -m: never let wails run `go mod tidy` (it rewrites go.mod behind our back).
WAILS_FLAGS   := -m -skipbindings
export PATH   := $(TOOLS_BIN):$(PATH)

.PHONY: help setup run build build-windows test e2e bench bindings check-bindings clean

help:
	@echo "make run            install what is missing, build and start the desktop app"
	@echo "make test           install what is missing and run every test (what CI runs)"
	@echo "make build          build the Linux app (build/bin/smtpprobe)"
	@echo "make build-windows  cross-build smtpprobe.exe and its NSIS installer"
	@echo "make e2e            browser end-to-end tests against 'wails dev'"
	@echo "make bench          benchmarks"
	@echo "make bindings       regenerate frontend/wailsjs after changing bound methods"

setup:
	@WAILS="$(WAILS)" WAILS_VERSION="$(WAILS_VERSION)" TOOLS_BIN="$(TOOLS_BIN)" bash scripts/setup.sh

run: setup
	@WAILS="$(WAILS)" LINUX_TAGS="$(LINUX_TAGS)" WAILS_FLAGS="$(WAILS_FLAGS)" bash scripts/run.sh

build: setup
	$(WAILS) build $(WAILS_FLAGS) -tags $(LINUX_TAGS)

build-windows: setup
	$(WAILS) build $(WAILS_FLAGS) -platform windows/amd64 -nsis

bindings: setup
	$(WAILS) generate module

# The generated bindings are committed (so tsc works in a clean clone); this
# fails when they are stale.
check-bindings: setup
	@$(WAILS) generate module >/dev/null 2>&1
	@git -c core.fileMode=false diff --exit-code -- frontend/wailsjs || { echo "frontend/wailsjs is stale: run 'make bindings' and commit"; exit 1; }

test: setup
	@WAILS="$(WAILS)" LINUX_TAGS="$(LINUX_TAGS)" WAILS_FLAGS="$(WAILS_FLAGS)" bash scripts/test-all.sh

e2e: setup
	@WAILS="$(WAILS)" LINUX_TAGS="$(LINUX_TAGS)" bash frontend/e2e/run.sh

bench: setup
	@bash scripts/bench.sh

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html frontend/e2e/artifacts
