/* Egress allowlist for the job's cgroup: connect4/6 and sendmsg4/6 (unconnected UDP).
 * Loopback is always allowed (a build talks to its own test servers); any other
 * destination must match a rule. A refusal makes the system call fail with EPERM
 * before any routing, and is counted.
 *
 * Uses only the UAPI context (struct bpf_sock_addr): no kernel BTF needed, so it loads
 * on kernels built without it (the user-mode-linux guests of tests/vm). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "rules.h"

const volatile struct jail_bpf_egress rules[JAIL_BPF_MAX_RULES];
const volatile unsigned int n_rules;

unsigned long long denied;

static __always_inline int loopback4(unsigned int ip)
{
	/* 127.0.0.0/8, and 0.0.0.0, which connect() takes as this host */
	return (ip & bpf_htonl(0xff000000)) == bpf_htonl(0x7f000000) || ip == 0;
}

static __always_inline int loopback6(const unsigned int ip[4])
{
	if (ip[0] || ip[1])
		return 0;
	/* ::1 and :: */
	if (ip[2] == 0)
		return ip[3] == 0 || ip[3] == bpf_htonl(1);
	/* ::ffff:127.0.0.0/104 */
	return ip[2] == bpf_htonl(0xffff) && loopback4(ip[3]);
}

static __always_inline int allowed(unsigned char family, const unsigned int ip[4],
				   unsigned int port)
{
	unsigned int i;

	for (i = 0; i < JAIL_BPF_MAX_RULES; i++) {
		const volatile struct jail_bpf_egress *r = &rules[i];
		unsigned int w, words = family == 4 ? 1 : 4, match = 1;

		if (i >= n_rules)
			break;
		if (r->family != family || (r->port && r->port != port))
			continue;
		for (w = 0; w < 4; w++)
			if (w < words && (ip[w] & r->mask[w]) != r->addr[w])
				match = 0;
		if (match)
			return 1;
	}
	return 0;
}

static __always_inline int check4(struct bpf_sock_addr *ctx)
{
	unsigned int ip[4] = { ctx->user_ip4, 0, 0, 0 };
	unsigned int port = ctx->user_port & 0xffff;

	if (loopback4(ip[0]) || allowed(4, ip, port))
		return 1;
	__sync_fetch_and_add(&denied, 1);
	return 0;
}

static __always_inline int check6(struct bpf_sock_addr *ctx)
{
	unsigned int ip[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2],
			       ctx->user_ip6[3] };
	unsigned int port = ctx->user_port & 0xffff;

	if (loopback6(ip))
		return 1;
	/* An IPv4-mapped address is checked against the IPv4 rules. */
	if (!ip[0] && !ip[1] && ip[2] == bpf_htonl(0xffff)) {
		unsigned int ip4[4] = { ip[3], 0, 0, 0 };
		if (allowed(4, ip4, port))
			return 1;
	} else if (allowed(6, ip, port)) {
		return 1;
	}
	__sync_fetch_and_add(&denied, 1);
	return 0;
}

SEC("cgroup/connect4")
int jail_connect4(struct bpf_sock_addr *ctx)
{
	return check4(ctx);
}

SEC("cgroup/sendmsg4")
int jail_sendmsg4(struct bpf_sock_addr *ctx)
{
	return check4(ctx);
}

SEC("cgroup/connect6")
int jail_connect6(struct bpf_sock_addr *ctx)
{
	return check6(ctx);
}

SEC("cgroup/sendmsg6")
int jail_sendmsg6(struct bpf_sock_addr *ctx)
{
	return check6(ctx);
}

char LICENSE[] SEC("license") = "GPL";
