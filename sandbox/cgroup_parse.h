/* The pure half of the quota layer: parsing what the kernel writes in /proc/self/cgroup,
 * /proc/self/mountinfo and the cgroup files, and building what we write back. No system
 * calls in here, so every branch is unit-tested (tests/unit/test-cgroup.c). */
#ifndef JAIL_CGROUP_PARSE_H
#define JAIL_CGROUP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/error.h"

/* The controllers jail can drive, as bits. */
enum {
	CG_CPU = 1 << 0,
	CG_IO = 1 << 1,
	CG_MEMORY = 1 << 2,
	CG_PIDS = 1 << 3,
};
#define CG_ALL (CG_CPU | CG_IO | CG_MEMORY | CG_PIDS)

/* "cpu", "io", "memory", "pids" for one bit. */
const char *cg_controller_name(unsigned bit);
/* A space-separated controller list ("cpuset cpu io memory pids") -> bits. */
unsigned cg_controllers_parse(const char *list);
/* Bits -> "cpu, memory" into buf (for messages). */
void cg_controllers_format(unsigned bits, char *buf, size_t len);

/* The cgroup v2 path from /proc/self/cgroup (the "0::" line). Returns a malloc'd
 * path, or NULL with e set: v1-only (names the v1 controllers seen), or malformed. */
char *cg_parse_proc_cgroup(const char *text, struct jail_error *e);
/* Names of the v1 controllers that /proc/self/cgroup lists ("cpu,cpuacct memory"),
 * malloc'd, "" when none: on a hybrid host this says where the controllers went. */
char *cg_v1_controllers(const char *text);

/* The mount point of the cgroup2 hierarchy from /proc/self/mountinfo (octal escapes
 * decoded), preferring a mount of the hierarchy's root. NULL with e set when none. */
char *cg_parse_mountinfo(const char *text, struct jail_error *e);

/* "key value" files (cpu.stat, memory.events, cgroup.events): the value of key.
 * Returns false when the key is missing. */
bool cg_keyed_get(const char *text, const char *key, uint64_t *value);

struct cg_io_totals {
	uint64_t rbytes, wbytes, rios, wios;
};
/* io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device): sums. */
void cg_parse_io_stat(const char *text, struct cg_io_totals *t);

/* "MAJ:MIN" -> numbers. Returns false when s is not exactly that. */
bool cg_parse_devnum(const char *s, unsigned *maj, unsigned *min);
/* One io.max line: "8:16 rbps=1048576 wbps=max"; a JAIL_UNSET rate is left out so
 * the kernel keeps the other limit of that device. Returns the length or -1. */
int cg_io_max_line(char *buf, size_t len, unsigned maj, unsigned min, uint64_t rbps,
		   uint64_t wbps);
/* cpu.max for thousandths of a CPU: "20000 100000" for 200. Returns -1 below the
 * kernel's 1 ms minimum quota. */
int cg_cpu_max_line(char *buf, size_t len, uint64_t cpu_millis);

/* Job and leaf cgroup names. Job: "jail-<pid>-<16 hex>.job"; the pid lets a later
 * run tell a stale job of a dead jail from the live job of a concurrent one. */
void cg_job_name(char *buf, size_t len, long pid, uint64_t random);
/* The pid in a job name, or -1 when name is not one of ours. */
long cg_job_name_pid(const char *name);
/* The shared leaf jail moves itself (and any other process of the delegated cgroup)
 * into, so that the delegated cgroup may enable controllers. */
#define CG_LEAF_NAME "jail.leaf"

/* JSON string body (no quotes) with escapes, into buf. */
void cg_json_escape(char *buf, size_t len, const char *s);

#endif
