# tests/policy: the shipped profiles compiled and run through the BPF interpreter
# (C, TAP), the profile parser and merge rules, `jail profile ...`, and a live check
# with a probe inside `jail run`. JAIL and JAIL_PROFILE_PATH come from TESTS_ENVIRONMENT.
check_PROGRAMS += \
	tests/policy/test-seccomp-tables \
	tests/policy/test-profile-merge \
	tests/policy/test-seccomp-cache \
	tests/policy/test-profile-cache \
	tests/policy/sc-probe \
	$(NULL)
tests_policy_test_seccomp_tables_SOURCES = tests/policy/test-seccomp-tables.c
tests_policy_test_seccomp_tables_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
tests_policy_test_seccomp_tables_LDADD = $(POLICY_LIBS)
tests_policy_test_profile_merge_SOURCES = tests/policy/test-profile-merge.c
tests_policy_test_profile_merge_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
tests_policy_test_profile_merge_LDADD = $(POLICY_LIBS)
tests_policy_test_seccomp_cache_SOURCES = tests/policy/test-seccomp-cache.c
tests_policy_test_seccomp_cache_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
tests_policy_test_seccomp_cache_LDADD = $(POLICY_LIBS)
tests_policy_test_profile_cache_SOURCES = tests/policy/test-profile-cache.c
tests_policy_test_profile_cache_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS)
tests_policy_test_profile_cache_LDADD = $(POLICY_LIBS)
# Run inside the sandbox by live.sh: tries each denied syscall and reports the result.
# Never built with sanitizers: under the profiles' filters LeakSanitizer's ptrace-based
# exit check is refused and turns every run into a failure.
tests_policy_sc_probe_SOURCES = tests/policy/sc-probe.c
tests_policy_sc_probe_CFLAGS = $(WARN_CFLAGS)
tests_policy_sc_probe_LDFLAGS =

POLICY_TESTS = \
	tests/policy/test-seccomp-tables \
	tests/policy/test-profile-merge \
	tests/policy/test-seccomp-cache \
	tests/policy/test-profile-cache \
	tests/policy/profile-cmd.sh \
	tests/policy/live.sh \
	$(NULL)
TESTS += $(POLICY_TESTS)
EXTRA_DIST += \
	tests/policy/profile-cmd.sh \
	tests/policy/live.sh \
	tests/policy/allow-all.yaml \
	tests/policy/cache-rich.yaml \
	tests/policy/bad/expected \
	tests/policy/bad/alias.yaml \
	tests/policy/bad/bad-action.yaml \
	tests/policy/bad/bad-duration.yaml \
	tests/policy/bad/bad-size.yaml \
	tests/policy/bad/binary.yaml \
	tests/policy/bad/bpf-device.yaml \
	tests/policy/bad/bpf-egress.yaml \
	tests/policy/bad/bpf-key.yaml \
	tests/policy/bad/contradiction.yaml \
	tests/policy/bad/deeply-nested.yaml \
	tests/policy/bad/duplicate-key.yaml \
	tests/policy/bad/empty.yaml \
	tests/policy/bad/extends-cycle-a.yaml \
	tests/policy/bad/extends-cycle-b.yaml \
	tests/policy/bad/mask-mismatch.yaml \
	tests/policy/bad/net-bad-cidr.yaml \
	tests/policy/bad/net-bad-mode.yaml \
	tests/policy/bad/net-caps.yaml \
	tests/policy/bad/net-port-big.yaml \
	tests/policy/bad/net-port-zero.yaml \
	tests/policy/bad/net-unknown-key.yaml \
	tests/policy/bad/net-wrong-type.yaml \
	tests/policy/bad/relative-path.yaml \
	tests/policy/bad/truncated.yaml \
	tests/policy/bad/unknown-capability.yaml \
	tests/policy/bad/unknown-group.yaml \
	tests/policy/bad/unknown-key.yaml \
	tests/policy/bad/unknown-syscall.yaml \
	tests/policy/bad/wrong-type.yaml \
	tests/policy/bad/yaml-syntax.yaml \
	$(NULL)
