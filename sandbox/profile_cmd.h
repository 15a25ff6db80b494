#ifndef JAIL_PROFILE_CMD_H
#define JAIL_PROFILE_CMD_H
/* `jail profile list|show|check|explain|compile ...`; argv[0] is "profile".
 * Returns the process exit status. */
int profile_cmd_main(int argc, char **argv);
#endif
