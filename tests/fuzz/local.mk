# tests/fuzz: libFuzzer targets, built and run only by `make fuzz` (never by `make
# check`): they need clang's -fsanitize=fuzzer, whatever CC configure chose.
#   fuzz-profile  the profile loader (YAML tree, profile reader, merge, plan, compile)
#                 and the syscall-groups reader; seeds: profiles/*.yaml, tests/policy/bad
#   fuzz-cli      `jail run` options (sandbox/cli.c: cli_scan + cli_apply); seeds/cli
#   fuzz-units    sizes, durations, CPUs, rlimits, seccomp values and actions; seeds/units
# FUZZ_SECONDS (default 60) is shared out: half to the profile loader, a quarter to each
# of the others. New inputs libFuzzer finds go to tests/fuzz/corpus/ in the build dir;
# crashes are written there too (crash-*), and `make fuzz` fails.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_TARGETS = tests/fuzz/fuzz-profile tests/fuzz/fuzz-cli tests/fuzz/fuzz-units
FUZZ_CLI_SRCS = sandbox/cli.c sandbox/paths.c

EXTRA_DIST += \
	tests/fuzz/fuzz-profile.c \
	tests/fuzz/fuzz-cli.c \
	tests/fuzz/fuzz-units.c \
	tests/fuzz/seeds/cli/binds \
	tests/fuzz/seeds/cli/help \
	tests/fuzz/seeds/cli/identity \
	tests/fuzz/seeds/cli/limits \
	tests/fuzz/seeds/cli/process \
	tests/fuzz/seeds/cli/profile-cc \
	tests/fuzz/seeds/units/0_5_ \
	tests/fuzz/seeds/units/0x5412_ \
	tests/fuzz/seeds/units/10MiB_ \
	tests/fuzz/seeds/units/1500ms_ \
	tests/fuzz/seeds/units/1_5G_ \
	tests/fuzz/seeds/units/1m30s_ \
	tests/fuzz/seeds/units/999999999999999_5ms_ \
	tests/fuzz/seeds/units/2h_ \
	tests/fuzz/seeds/units/30s_ \
	tests/fuzz/seeds/units/512_ \
	tests/fuzz/seeds/units/64k_ \
	tests/fuzz/seeds/units/CLONE_NEWUSER_CLONE_NEWNS_ \
	tests/fuzz/seeds/units/TIOCSTI_ \
	tests/fuzz/seeds/units/as_2G_ \
	tests/fuzz/seeds/units/core_0_ \
	tests/fuzz/seeds/units/errno_38_ \
	tests/fuzz/seeds/units/errno_EPERM_ \
	tests/fuzz/seeds/units/kill_ \
	tests/fuzz/seeds/units/max_ \
	tests/fuzz/seeds/units/nofile_1024_ \
	$(NULL)

# Each target is compiled in one clang call from the library's sources, so that all
# of it is instrumented; the .o files of the normal build (maybe gcc's) are not reused.
FUZZ_COMPILE = $(FUZZ_CC) $(FUZZ_CFLAGS) $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) \
	$(CPPFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAML_CFLAGS)
FUZZ_LIBS = $(SECCOMP_LIBS) $(CAP_LIBS) $(YAML_LIBS) -lm
FUZZ_SRCS = $(libjailpolicy_a_SOURCES)
# $$extra: sources beyond the policy library (set by the rule).
FUZZ_LINK = $(MKDIR_P) tests/fuzz; echo "  FUZZCC   $@"; \
	srcs=; for s in $(FUZZ_SRCS) $$extra; do \
		case $$s in *.c) srcs="$$srcs $(srcdir)/$$s" ;; esac; \
	done; \
	$(FUZZ_COMPILE) -o $@ $(srcdir)/tests/fuzz/$(@F).c $$srcs $(FUZZ_LIBS)

tests/fuzz/fuzz-profile: tests/fuzz/fuzz-profile.c $(FUZZ_SRCS)
	@extra=; $(FUZZ_LINK)
tests/fuzz/fuzz-units: tests/fuzz/fuzz-units.c $(FUZZ_SRCS)
	@extra=; $(FUZZ_LINK)
tests/fuzz/fuzz-cli: tests/fuzz/fuzz-cli.c $(FUZZ_SRCS) $(FUZZ_CLI_SRCS)
	@extra="$(FUZZ_CLI_SRCS)"; $(FUZZ_LINK)

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@total=$(FUZZ_SECONDS); \
	half=$$((total / 2)); quarter=$$((total / 4)); \
	test $$half -ge 1 || half=1; test $$quarter -ge 1 || quarter=1; \
	rm -rf tests/fuzz/seeds-profile; $(MKDIR_P) tests/fuzz/seeds-profile; \
	cp $(srcdir)/profiles/*.yaml $(srcdir)/tests/policy/bad/*.yaml tests/fuzz/seeds-profile/; \
	status=0; \
	for spec in profile:$$half:tests/fuzz/seeds-profile \
		    cli:$$quarter:$(srcdir)/tests/fuzz/seeds/cli \
		    units:$$quarter:$(srcdir)/tests/fuzz/seeds/units; do \
		t=$${spec%%:*}; rest=$${spec#*:}; secs=$${rest%%:*}; seeds=$${rest#*:}; \
		$(MKDIR_P) tests/fuzz/corpus/$$t; \
		echo "  FUZZ     fuzz-$$t for $${secs}s (seeds: $$seeds)"; \
		JAIL_PROFILE_PATH=$(abs_top_srcdir)/profiles JAIL_SECCOMP_CACHE=0 \
		./tests/fuzz/fuzz-$$t -max_total_time=$$secs -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/corpus/crash-$$t- \
			tests/fuzz/corpus/$$t $$seeds >tests/fuzz/fuzz-$$t.log 2>&1 || status=1; \
		grep -E '^(stat::number_of_executed_units|stat::new_units_added)|ERROR|SUMMARY' \
			tests/fuzz/fuzz-$$t.log | sed 's/^/    /'; \
		test $$status = 0 || { echo "fuzz-$$t failed: see tests/fuzz/fuzz-$$t.log"; break; }; \
	done; \
	exit $$status

fuzz-clean:
	rm -rf $(FUZZ_TARGETS) tests/fuzz/corpus tests/fuzz/seeds-profile tests/fuzz/*.log

.PHONY: fuzz fuzz-build fuzz-clean
CLEANFILES += $(FUZZ_TARGETS)
