# policy/: plain data. Profiles (YAML) in, struct jail_config out. Never includes sandbox/.
noinst_LIBRARIES += libjailpolicy.a
libjailpolicy_a_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAML_CFLAGS)
libjailpolicy_a_SOURCES = \
	policy/cleanup.h \
	policy/config.c \
	policy/config.h \
	policy/error.c \
	policy/error.h \
	policy/profile.c \
	policy/profile.h \
	policy/units.c \
	policy/units.h \
	$(NULL)
POLICY_LIBS = libjailpolicy.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAML_LIBS) -lm
