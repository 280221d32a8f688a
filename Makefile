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
SANITIZE ?= 0
# -Werror is for CI (.ci/run sets WERROR=1): a packager's newer compiler
# with new warnings must still build.
WERROR   ?= 0
BUILD    ?= build$(if $(filter 1,$(SANITIZE)),-san,)
FUZZ_SECONDS ?= 60

# Install locations (GNU names; DESTDIR is prepended at install time only).
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
DATADIR       ?= $(PREFIX)/share
MANDIR        ?= $(DATADIR)/man
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR   ?= $(DATADIR)/bash-completion/completions

PKGS := ldns libssl libcrypto yaml-0.1 jansson expat
# libcurl's headers only: probe/net/curl_dl.c loads it when the first
# HTTPS request is made, so that commands without one do not load it and
# its 28 dependencies at start-up (issue 16).
DL_PKGS := libcurl

# The user's CFLAGS, CPPFLAGS and LDFLAGS (a distribution's build flags)
# are added after what the build needs, never in place of it: the DP_*
# variables below always apply.
CFLAGS ?= -O2 -g

# -Wno-format-truncation: reasons and details are fixed-size buffers filled
# with snprintf on purpose; a long domain name is cut, never overflowed.
WARN := -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
        -Wno-unused-parameter -Wno-format-truncation $(if $(filter 1,$(WERROR)),-Werror,)
DP_CPPFLAGS := -D_GNU_SOURCE -I. \
               -DDP_SYSCONFDIR='"$(SYSCONFDIR)"' -DDP_LOCALSTATEDIR='"$(LOCALSTATEDIR)"'
