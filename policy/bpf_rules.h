/* The root-only BPF extras as plain data: an egress allowlist, a device policy and the
 * exec audit switch, from the profile's bpf: section and --exec-audit. Parsing and
 * formatting are pure (unit-tested); sandbox/bpf*.c enforces them. */
#ifndef JAIL_BPF_RULES_H
#define JAIL_BPF_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/error.h"

#define JAIL_BPF_RULES_MAX 64 /* per list; the programs' tables have this size */

/* CIDR[:PORT]: "10.0.0.0/8:443", "192.0.2.7", "[2001:db8::/32]:443", "2001:db8::1". */
struct jail_egress_rule {
	uint8_t family;	  /* 4 or 6 */
	uint8_t prefix;	  /* 0..32 or 0..128 */
	uint16_t port;	  /* host order; 0 = any port */
	uint8_t addr[16]; /* network order, masked to the prefix; IPv4 in the first 4 */
};

#define JAIL_DEV_MKNOD 1u /* the BPF_DEVCG_ACC_* bits */
#define JAIL_DEV_READ 2u
#define JAIL_DEV_WRITE 4u
#define JAIL_DEV_ANY UINT32_MAX

/* "TYPE MAJOR:MINOR ACCESS" as in devices.allow: "c 1:3 rw", "c 136:* rwm", "a *:* r" */
struct jail_device_rule {
	char type;	/* 'c', 'b' or 'a' (both) */
	uint32_t major; /* JAIL_DEV_ANY for '*' */
	uint32_t minor;
	uint32_t access; /* JAIL_DEV_* */
};

struct jail_bpf {
	bool exec_audit;
	bool exec_audit_set; /* a profile layer or the CLI said it (for merging) */
	bool egress_set;     /* egress: was given, even empty: enforce (loopback only) */
	struct jail_egress_rule *egress;
	size_t n_egress;
	bool devices_set;
	struct jail_device_rule *devices;
	size_t n_devices;
};

int bpf_egress_parse(const char *s, struct jail_egress_rule *r, struct jail_error *e);
void bpf_egress_format(const struct jail_egress_rule *r, char *buf, size_t len);
int bpf_device_parse(const char *s, struct jail_device_rule *r, struct jail_error *e);
void bpf_device_format(const struct jail_device_rule *r, char *buf, size_t len);

/* Append unless already there; -1 with e set when the list is full. */
int jail_bpf_add_egress(struct jail_bpf *b, const struct jail_egress_rule *r,
			struct jail_error *e);
int jail_bpf_add_device(struct jail_bpf *b, const struct jail_device_rule *r,
			struct jail_error *e);
/* Fold `from` onto `into`: lists append, exec_audit overrides when set. */
int jail_bpf_merge(struct jail_bpf *into, const struct jail_bpf *from, struct jail_error *e);
void jail_bpf_free(struct jail_bpf *b);
/* Anything asked for? Does it need a job cgroup (egress, devices)? */
bool jail_bpf_wanted(const struct jail_bpf *b);
bool jail_bpf_needs_cgroup(const struct jail_bpf *b);

#endif
