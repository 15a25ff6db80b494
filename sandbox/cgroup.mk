# Quotas: delegated cgroup v2.
libjailsandbox_a_SOURCES += \
	sandbox/cgroup.c \
	sandbox/cgroup.h \
	sandbox/cgroup_internal.h \
	sandbox/cgroup_parse.c \
	sandbox/cgroup_parse.h \
	sandbox/cgroup_usage.c \
	$(NULL)