# Graphviz (libgvc): headers only; probe/report/svg.c loads the library
# when a picture is drawn, so it costs the other commands nothing.
GVC_CFLAGS  := $(shell pkg-config --cflags libgvc)
DP_CFLAGS   := -std=c11 -pthread $(WARN) $(shell pkg-config --cflags $(PKGS) $(DL_PKGS)) $(GVC_CFLAGS)
DP_LDFLAGS  := -pthread
DP_LDLIBS   := $(shell pkg-config --libs $(PKGS)) -pthread -lm
ifeq ($(SANITIZE),1)
DP_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
DP_LDFLAGS += -fsanitize=address,undefined
endif
ALL_CPPFLAGS = $(DP_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(DP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(DP_LDFLAGS) $(LDFLAGS)
ALL_LDLIBS   = $(DP_LDLIBS) $(LDLIBS)

# Objects rebuild when the flags (or the install paths compiled in) change:
# $(BUILD)/flags holds the last ones and is rewritten only when they differ.
FLAGS_NOW := $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(ALL_LDLIBS) PREFIX=$(PREFIX)
ifeq ($(filter clean uninstall deps,$(MAKECMDGOALS)),)
ifneq ($(file <$(BUILD)/flags),$(FLAGS_NOW))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(FLAGS_NOW))
endif
endif

# What the program needs at run time is compiled in (probe/util/builtin.h).
EMBED := dp_builtin_root_ds=configs/root-anchors.ds \
         dp_builtin_icann_ca=configs/icann-root-ca.pem \
         dp_builtin_probe_names=configs/probe-internet.yaml
GEN_SRC := $(BUILD)/gen/builtin_data.c

VAL_SRC   := $(sort $(wildcard validator/*.c))
PROBE_SRC := $(sort $(filter-out probe/cli/main.c,$(wildcard probe/*/*.c)))
VAL_OBJ   := $(VAL_SRC:%.c=$(BUILD)/%.o)
PROBE_OBJ := $(PROBE_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBS      := $(BUILD)/libdpprobe.a $(BUILD)/libdpval.a

.PHONY: bench-bin all deps test unit lab-test demo bench fuzz install uninstall deb clean lab-up lab-down
all: daneprobe

# The flags file of a build that has none yet (`make clean all`: the
# parse-time write above is skipped for clean).
$(BUILD)/flags:
	$(shell mkdir -p $(dir $@))$(file >$@,$(FLAGS_NOW))

# -MMD -MP: each object also writes which headers it read ($(BUILD)/*.d).
$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/flags
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(GEN_SRC): probe/util/embed.sh $(foreach e,$(EMBED),$(lastword $(subst =, ,$(e))))
	@mkdir -p $(dir $@)
	sh probe/util/embed.sh $@ $(EMBED)

$(BUILD)/libdpval.a: $(VAL_OBJ)
	@rm -f $@; ar rcs $@ $^
$(BUILD)/libdpprobe.a: $(PROBE_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/daneprobe: $(BUILD)/probe/cli/main.o $(LIBS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS) $(ALL_LDLIBS)
daneprobe: $(BUILD)/daneprobe
	ln -sf $(BUILD)/daneprobe $@

# Their dependency files go apart: build/tests/ holds only the programs.
$(BUILD)/tests/%: tests/unit/%.c $(LIBS) $(BUILD)/flags
	@mkdir -p $(dir $@) $(BUILD)/dep/tests
	$(CC) $(ALL_CPPFLAGS) -DDP_TESTDIR='"$(abspath tests)"' $(ALL_CFLAGS) \
		-MMD -MP -MF $(BUILD)/dep/tests/$*.d $(ALL_LDFLAGS) -o $@ $< $(LIBS) $(ALL_LDLIBS) -lcmocka

-include $(VAL_OBJ:.o=.d) $(PROBE_OBJ:.o=.d) $(BUILD)/probe/cli/main.d \
         $(UNIT_BIN:$(BUILD)/tests/%=$(BUILD)/dep/tests/%.d)

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

# Installs the program and what goes with it; never lab.yaml (the test
# lab's) or anything the program would read from the source tree.
# @BINDIR@, @SYSCONFDIR@ ... in the systemd units, the man page and the
# Nagios command become the installed paths.
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
            -e 's|@LOCALSTATEDIR@|$(LOCALSTATEDIR)|g'
install: all
	install -D -m 0755 $(BUILD)/daneprobe $(DESTDIR)$(BINDIR)/daneprobe
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSTEMDUNITDIR) \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(DATADIR)/daneprobe
	$(SUBST) contrib/daneprobe.1 > $(DESTDIR)$(MANDIR)/man1/daneprobe.1
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/daneprobe.1
	install -m 0644 contrib/daneprobe.bash-completion $(DESTDIR)$(BASHCOMPDIR)/daneprobe
	for u in daneprobe.service daneprobe.timer; do \
		$(SUBST) contrib/$$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	install -m 0644 configs/probe-internet.yaml contrib/prometheus-alerts.yml \
		$(DESTDIR)$(DATADIR)/daneprobe/
	@# The JSON Schemas of the JSON contract, for consumers to validate with.
	install -d $(DESTDIR)$(DATADIR)/daneprobe/schema
	install -m 0644 contrib/schema/*.json $(DESTDIR)$(DATADIR)/daneprobe/schema/
	$(SUBST) contrib/nagios-daneprobe.cfg > $(DESTDIR)$(DATADIR)/daneprobe/nagios-daneprobe.cfg
	chmod 0644 $(DESTDIR)$(DATADIR)/daneprobe/nagios-daneprobe.cfg
	@# The example configuration, unless one is there already: an admin's
	@# edited file is never overwritten.
	install -d $(DESTDIR)$(SYSCONFDIR)/daneprobe
	test -e $(DESTDIR)$(SYSCONFDIR)/daneprobe/daneprobe.yaml || \
		install -m 0644 configs/daneprobe.yaml $(DESTDIR)$(SYSCONFDIR)/daneprobe/daneprobe.yaml

# Removes what install put there, except an edited configuration.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/daneprobe $(DESTDIR)$(MANDIR)/man1/daneprobe.1 \
		$(DESTDIR)$(BASHCOMPDIR)/daneprobe \
		$(DESTDIR)$(SYSTEMDUNITDIR)/daneprobe.service $(DESTDIR)$(SYSTEMDUNITDIR)/daneprobe.timer
	rm -rf $(DESTDIR)$(DATADIR)/daneprobe
	if cmp -s configs/daneprobe.yaml $(DESTDIR)$(SYSCONFDIR)/daneprobe/daneprobe.yaml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/daneprobe/daneprobe.yaml; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/daneprobe 2>/dev/null || true; \
	fi

# A Debian package built by dpkg-buildpackage/debhelper from the packaging
# in contrib/debian; the last line printed is the path of the .deb.
deb:
	@contrib/debian/build-deb.sh $(BUILD)/deb

clean:
	rm -rf build build-san build-* daneprobe

# Benchmark programs (tests/bench/*.c) link against the libraries.
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: tests/bench/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS) $(ALL_LDLIBS)
bench-bin: $(BENCH_BIN)
