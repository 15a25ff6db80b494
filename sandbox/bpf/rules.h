/* Shared between the BPF programs (sandbox/bpf/NAME.bpf.c) and their loader
 * (sandbox/bpf_load.c): the layout of the rule tables in the programs' read-only data.
 * Only fixed-size types; the loader copies the parsed profile rules in before load. */
#ifndef JAIL_BPF_RULES_SHARED_H
#define JAIL_BPF_RULES_SHARED_H

#define JAIL_BPF_MAX_RULES 64

/* One egress rule: (address & mask) == addr, and port (network order) or 0 for any.
 * IPv4 rules use word 0 only. */
struct jail_bpf_egress {
	unsigned int addr[4];
	unsigned int mask[4];
	unsigned short port;
	unsigned char family; /* 4 or 6 */
	unsigned char pad;
};

#define JAIL_BPF_ANY 0xffffffffu

/* One device rule, in the terms of struct bpf_cgroup_dev_ctx. */
struct jail_bpf_device {
	unsigned int type;   /* BPF_DEVCG_DEV_CHAR or _BLOCK, 0 for both */
	unsigned int major;  /* JAIL_BPF_ANY for '*' */
	unsigned int minor;  /* JAIL_BPF_ANY for '*' */
	unsigned int access; /* BPF_DEVCG_ACC_* bits allowed */
};

/* What the exec audit program sends through its ring buffer per exec. */
#define JAIL_EXEC_PATH_MAX 256
#define JAIL_EXEC_ARG_MAX 128

struct jail_exec_event {
	unsigned long long boot_ns; /* bpf_ktime_get_boot_ns() at the exec */
	int pid;		    /* in the job's pid namespace */
	int pad;
	char path[JAIL_EXEC_PATH_MAX];	/* the file name given to execve */
	char argv0[JAIL_EXEC_ARG_MAX];
};

#endif
