# tests/vm: the quota tier. cgroup v2 limits need a delegated cgroup v2 subtree, which
# the development and CI hosts (hybrid cgroups) do not have: quotas.sh runs the cases
# (guest.sh) in user-mode-linux guests through scripts/vm-check, or directly on a host
# that has delegation. The helpers below run inside the sandbox; they are built without
# the sanitizers (ASan's shadow memory would count against memory.max).
VM_HELPERS = \
	tests/vm/alloc \
	tests/vm/spin \
	tests/vm/forkbomb \
	tests/vm/dwrite \
	tests/vm/netprobe \
	$(NULL)
check_PROGRAMS += $(VM_HELPERS)
tests_vm_alloc_SOURCES = tests/vm/alloc.c
tests_vm_alloc_CFLAGS = $(WARN_CFLAGS)
tests_vm_alloc_LDFLAGS =
tests_vm_spin_SOURCES = tests/vm/spin.c
tests_vm_spin_CFLAGS = $(WARN_CFLAGS)
tests_vm_spin_LDFLAGS =
tests_vm_forkbomb_SOURCES = tests/vm/forkbomb.c
tests_vm_forkbomb_CFLAGS = $(WARN_CFLAGS)
tests_vm_forkbomb_LDFLAGS =
tests_vm_dwrite_SOURCES = tests/vm/dwrite.c
tests_vm_dwrite_CFLAGS = $(WARN_CFLAGS)
tests_vm_dwrite_LDFLAGS =

tests_vm_netprobe_SOURCES = tests/vm/netprobe.c
tests_vm_netprobe_CFLAGS = $(WARN_CFLAGS)
tests_vm_netprobe_LDFLAGS =

TESTS += tests/vm/quotas.sh
EXTRA_DIST += tests/vm/quotas.sh tests/vm/guest.sh tests/vm/tap.sh
# The BPF extras (egress, devices) as the guest's root: one more boot (bpf.sh).
TESTS += tests/vm/bpf.sh
EXTRA_DIST += tests/vm/bpf.sh tests/vm/bpf-guest.sh
dist_noinst_SCRIPTS += scripts/vm-check
