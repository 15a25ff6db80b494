/* Scope-bound cleanup for fds, buffers and directory handles, and the helpers that
 * hand ownership on. Every resource in jail is held by one of these, so an early
 * return on an error path cannot leak it. */
#ifndef JAIL_CLEANUP_H
#define JAIL_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_close(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		/* Never retried: after EINTR the fd is already gone on Linux. */
		close(*fd);
		errno = saved;
	}
}

static inline void cleanup_free(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_fclose(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closedir(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_close_ __attribute__((cleanup(cleanup_close)))
#define _cleanup_free_ __attribute__((cleanup(cleanup_free)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclose)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedir)))

static inline int steal_fd_(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

static inline void *steal_ptr_(void **p)
{
	void *v = *p;
	*p = NULL;
	return v;
}

#define steal_fd(fd) steal_fd_(&(fd))
#define steal_ptr(p) steal_ptr_((void **)&(p))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
