# sandbox/: the runtime. Parent side and child side, one file per layer.
bin_PROGRAMS += jail
jail_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(NL_CFLAGS) $(YAML_CFLAGS)
jail_SOURCES = \
	sandbox/main.c \
	$(NULL)
jail_LDADD = libjailsandbox.a $(POLICY_LIBS) $(NL_LIBS)
jail_LDFLAGS = $(JAIL_LDFLAGS)

# Everything but main.c, as a library so unit tests link the pure parts.
noinst_LIBRARIES += libjailsandbox.a
libjailsandbox_a_CPPFLAGS = $(jail_CPPFLAGS)
libjailsandbox_a_SOURCES = \
	sandbox/caps.c \
	sandbox/caps.h \
	sandbox/child.c \
	sandbox/child.h \
	sandbox/cli.c \
	sandbox/cli.h \
	sandbox/diag.c \
	sandbox/diag.h \
	sandbox/env.c \
	sandbox/env.h \
	sandbox/idmap.c \
	sandbox/idmap.h \
	sandbox/init.c \
	sandbox/init.h \
	sandbox/keepupper.c \
	sandbox/keepupper.h \
	sandbox/mount.c \
	sandbox/mount.h \
	sandbox/net.c \
	sandbox/net.h \
	sandbox/netuser.c \
	sandbox/netuser.h \
	sandbox/netuser_addr.h \
	sandbox/netuser_child.c \
	sandbox/passwd.c \
	sandbox/passwd.h \
	sandbox/paths.c \
	sandbox/paths.h \
	sandbox/plan.c \
	sandbox/plan.h \
	sandbox/planbuild.h \
	sandbox/report.c \
	sandbox/report.h \
	sandbox/run.c \
	sandbox/run.h \
	sandbox/skel.c \
	sandbox/skel.h \
	sandbox/sync.c \
	sandbox/sync.h \
	sandbox/syscalls.h \
	sandbox/testhook.c \
	sandbox/testhook.h \
	sandbox/userns.c \
	sandbox/userns.h \
	$(NULL)
SANDBOX_LIBS = libjailsandbox.a $(POLICY_LIBS) $(NL_LIBS)

# Quotas (sandbox/cgroup*) and the `jail profile` command keep their own lists.
include sandbox/cgroup.mk
include sandbox/bpf.mk
include sandbox/profile_cmd.mk
