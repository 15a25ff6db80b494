/* A hook for the fault tests: with JAIL_TEST_PAUSE_AT=STEP in the environment, jail stops
 * at that step, says so on stderr and waits to be killed, so a test can SIGKILL it at a
 * known point and check that nothing is left behind. It only ever pauses. */
#ifndef JAIL_TESTHOOK_H
#define JAIL_TESTHOOK_H

/* Steps, in order: parent:plan parent:cgroup parent:clone child:start parent:maps
 * child:maps child:mounts child:loopback child:hostname child:fork job:rlimits
 * job:setsid job:caps job:exec init:start init:wait init:reaped init:exit parent:job
 * parent:reap parent:finish; with network: user also parent:net, parent:pasta and
 * child:network (parent:* and child:* steps come from the timing points in
 * run.c and child.c, the rest from test_pause calls). */
void test_pause(const char *step);

#endif
