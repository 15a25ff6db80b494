/* Loading and attaching the programs of sandbox/bpf/ through their libbpf skeletons
 * (generated at build time by bpftool gen skeleton). Every attachment is a bpf link
 * whose only fd is ours: nothing is pinned, so the kernel detaches the programs when
 * jail exits, however it exits. */
#include "autoconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "sandbox/bpf/rules.h"
#include "sandbox/bpf_load.h"

#include "device.skel.h"
#include "egress.skel.h"
#include "execaudit.skel.h"

#define MAX_LINKS 8

struct bpf_loaded {
	struct jail_egress *egress;
	struct jail_device *device;
	struct jail_execaudit *exec;
	struct bpf_link *links[MAX_LINKS];
	size_t n_links;
	struct ring_buffer *rb;
	bpf_exec_cb cb;
	void *cb_ctx;
};

/* libbpf's own messages: the last warning is kept for our error message; all of them
 * go to stderr with JAIL_BPF_DEBUG=1. */
static char libbpf_last[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int debug = -1;
	va_list copy;

	if (debug < 0)
		debug = getenv("JAIL_BPF_DEBUG") != NULL;
	va_copy(copy, ap);
	if (level != LIBBPF_DEBUG) {
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, copy);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	va_end(copy);
	return debug ? vfprintf(stderr, fmt, ap) : 0;
}

static int load_err(struct jail_error *e, int err, const char *what)
{
	/* libbpf's messages start with "libbpf: " */
	jail_error_set(e, err < 0 ? -err : err, "load the %s BPF program%s%s", what,
		       libbpf_last[0] ? ": " : "", libbpf_last);
	return jail_error_hint(e, "needs a kernel with CONFIG_BPF_SYSCALL and CONFIG_CGROUP_BPF "
				  "(exec audit: BTF, /sys/kernel/btf/vmlinux); JAIL_BPF_DEBUG=1 "
				  "shows libbpf's messages");
}

struct bpf_loaded *bpf_load_new(void)
{
	libbpf_set_print(libbpf_print);
	return xcalloc(1, sizeof(struct bpf_loaded));
}

static int attach_cgroup(struct bpf_loaded *l, struct bpf_program *prog, int cgroup_fd,
			 struct jail_error *e)
{
	struct bpf_link *link = bpf_program__attach_cgroup(prog, cgroup_fd);

	if (!link)
		return load_err(e, errno, bpf_program__name(prog));
	if (l->n_links == MAX_LINKS) {
		bpf_link__destroy(link);
		return jail_error_set(e, E2BIG, "too many BPF links");
	}
	l->links[l->n_links++] = link;
	return 0;
}

int bpf_load_egress(struct bpf_loaded *l, const struct jail_bpf *want, int cgroup_fd,
		    struct jail_error *e)
{
	struct jail_egress *skel = jail_egress__open();
	int err;

	if (!skel)
		return load_err(e, errno, "egress");
	l->egress = skel;
	for (size_t i = 0; i < want->n_egress && i < JAIL_BPF_MAX_RULES; i++) {
		const struct jail_egress_rule *r = &want->egress[i];
		volatile struct jail_bpf_egress *out = &skel->rodata->rules[i];
		unsigned prefix = r->prefix;

		out->family = r->family;
		out->port = (unsigned short)((r->port >> 8) | (r->port << 8)); /* network order */
		for (unsigned w = 0; w < 4; w++) {
			unsigned bits = prefix > w * 32 ? prefix - w * 32 : 0;
			uint32_t mask = bits >= 32 ? 0xffffffffu : bits ? ~(0xffffffffu >> bits) : 0;
			uint32_t addr;

			memcpy(&addr, r->addr + 4 * w, 4);
			mask = __builtin_bswap32(mask); /* to network order, as addr is */
			out->addr[w] = addr & mask;
			out->mask[w] = mask;
		}
	}
	skel->rodata->n_rules = (unsigned)want->n_egress;
	if ((err = jail_egress__load(skel)) < 0)
		return load_err(e, err, "egress");
	if (attach_cgroup(l, skel->progs.jail_connect4, cgroup_fd, e) < 0 ||
	    attach_cgroup(l, skel->progs.jail_connect6, cgroup_fd, e) < 0 ||
	    attach_cgroup(l, skel->progs.jail_sendmsg4, cgroup_fd, e) < 0 ||
	    attach_cgroup(l, skel->progs.jail_sendmsg6, cgroup_fd, e) < 0)
		return -1;
	return 0;
}

