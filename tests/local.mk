# Tests: unit (C, TAP), policy (profile -> decision tables), integration (bash TAP
# + probe), vm (cgroup tier in a user-mode-linux guest), security (escape attempts),
# fuzz (libFuzzer, `make fuzz`). All but fuzz run from `make check` through TAP.
include tests/unit/local.mk
include tests/policy/local.mk
include tests/integration/local.mk
include tests/vm/local.mk
include tests/security/local.mk
include tests/fuzz/local.mk
