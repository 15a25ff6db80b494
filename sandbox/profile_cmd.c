#include "autoconfig.h"

#include <stdio.h>

#include "sandbox/profile_cmd.h"

int profile_cmd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "jail: 'jail profile' is not available in this build yet\n");
	return 125;
}
