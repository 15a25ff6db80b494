# tests/integration: bash TAP scripts that run jail as an unprivileged user and assert
# on what tests/integration/probe (run inside the sandbox) reports. Shared helpers are
# in lib.sh. JAIL, JAIL_PROBE and JAIL_TESTS_MUST_WORK come from TESTS_ENVIRONMENT.
check_PROGRAMS += tests/integration/probe
tests_integration_probe_SOURCES = tests/integration/probe.c
# Never built with sanitizers: it runs under the profiles' seccomp filters, where
# LeakSanitizer's ptrace-based exit check is refused and every run would exit 1.
tests_integration_probe_CFLAGS = $(WARN_CFLAGS)
tests_integration_probe_LDFLAGS =

INTEGRATION_TESTS = \
	tests/integration/userns.sh \
	tests/integration/mounts.sh \
	tests/integration/process.sh \
	tests/integration/exit.sh \
	tests/integration/teardown.sh \
	tests/integration/netuser.sh \
	tests/integration/bpf.sh \
	$(NULL)
TESTS += $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS) tests/integration/lib.sh
