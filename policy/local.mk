# policy/: plain data. Profiles (YAML) in, struct jail_config out. Never includes sandbox/.
noinst_LIBRARIES += libjailpolicy.a
libjailpolicy_a_CPPFLAGS = $(AM_CPPFLAGS) $(SECCOMP_CFLAGS) $(CAP_CFLAGS) $(YAML_CFLAGS)
libjailpolicy_a_SOURCES = \
	policy/bpf_interp.c \
	policy/bpf_interp.h \
	policy/bpf_rules.c \
	policy/bpf_rules.h \
	policy/cleanup.h \
	policy/config.c \
	policy/config.h \
	policy/error.c \
	policy/error.h \
	policy/netrule.c \
	policy/netrule.h \
	policy/profile.c \
	policy/profile.h \
	policy/profile_bpf.c \
	policy/profile_cache.c \
	policy/profile_cache.h \
	policy/profile_merge.c \
	policy/profile_net.c \
	policy/profile_model.h \
	policy/profile_parse.c \
	policy/profile_resolve.c \
	policy/profile_explain.c \
	policy/profile_show.c \
	policy/profile_show.h \
	policy/seccomp.c \
	policy/seccomp.h \
	policy/seccomp_cache.c \
	policy/seccomp_cache.h \
	policy/seccomp_compile.c \
	policy/seccomp_groups.c \
	policy/seccomp_groups.h \
	policy/seccomp_names.c \
	policy/units.c \
	policy/units.h \
	policy/yaml_tree.c \
	policy/yaml_tree.h \
	$(NULL)
POLICY_LIBS = libjailpolicy.a $(SECCOMP_LIBS) $(CAP_LIBS) $(YAML_LIBS) -lm

# The shipped profiles and syscall groups, installed into $(datadir)/jail/profiles.
dist_profiles_DATA += \
	profiles/build.yaml \
	profiles/build-farm.yaml \
	profiles/cc.yaml \
	profiles/default.yaml \
	profiles/script.yaml \
	profiles/syscall-groups.yaml \
	$(NULL)
