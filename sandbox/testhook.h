/* A hook for the fault tests: with JAIL_TEST_PAUSE_AT=STEP in the environment, jail stops
 * at that step, says so on stderr and waits to be killed, so a test can SIGKILL it at a
 * known point and check that nothing is left behind. It only ever pauses. */
#ifndef JAIL_TESTHOOK_H
#define JAIL_TESTHOOK_H

/* Steps: parent:plan parent:cgroup parent:clone parent:maps child:maps child:mounts
 * child:loopback child:hostname job:exec init:wait */
void test_pause(const char *step);

#endif