int bpf_load_devices(struct bpf_loaded *l, const struct jail_bpf *want, int cgroup_fd,
		     struct jail_error *e)
{
	struct jail_device *skel = jail_device__open();
	int err;

	if (!skel)
		return load_err(e, errno, "device");
	l->device = skel;
	for (size_t i = 0; i < want->n_devices && i < JAIL_BPF_MAX_RULES; i++) {
		const struct jail_device_rule *r = &want->devices[i];
		volatile struct jail_bpf_device *out = &skel->rodata->rules[i];

		out->type = r->type == 'c' ? 2 : r->type == 'b' ? 1 : 0; /* BPF_DEVCG_DEV_* */
		out->major = r->major;
		out->minor = r->minor;
		out->access = r->access; /* JAIL_DEV_* are the BPF_DEVCG_ACC_* bits */
	}
	skel->rodata->n_rules = (unsigned)want->n_devices;
	if ((err = jail_device__load(skel)) < 0)
		return load_err(e, err, "device");
	return attach_cgroup(l, skel->progs.jail_device, cgroup_fd, e);
}

static int on_exec(void *ctx, void *data, size_t size)
{
	struct bpf_loaded *l = ctx;
	struct jail_exec_event ev; /* the ring buffer's pages are read-only for us */

	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	ev.path[sizeof(ev.path) - 1] = '\0';
	ev.argv0[sizeof(ev.argv0) - 1] = '\0';
	l->cb(l->cb_ctx, ev.boot_ns, ev.pid, ev.path, ev.argv0);
	return 0;
}

int bpf_load_exec(struct bpf_loaded *l, bpf_exec_cb cb, void *ctx, struct jail_error *e)
{
	struct jail_execaudit *skel = jail_execaudit__open();
	struct bpf_link *link;
	int err;

	if (!skel)
		return load_err(e, errno, "exec audit");
	l->exec = skel;
	l->cb = cb;
	l->cb_ctx = ctx;
	if ((err = jail_execaudit__load(skel)) < 0)
		return load_err(e, err, "exec audit");
	link = bpf_program__attach(skel->progs.jail_exec);
	if (!link)
		return load_err(e, errno, "exec audit");
	l->links[l->n_links++] = link;
	l->rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_exec, l, NULL);
	if (!l->rb)
		return load_err(e, errno, "exec audit ring buffer of the");
	return 0;
}

void bpf_load_exec_target(struct bpf_loaded *l, unsigned level, unsigned ns_inum)
{
	/* The .bss is mmapped: the running program sees these at once. Level first, so
	 * that a match never uses the old level with the new inode. */
	l->exec->bss->job_level = level;
	__atomic_store_n(&l->exec->bss->job_ns_inum, ns_inum, __ATOMIC_RELEASE);
}

int bpf_load_exec_fd(const struct bpf_loaded *l)
{
	return l->rb ? ring_buffer__epoll_fd(l->rb) : -1;
}

void bpf_load_exec_consume(struct bpf_loaded *l)
{
	if (l->rb)
		ring_buffer__consume(l->rb);
}

void bpf_load_counters(const struct bpf_loaded *l, uint64_t *egress_denied,
		       uint64_t *devices_denied, uint64_t *exec_dropped)
{
	*egress_denied = l->egress ? l->egress->bss->denied : 0;
	*devices_denied = l->device ? l->device->bss->denied : 0;
	*exec_dropped = l->exec ? l->exec->bss->dropped : 0;
}

void bpf_load_free(struct bpf_loaded *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	for (size_t i = 0; i < l->n_links; i++)
		bpf_link__destroy(l->links[i]);
	jail_egress__destroy(l->egress);
	jail_device__destroy(l->device);
	jail_execaudit__destroy(l->exec);
	free(l);
}
