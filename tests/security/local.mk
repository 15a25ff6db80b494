# tests/security: the adversarial suite (issue 6). escape runs inside the sandbox and
# tries to get out; escape.sh runs it under every shipped profile and judges from the
# host what only the host can see; faults.sh kills and starves jail; badinput.sh feeds
# it bad options and profiles. compare.sh (not in make check) writes the bare/bwrap/jail
# table in README.md.
check_PROGRAMS += tests/security/escape
tests_security_escape_SOURCES = tests/security/escape.c
# No sanitizers: ASan's shadow reservation fails under the RLIMIT_AS of faults.sh's
# memfill, and its runtime would be one more thing the attempts run through.
tests_security_escape_CFLAGS = $(WARN_CFLAGS)
tests_security_escape_LDFLAGS =

SECURITY_TESTS = \
	tests/security/escape.sh \
	tests/security/faults.sh \
	tests/security/badinput.sh \
	tests/security/vm-faults.sh \
	$(NULL)
TESTS += $(SECURITY_TESTS)
# vm-faults.sh: SIGKILL vs job cgroups, in a user-mode-linux guest (about 90 s).
EXTRA_DIST += $(SECURITY_TESTS) tests/security/lib-sec.sh tests/security/compare.sh \
	tests/security/README.md
