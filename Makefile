# A thin front end over CMake. `make demo` and `make test` install what is missing
# (Debian packages, as root), configure, build, and run.
BUILD   ?= build
JOBS    ?= 2
# what building needs, and what the whole test suite needs on top (pty, GNU parallel,
# headless Chromium for the HTML report)
DEBS      := build-essential cmake pkg-config libsvm-dev libjansson-dev libcriterion-dev zlib1g-dev
TEST_DEBS := python3 bsdutils parallel chromium
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build demo test test-asan model model-pending eval bench clean valgrind tsan fuzz

all: build

define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(DEBS))

test-deps: deps
	$(call install_missing,$(TEST_DEBS))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/stance score --format table examples/market-voices.txt

test: test-deps build
	ctest --test-dir $(BUILD) -j$(JOBS) --output-on-failure

test-asan: test-deps
	cmake -S . -B $(BUILD)-asan -DSTANCE_SANITIZE=ON -DSTANCE_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(BUILD)-asan -j$(JOBS)
	ctest --test-dir $(BUILD)-asan -j$(JOBS) --output-on-failure

# Rebuild the shipped model from the corpus (train split), then measure it on the test split.
model: build
	./$(BUILD)/stance train training/corpus.jsonl --split train,dev -o models/stance.model --quiet
	./$(BUILD)/stance eval training/corpus.jsonl --split test --model models/stance.model
	python3 training/report.py --stance $(BUILD)/stance --model models/stance.model

# The same with training/pending's batches merged in (training/README.md, "Pending"):
# a candidate model in $(BUILD)/, measured on the merged test split and on the seed
# article; the shipped model is left alone.
model-pending: build
	cat training/corpus.jsonl training/pending/*.jsonl > $(BUILD)/corpus-merged.jsonl
	./$(BUILD)/stance train $(BUILD)/corpus-merged.jsonl --split train,dev -o $(BUILD)/stance-merged.model --quiet
	python3 training/report.py --stance $(BUILD)/stance --model $(BUILD)/stance-merged.model $(BUILD)/corpus-merged.jsonl
	if [ -d ../shared/seeds ]; then ./$(BUILD)/stance score --format table --model $(BUILD)/stance-merged.model ../shared/seeds/*.txt; fi

clean:
	rm -rf $(BUILD) $(BUILD)-asan

# Robustness (tests/fuzz/README.md): the CLI under valgrind on hostile inputs; the thread
# suite under ThreadSanitizer; every libFuzzer harness for FUZZ_SECONDS (clang).
FUZZ_SECONDS ?= 30
valgrind: deps
	@command -v valgrind >/dev/null || $(SUDO) apt-get install -y -qq valgrind >/dev/null
	cmake -S . -B $(BUILD)-valgrind -DSTANCE_VALGRIND=ON -DSTANCE_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)-valgrind -j$(JOBS) --target stance_cli
	ctest --test-dir $(BUILD)-valgrind -L valgrind -j$(JOBS) --output-on-failure

tsan: deps
	cmake -S . -B $(BUILD)-tsan -DSTANCE_TSAN=ON -DSTANCE_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD)-tsan -j$(JOBS) --target test_threads_tsan
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ./$(BUILD)-tsan/tests/test_threads_tsan

fuzz: deps
	@command -v clang >/dev/null || $(SUDO) apt-get install -y -qq clang >/dev/null
	BUILD=$(BUILD)-fuzz JOBS=$(JOBS) tests/fuzz/run.sh $(FUZZ_SECONDS)
