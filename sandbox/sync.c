#include "autoconfig.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "sandbox/sync.h"

int sync_send(int fd, enum sync_type type, int err, int code, const char *text)
{
	struct sync_msg m;
	size_t len = text ? strlen(text) : 0;
	ssize_t n;

	if (len >= sizeof(m.text))
		len = sizeof(m.text) - 1;
	memset(&m, 0, offsetof(struct sync_msg, text));
	m.type = type;
	m.err = err;
	m.code = code;
	memcpy(m.text, text ? text : "", len);
	m.text[len] = '\0';
	do
		n = send(fd, &m, offsetof(struct sync_msg, text) + len + 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

void sync_send_error(int fd, const struct jail_error *e, int code)
{
	char text[sizeof(((struct sync_msg *)0)->text)];

	/* The hint travels after a NUL-free separator the parent splits on. */
	snprintf(text, sizeof(text), "%s%s%s", e->msg, e->hint[0] ? "\x1f" : "", e->hint);
	sync_send(fd, SYNC_ERROR, e->err, code, text);
}

int sync_recv(int fd, struct sync_msg *m)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((size_t)n < offsetof(struct sync_msg, text) + 1) {
		errno = EPROTO;
		return -1;
	}
	m->text[sizeof(m->text) - 1] = '\0';
	((char *)m)[n < (ssize_t)sizeof(*m) ? n : (ssize_t)sizeof(*m) - 1] = '\0';
	return 1;
}

void sync_mark_now(struct sync_mark *m)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	m->faults = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt + ru.ru_majflt : 0;
}

void sync_send_timing(int fd, bool on, const char *step, struct sync_mark *m)
{
	struct sync_mark now;
	char text[64];

	if (!on)
		return;
	sync_mark_now(&now);
	snprintf(text, sizeof(text), "%s %llu %ld", step, (unsigned long long)(now.us - m->us),
		 now.faults - m->faults);
	sync_send(fd, SYNC_TIMING, 0, 0, text);
	*m = now;
}
