/* A classic-BPF interpreter for seccomp programs. `jail profile explain` runs the
 * compiled program on the syscall asked about, and the policy tests check whole
 * tables against it, without loading anything into the kernel. */
#ifndef JAIL_BPF_INTERP_H
#define JAIL_BPF_INTERP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/error.h"

/* Check what the kernel's seccomp checker would: length, known opcodes, jumps that
 * land inside the program, loads inside struct seccomp_data, and a final return.
 * Used on every program read back from the cache. */
int bpf_validate(const struct sock_filter *insns, size_t len, struct jail_error *e);
/* Run a validated program on d; returns the SECCOMP_RET_* value. */
uint32_t bpf_run(const struct sock_filter *insns, size_t len, const struct seccomp_data *d);

#endif
