# Quotas: delegated cgroup v2.
libjailsandbox_a_SOURCES += \
	sandbox/cgroup.c \
	sandbox/cgroup.h \
	$(NULL)
