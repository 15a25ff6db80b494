# Root-only BPF extras. sandbox/bpf.c (requirements, report) is always built; the
# programs, their skeletons and the libbpf loader only when configure found libbpf,
# clang with the bpf target, bpftool and kernel BTF (HAVE_BPF_EXTRAS).
libjailsandbox_a_SOURCES += \
	sandbox/bpf.c \
	sandbox/bpf.h \
	$(NULL)
BPF_PROGRAM_FILES = \
	sandbox/bpf/device.bpf.c \
	sandbox/bpf/egress.bpf.c \
	sandbox/bpf/execaudit.bpf.c \
	sandbox/bpf/rules.h \
	$(NULL)
EXTRA_DIST += $(BPF_PROGRAM_FILES) sandbox/bpf_load.c sandbox/bpf_load.h

if HAVE_BPF_EXTRAS
libjailsandbox_a_SOURCES += \
	sandbox/bpf_load.c \
	sandbox/bpf_load.h \
	$(NULL)
libjailsandbox_a_CPPFLAGS += $(BPF_CFLAGS) -I$(top_builddir)/sandbox/bpf
jail_LDADD += $(BPF_LIBS)
SANDBOX_LIBS += $(BPF_LIBS)

BPF_SKELETONS = \
	sandbox/bpf/device.skel.h \
	sandbox/bpf/egress.skel.h \
	sandbox/bpf/execaudit.skel.h \
	$(NULL)
BPF_CLANG_FLAGS = -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_TARGET_ARCH) $(BPF_INCLUDES) \
	-I$(top_srcdir)/sandbox/bpf -I$(top_builddir)/sandbox/bpf -Wall
sandbox/libjailsandbox_a-bpf_load.$(OBJEXT): $(BPF_SKELETONS)
CLEANFILES += $(BPF_SKELETONS) sandbox/bpf/vmlinux.h sandbox/bpf/device.bpf.o \
	sandbox/bpf/egress.bpf.o sandbox/bpf/execaudit.bpf.o

# Only the CO-RE exec audit includes it: from the build host's kernel, relocated by
# libbpf to the running kernel's at load time.
sandbox/bpf/vmlinux.h:
	$(AM_V_GEN)$(MKDIR_P) sandbox/bpf && \
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# The egress and device programs use only the UAPI contexts: no kernel BTF needed to
# load them (the user-mode-linux guests have none).
sandbox/bpf/egress.bpf.o: $(top_srcdir)/sandbox/bpf/egress.bpf.c $(top_srcdir)/sandbox/bpf/rules.h
	$(AM_V_GEN)$(MKDIR_P) sandbox/bpf && \
	$(BPF_CLANG) $(BPF_CLANG_FLAGS) -c $(top_srcdir)/sandbox/bpf/egress.bpf.c -o $@ && \
	$(BPF_STRIP) -g $@
sandbox/bpf/device.bpf.o: $(top_srcdir)/sandbox/bpf/device.bpf.c $(top_srcdir)/sandbox/bpf/rules.h
	$(AM_V_GEN)$(MKDIR_P) sandbox/bpf && \
	$(BPF_CLANG) $(BPF_CLANG_FLAGS) -c $(top_srcdir)/sandbox/bpf/device.bpf.c -o $@ && \
	$(BPF_STRIP) -g $@
sandbox/bpf/execaudit.bpf.o: $(top_srcdir)/sandbox/bpf/execaudit.bpf.c \
		$(top_srcdir)/sandbox/bpf/rules.h sandbox/bpf/vmlinux.h
	$(AM_V_GEN)$(MKDIR_P) sandbox/bpf && \
	$(BPF_CLANG) $(BPF_CLANG_FLAGS) -c $(top_srcdir)/sandbox/bpf/execaudit.bpf.c -o $@ && \
	$(BPF_STRIP) -g $@

sandbox/bpf/egress.skel.h: sandbox/bpf/egress.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton sandbox/bpf/egress.bpf.o name jail_egress > $@.tmp && \
	mv $@.tmp $@
sandbox/bpf/device.skel.h: sandbox/bpf/device.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton sandbox/bpf/device.bpf.o name jail_device > $@.tmp && \
	mv $@.tmp $@
sandbox/bpf/execaudit.skel.h: sandbox/bpf/execaudit.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton sandbox/bpf/execaudit.bpf.o name jail_execaudit \
	> $@.tmp && mv $@.tmp $@
endif
