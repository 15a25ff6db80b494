/* Messages on the SOCK_SEQPACKET pair between jail (parent) and the sandbox (init and,
 * until it execs, the job). One datagram per message, so no framing is needed. Only
 * the parent prints: the child reports failures here. */
#ifndef JAIL_SYNC_H
#define JAIL_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/error.h"

enum sync_type {
	SYNC_MAPS_DONE = 1, /* parent -> child: uid/gid maps are written */
	SYNC_ERROR,	    /* child -> parent: setup failed (code = exit status) */
	SYNC_EXIT,	    /* init -> parent: the job's wait status */
	SYNC_TIMING,	    /* child -> parent: "step usec" for --debug-timing */
	SYNC_WARNING,	    /* child -> parent: something to print, the run goes on */
	SYNC_NET_START,	    /* child -> parent: maps written, start pasta (network: user) */
};

struct sync_msg {
	uint32_t type;
	int32_t err;	   /* errno */
	int32_t code;	   /* exit status for SYNC_ERROR, wait status for SYNC_EXIT */
	int32_t reserved;
	char text[2048 + 512];
};

int sync_send(int fd, enum sync_type type, int err, int code, const char *text);
/* Send e as SYNC_ERROR with exit status code. */
void sync_send_error(int fd, const struct jail_error *e, int code);
/* A point in time for --debug-timing: the monotonic clock in microseconds and the
 * process's page faults so far (on the development machines a fault costs ~13 us:
 * where they happen is where much of the time goes). */
struct sync_mark {
	uint64_t us;
	long faults;
};
void sync_mark_now(struct sync_mark *m);
/* --debug-timing (when on): send "STEP MICROSECONDS FAULTS" since *m and set *m to now. */
void sync_send_timing(int fd, bool on, const char *step, struct sync_mark *m);
/* Returns 1 with a message, 0 on EOF (the peer is gone), -1 on error. */
int sync_recv(int fd, struct sync_msg *m);

#endif
