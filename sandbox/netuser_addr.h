/* The fixed addresses of network: user, which jail gives pasta (-a, -g) and configures
 * on the tap itself. Link-local IPv4 and a unique-local IPv6 prefix ("jail" in hex):
 * neither is routed on the internet, so they shadow no destination a job may need. The
 * gateways are never reachable as destinations (netuser.c blocks them). */
#ifndef JAIL_NETUSER_ADDR_H
#define JAIL_NETUSER_ADDR_H

#include <stdint.h>

#define NETUSER_ADDR4 "169.254.1.2"
#define NETUSER_GW4 "169.254.1.1"
#define NETUSER_ADDR6 "fd00:6a61:696c::2"
#define NETUSER_GW6 "fe80::1"

static const uint8_t __attribute__((unused)) netuser_addr4[4] = {169, 254, 1, 2};
static const uint8_t __attribute__((unused)) netuser_gw4[4] = {169, 254, 1, 1};
static const uint8_t __attribute__((unused))
netuser_addr6[16] = {0xfd, 0x00, 0x6a, 0x61, 0x69, 0x6c, [15] = 2};
static const uint8_t __attribute__((unused)) netuser_gw6[16] = {0xfe, 0x80, [15] = 1};

/* Routing tables in the job's namespace: GENERAL holds the default route through pasta
 * and unreachable routes for the host's own prefixes; EXACT only the default route, for
 * allow entries that name one of those prefixes exactly and for the DNS servers. */
#define NETUSER_TABLE_GENERAL 100
#define NETUSER_TABLE_EXACT 101

#endif
