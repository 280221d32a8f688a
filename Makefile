# daneprobe - build, test, demo, bench, fuzz, install.
#
#   make            build ./daneprobe
#   make test       install missing packages, build, unit tests, lab up,
#                   integration tests, lab down (even on failure)
#   make test SANITIZE=1   the same under AddressSanitizer + UBSan
#   make demo       build, lab up, `daneprobe check` on the lab, lab down
#   make bench      benchmarks against the reference tools (ratios)
#   make fuzz       build and run the libFuzzer targets (FUZZ_SECONDS each)

CC       ?= cc
PREFIX   ?= /usr/local
SANITIZE ?= 0
WERROR   ?= 1
BUILD    ?= build$(if $(filter 1,$(SANITIZE)),-san,)
FUZZ_SECONDS ?= 60

PKGS := ldns libssl libcrypto libcurl yaml-0.1 jansson expat

# -Wno-format-truncation: reasons and details are fixed-size buffers filled
# with snprintf on purpose; a long domain name is cut, never overflowed.
WARN := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
        -Wno-unused-parameter -Wno-format-truncation $(if $(filter 1,$(WERROR)),-Werror,)
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -pthread -I. $(WARN) \
          -DDP_DATADIR='"$(abspath configs)"' $(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -pthread -lm
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

VAL_SRC   := $(sort $(wildcard validator/*.c))
PROBE_SRC := $(sort $(filter-out probe/cli/main.c,$(wildcard probe/*/*.c)))
VAL_OBJ   := $(VAL_SRC:%.c=$(BUILD)/%.o)
PROBE_OBJ := $(PROBE_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBS      := $(BUILD)/libdpprobe.a $(BUILD)/libdpval.a

.PHONY: bench-bin all deps test unit lab-test demo bench fuzz install clean lab-up lab-down
all: daneprobe

$(BUILD)/%.o: %.c $(wildcard validator/*.h probe/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libdpval.a: $(VAL_OBJ)
	@rm -f $@; ar rcs $@ $^
$(BUILD)/libdpprobe.a: $(PROBE_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/daneprobe: $(BUILD)/probe/cli/main.o $(LIBS)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)
daneprobe: $(BUILD)/daneprobe
	ln -sf $(BUILD)/daneprobe $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DDP_TESTDIR='"$(abspath tests)"' $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

deps:
	@tests/deps.sh

# Unit tests need no lab; integration tests run inside it.
unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

test: deps
	$(MAKE) all $(UNIT_BIN)
	tests/run-all.sh $(BUILD) $(UNIT_BIN)

lab-up: daneprobe
	tests/lab/lab up
lab-down:
	tests/lab/lab down

demo: deps
	$(MAKE) all
	tests/demo.sh

bench: deps
	$(MAKE) all bench-bin
	tests/bench/run.sh $(BUILD)

fuzz: deps
	tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all
	install -D -m 0755 $(BUILD)/daneprobe $(DESTDIR)$(PREFIX)/bin/daneprobe
	install -d $(DESTDIR)$(PREFIX)/share/daneprobe
	install -m 0644 configs/* $(DESTDIR)$(PREFIX)/share/daneprobe/
	install -D -m 0644 contrib/daneprobe.1 $(DESTDIR)$(PREFIX)/share/man/man1/daneprobe.1

clean:
	rm -rf build build-san build-* daneprobe

# Benchmark programs (tests/bench/*.c) link against the libraries.
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: tests/bench/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)
bench-bin: $(BENCH_BIN)
