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
/* Microseconds on the monotonic clock. */
uint64_t sync_now_us(void);
/* --debug-timing (when on): send "STEP MICROSECONDS-SINCE-*t" and set *t to now. */
void sync_send_timing(int fd, bool on, const char *step, uint64_t *t);
/* Returns 1 with a message, 0 on EOF (the peer is gone), -1 on error. */
int sync_recv(int fd, struct sync_msg *m);

#endif
