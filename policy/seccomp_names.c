#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "policy/cleanup.h"
#include "policy/config.h"
#include "policy/profile_model.h"

/* Names for the numbers a profile writes: actions, errno values, argument constants,
 * capabilities. Tables rather than guesses, so explain and show print them back. */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define E(x) { #x, x }
static const struct {
	const char *name;
	int value;
} errnos[] = {
	E(EPERM),      E(ENOENT),     E(EINTR),	      E(EIO),	      E(EBADF),
	E(EAGAIN),     E(ENOMEM),     E(EACCES),      E(EFAULT),      E(EBUSY),
	E(EEXIST),     E(EXDEV),      E(ENODEV),      E(ENOTDIR),     E(EISDIR),
	E(EINVAL),     E(ENOTTY),     E(ENOSPC),      E(ESPIPE),      E(EROFS),
	E(ENOSYS),     E(ENOTSUP),    E(EOPNOTSUPP),  E(EAFNOSUPPORT), E(EPROTONOSUPPORT),
	E(ENETUNREACH), E(ECONNREFUSED),
};

static const struct {
	const char *name;
	uint64_t value;
} constants[] = {
	E(TIOCSTI),	  E(TIOCLINUX),	    E(CLONE_NEWNS),    E(CLONE_NEWUTS),
	E(CLONE_NEWIPC),  E(CLONE_NEWUSER), E(CLONE_NEWPID),   E(CLONE_NEWNET),
	E(CLONE_NEWCGROUP), E(CLONE_NEWTIME), E(CLONE_VM),     E(CLONE_THREAD),
	E(AF_UNSPEC),	  E(AF_UNIX),	    E(AF_LOCAL),       E(AF_INET),
	E(AF_INET6),	  E(AF_NETLINK),    E(AF_PACKET),      E(AF_VSOCK),
	E(AF_BLUETOOTH),  E(AF_ALG),	    E(AF_KEY),	       E(PER_LINUX),
	E(PER_LINUX32),	  E(UNAME26),	    E(ADDR_NO_RANDOMIZE), E(READ_IMPLIES_EXEC),
};
#undef E

static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
	{ "allow", SCMP_ACT_ALLOW },
	{ "kill", SCMP_ACT_KILL_PROCESS },
	{ "kill-thread", SCMP_ACT_KILL_THREAD },
	{ "log", SCMP_ACT_LOG },
	{ "trap", SCMP_ACT_TRAP },
};

static const char action_expected[] =
	"allow, errno NAME (errno EPERM, errno ENOSYS, errno 38), kill, kill-thread, log or trap";

static int parse_errno(const char *s, uint32_t *action, struct jail_error *e)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++) {
		if (strcmp(s, errnos[i].name) == 0) {
			*action = SCMP_ACT_ERRNO(errnos[i].value);
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	/* 4095 is MAX_ERRNO; libseccomp refuses it, and 0 would make the call "succeed". */
	if (!isdigit((unsigned char)s[0]) || *end || errno || v < 1 || v > 4094)
		return jail_error_set(e, 0, "errno '%s': expected a name like EPERM or ENOSYS, "
				      "or a number 1-4094", s);
	*action = SCMP_ACT_ERRNO(v);
	return 0;
}

int sc_action_parse(const char *s, uint32_t *action, struct jail_error *e)
{
	if (strncmp(s, "errno", 5) == 0 && (s[5] == ' ' || s[5] == '\0')) {
		const char *arg = s + 5;
		while (*arg == ' ')
			arg++;
		if (!*arg)
			return jail_error_set(e, 0, "'errno' needs a value, e.g. errno EPERM");
		return parse_errno(arg, action, e);
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (strcmp(s, actions[i].name) == 0) {
			*action = actions[i].action;
			return 0;
		}
	}
	return jail_error_set(e, 0, "unknown action '%s': expected %s", s, action_expected);
}

void sc_action_format(uint32_t action, char *buf, size_t len)
{
	if ((action & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_ERRNO(0)) {
		unsigned v = action & SECCOMP_RET_DATA;
		for (size_t i = 0; i < ARRAY_SIZE(errnos); i++) {
			if ((unsigned)errnos[i].value == v) {
				snprintf(buf, len, "errno %s", errnos[i].name);
				return;
			}
		}
		snprintf(buf, len, "errno %u", v);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
		if (actions[i].action == action) {
			snprintf(buf, len, "%s", actions[i].name);
			return;
		}
	}
	snprintf(buf, len, "action 0x%08x", action);
}

static int parse_term(const char *t, uint64_t *out, struct jail_error *e)
{
	char *end;

	for (size_t i = 0; i < ARRAY_SIZE(constants); i++) {
		if (strcmp(t, constants[i].name) == 0) {
			*out = constants[i].value;
			return 0;
		}
	}
	if (!isdigit((unsigned char)t[0]))
		return jail_error_set(e, 0, "unknown constant '%s': expected a number (12, 0x5412) "
				      "or a name like TIOCSTI, CLONE_NEWUSER, AF_INET", t);
	errno = 0;
	*out = strtoull(t, &end, 0);
	if (errno || *end)
		return jail_error_set(e, 0, "'%s' is not a valid 64-bit number", t);
	return 0;
}

int sc_value_parse(const char *s, uint64_t *out, struct jail_error *e)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *save = NULL;
	uint64_t total = 0;
	int terms = 0;

	for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		uint64_t v = 0;
		char *end = t + strlen(t);

		while (*t == ' ')
			t++;
		while (end > t && end[-1] == ' ')
			*--end = '\0';
		if (parse_term(t, &v, e) < 0)
			return -1;
		total |= v;
		terms++;
	}
	if (!terms || s[0] == '|' || s[strlen(s) - 1] == '|' || strstr(s, "||"))
		return jail_error_set(e, 0, "'%s': expected a number or constants joined by '|'", s);
	*out = total;
	return 0;
}

const char *sc_op_name(int op)
{
	switch (op) {
	case SCMP_CMP_EQ: return "eq";
	case SCMP_CMP_NE: return "ne";
	case SCMP_CMP_LT: return "lt";
	case SCMP_CMP_LE: return "le";
	case SCMP_CMP_GT: return "gt";
	case SCMP_CMP_GE: return "ge";
	case SCMP_CMP_MASKED_EQ: return "masked-eq";
	}
	return "?";
}

int cap_parse(const char *s, int *cap, struct jail_error *e)
{
	_cleanup_free_ char *name = strncasecmp(s, "cap_", 4) == 0 ? xstrdup(s)
								   : xasprintf("cap_%s", s);
	cap_value_t v;

	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* cap_from_name also takes numbers; a profile must name the capability. */
	if (isdigit((unsigned char)name[4]) || cap_from_name(name, &v) < 0 || v < 0 || v > 63)
		return jail_error_set(e, 0, "unknown capability '%s': expected a name like chown, "
				      "dac_override, setuid (see capabilities(7))", s);
	*cap = v;
	return 0;
}
