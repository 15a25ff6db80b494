/* libbpf side of sandbox/bpf.c: only built with the BPF extras (HAVE_BPF_EXTRAS). */
#ifndef JAIL_BPF_LOAD_H
#define JAIL_BPF_LOAD_H

#include <stdint.h>

#include "policy/bpf_rules.h"
#include "policy/error.h"

struct bpf_loaded;

typedef void (*bpf_exec_cb)(void *ctx, uint64_t boot_ns, int pid, const char *path,
			    const char *argv0);

struct bpf_loaded *bpf_load_new(void);
/* Load and attach the egress (connect4/6, sendmsg4/6) programs to the cgroup. */
int bpf_load_egress(struct bpf_loaded *l, const struct jail_bpf *want, int cgroup_fd,
		    struct jail_error *e);
int bpf_load_devices(struct bpf_loaded *l, const struct jail_bpf *want, int cgroup_fd,
		     struct jail_error *e);
/* Load and attach the exec audit (tp_btf/sched_process_exec, CO-RE); it matches nothing
 * until bpf_load_exec_target. */
int bpf_load_exec(struct bpf_loaded *l, bpf_exec_cb cb, void *ctx, struct jail_error *e);
void bpf_load_exec_target(struct bpf_loaded *l, unsigned level, unsigned ns_inum);
int bpf_load_exec_fd(const struct bpf_loaded *l);
void bpf_load_exec_consume(struct bpf_loaded *l);
void bpf_load_counters(const struct bpf_loaded *l, uint64_t *egress_denied,
		       uint64_t *devices_denied, uint64_t *exec_dropped);
void bpf_load_free(struct bpf_loaded *l);

#endif
