# Makefile: a thin wrapper over CMake.  `make test` and `make bench` are the
# two commands of the README's quick start.

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps build build-asan test test-long unit conformance bench bench-quick bench-publish clean install memcheck

all: build

deps:
	@./scripts/deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)

# Every test, under AddressSanitizer and UndefinedBehaviorSanitizer, then
# the bench's smoke run (make bench-quick) on the release build.
test: build-asan build
	./scripts/run-tests $(BUILD_ASAN) $(BUILD)

unit: build-asan
	$(BUILD_ASAN)/tests/tern_unit

conformance: build-asan
	./conformance/table.sh $(BUILD_ASAN)/conformance

# The main job: the A/B comparison.
bench: build
	./scripts/bench $(BUILD)

# Copies the last full `make bench` run's results (BUILD/bench/results) into
# bench/results/, the figures the README shows: a deliberate step, so that
# running the bench never changes the work tree.
bench-publish:
	@test -f $(BUILD)/bench/results/latest.json || { echo "bench-publish: no $(BUILD)/bench/results/latest.json (run make bench first)" >&2; exit 1; }
	@jq -e '.config.quick == false and .config.partial == false' $(BUILD)/bench/results/latest.json >/dev/null || { echo "bench-publish: that run was not a full run" >&2; exit 1; }
	cp $(BUILD)/bench/results/latest.json bench/results/latest.json
	@if [ -f $(BUILD)/bench/results/latest.png ]; then cp $(BUILD)/bench/results/latest.png bench/results/latest.png; fi
	@echo "bench-publish: bench/results/ updated from $$(jq -r '.date + " commit " + .commit' $(BUILD)/bench/results/latest.json)"

# The smoke run of the same comparison: every section small (3 s throughput
# cells, the one loss cell and UDP direction of the summary lines); part of
# `make test`, it fails if any stack moves no data.
bench-quick: build
	./scripts/bench $(BUILD) --quick

# Long soaks: 100 MB TCP transfers under loss (opt-in).
test-long: build-asan
	TERN_TCP_BIG=1 $(BUILD_ASAN)/tests/tern_unit

# valgrind's memcheck over the unit tests and the tern conformance scenarios,
# on a build without sanitizers.  The churn test runs 20000 connections
# instead of 1 000 000 under valgrind (MEMCHECK_CHURN); the flood runs whole.
# A scenario's child exits with its stack alive, and pbufs are pointed to
# 16 bytes into their malloc blocks, so only definite leaks count there.
BUILD_MEMCHECK ?= build-memcheck
MEMCHECK_CHURN ?= 20000
VALGRIND ?= valgrind --tool=memcheck --error-exitcode=1 --leak-check=full --num-callers=30 \
	--suppressions=tests/hostile/memcheck.supp
memcheck: deps
	cmake -S . -B $(BUILD_MEMCHECK) -DCMAKE_BUILD_TYPE=Debug -DTERN_SANITIZE=OFF >/dev/null
	cmake --build $(BUILD_MEMCHECK) -j $(JOBS)
	@echo "memcheck: tern_unit under valgrind, churn cut to TERN_CHURN=$(MEMCHECK_CHURN) connections"
	TERN_CHURN=$(MEMCHECK_CHURN) $(VALGRIND) $(BUILD_MEMCHECK)/tests/tern_unit
	@echo "memcheck: conformance-tern under valgrind (every scenario in its own forked child)"
	rm -rf $(BUILD_MEMCHECK)/memcheck-conformance
	$(VALGRIND) --errors-for-leak-kinds=definite $(BUILD_MEMCHECK)/conformance/conformance-tern \
		--jobs $(JOBS) --timeout 300 \
		--trace $(BUILD_MEMCHECK)/memcheck-conformance
	@if grep -q '	FAIL	' $(BUILD_MEMCHECK)/memcheck-conformance/results.tsv; then \
		grep '	FAIL	' $(BUILD_MEMCHECK)/memcheck-conformance/results.tsv; exit 1; fi
	@echo "memcheck: clean"

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
