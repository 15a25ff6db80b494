#include "autoconfig.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "sandbox/net.h"

/* lo is always ifindex 1 in a fresh network namespace, so one RTM_NEWLINK with
 * IFF_UP is enough: no dump, no lookup round trip. */
#define LOOPBACK_IFINDEX 1

int net_setup_child(const struct jail_config *c, struct jail_error *e)
{
	struct nl_sock *sk = NULL;
	struct rtnl_link *orig = NULL, *change = NULL;
	int r = 0, err;

	(void)c;
	sk = nl_socket_alloc();
	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (!sk || !orig || !change) {
		r = jail_error_set(e, ENOMEM, "bring up lo");
		goto out;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		r = jail_error_set(e, 0, "bring up lo: netlink connect: %s", nl_geterror(err));
		goto out;
	}
	rtnl_link_set_ifindex(orig, LOOPBACK_IFINDEX);
	rtnl_link_set_name(orig, "lo");
	rtnl_link_set_flags(change, IFF_UP);
	if ((err = rtnl_link_change(sk, orig, change, 0)) < 0)
		r = jail_error_set(e, 0, "bring up lo: %s", nl_geterror(err));
out:
	rtnl_link_put(change);
	rtnl_link_put(orig);
	nl_socket_free(sk);
	return r;
}
