#include "autoconfig.h"

#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "sandbox/caps.h"

static int cap_last(void)
{
	/* cap_max_bits() reads /proc/sys/kernel/cap_last_cap: the running kernel's. */
	int n = (int)cap_max_bits();
	return n > 0 ? n - 1 : CAP_LAST_CAP;
}

int caps_apply_child(uint64_t keep, bool ambient, struct jail_error *e)
{
	int last = cap_last();
	cap_t caps;
	int r = 0;

	/* Ambient first: it must be empty before any permitted bit goes away. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return jail_error_set(e, errno, "clear the ambient capabilities");
	for (int cap = 0; cap <= last; cap++) {
		if (cap < 64 && (keep & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return jail_error_set(e, errno, "drop capability %d from the bounding set",
					      cap);
	}
	caps = cap_init(); /* all clear */
	if (!caps)
		return jail_error_set(e, errno, "cap_init");
	for (int cap = 0; cap <= last && cap < 64; cap++) {
		cap_value_t v = cap;
		if (!(keep & (1ULL << cap)))
			continue;
		cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
		if (ambient)
			cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
	}
	if (cap_set_proc(caps) < 0)
		r = jail_error_set(e, errno, "set the capability sets");
	cap_free(caps);
	for (int cap = 0; r == 0 && ambient && cap <= last && cap < 64; cap++)
		if ((keep & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			r = jail_error_set(e, errno, "raise ambient capability %d", cap);
	return r;
}
