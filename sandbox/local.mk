# sandbox/: the runtime. Parent side and child side, one file per layer.
bin_PROGRAMS += jail
jail_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(NL_CFLAGS) $(YAML_CFLAGS)
jail_SOURCES = \
	sandbox/main.c \
	$(NULL)
jail_LDADD = libjailsandbox.a $(POLICY_LIBS) $(NL_LIBS)

# Everything but main.c, as a library so unit tests link the pure parts.
noinst_LIBRARIES += libjailsandbox.a
libjailsandbox_a_CPPFLAGS = $(jail_CPPFLAGS)
libjailsandbox_a_SOURCES = \
	$(NULL)
SANDBOX_LIBS = libjailsandbox.a $(POLICY_LIBS) $(NL_LIBS)

# Quotas (sandbox/cgroup*) and the `jail profile` command keep their own lists.
include sandbox/cgroup.mk
include sandbox/profile_cmd.mk
