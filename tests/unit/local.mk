# Unit tests: TAP C programs for the pure parts, no namespaces needed.
check_PROGRAMS += tests/unit/test-units tests/unit/test-sandbox-pure
TESTS += tests/unit/test-units tests/unit/test-sandbox-pure
EXTRA_DIST += tests/unit/tap.h
tests_unit_test_units_SOURCES = tests/unit/test-units.c
tests_unit_test_units_LDADD = $(POLICY_LIBS)
tests_unit_test_sandbox_pure_SOURCES = tests/unit/test-sandbox-pure.c
tests_unit_test_sandbox_pure_CPPFLAGS = $(jail_CPPFLAGS)
tests_unit_test_sandbox_pure_LDADD = $(SANDBOX_LIBS)
