# `jail profile ...` subcommand.
libjailsandbox_a_SOURCES += \
	sandbox/profile_cmd.c \
	sandbox/profile_cmd.h \
	$(NULL)
