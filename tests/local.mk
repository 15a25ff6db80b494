# Tests: unit (C, TAP), policy (profile -> decision tables), integration (bash TAP
# + probe), vm (cgroup tier in a user-mode-linux guest), security (escape attempts),
# fuzz (libFuzzer, `make fuzz`). All but fuzz run from `make check` through TAP.
include tests/unit/local.mk
include tests/policy/local.mk
include tests/integration/local.mk
include tests/vm/local.mk
include tests/security/local.mk
include tests/fuzz/local.mk

# tests/root: root-only tests on the host (root mode, the exec audit), not part of
# `make check` (which runs as an ordinary user): `make check-root` as root, which
# scripts/check runs after `make check`.
ROOT_TESTS = tests/root/execaudit.sh
EXTRA_DIST += $(ROOT_TESTS)
# Not in TESTS (automake makes per-test rules only for those): each script goes through
# the same TAP driver, its PASS/FAIL lines on stdout as in make check.
check-root: all
	@$(MKDIR_P) tests/root; st=0; for t in $(ROOT_TESTS); do \
		$(TESTS_ENVIRONMENT) $(LOG_DRIVER) --test-name $$t --log-file $$t.log \
		--trs-file $$t.trs --color-tests no --enable-hard-errors yes --expect-failure no \
		-- $(SHELL) $(top_srcdir)/$$t || st=1; \
		grep -q '^:global-test-result: PASS' $$t.trs || \
		grep -q '^:global-test-result: SKIP' $$t.trs || st=1; \
	done; exit $$st
.PHONY: check-root
