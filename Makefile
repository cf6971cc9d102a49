# Makefile: a thin wrapper over CMake.  `make test` and `make bench` are the
# two commands of the README's quick start.

BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps build build-asan test test-long unit conformance bench bench-quick clean install

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
# the bench's 3-second smoke run on the release build.
test: build-asan build
	./scripts/run-tests $(BUILD_ASAN) $(BUILD)

unit: build-asan
	$(BUILD_ASAN)/tests/tern_unit

conformance: build-asan
	./conformance/table.sh $(BUILD_ASAN)/conformance

# The main job: the A/B comparison.
bench: build
	./scripts/bench $(BUILD)

# The 3-second smoke run of the same comparison.
bench-quick: build
	./scripts/bench $(BUILD) --quick

# Long soaks: 100 MB TCP transfers under loss (opt-in).
test-long: build-asan
	TERN_TCP_BIG=1 $(BUILD_ASAN)/tests/tern_unit

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
