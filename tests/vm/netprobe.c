/* Run inside the sandbox by tests/vm/bpf-guest.sh: for each "tcp|udp ADDR PORT" triple,
 * try a TCP connect or an unconnected UDP sendto and print "KIND ADDR PORT RESULT",
 * RESULT being OK or the errno name. The egress programs refuse with EPERM before any
 * routing; an allowed address fails later, with ENETUNREACH in a loopback-only net. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errname(int err)
{
	switch (err) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENETUNREACH: return "ENETUNREACH";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case EINVAL: return "EINVAL";
	default: return strerror(err);
	}
}

static int probe(const char *kind, const char *addr, int port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	int v6 = strchr(addr, ':') != NULL, udp = strcmp(kind, "udp") == 0, fd, r;
	socklen_t len;

	if (v6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, addr, &in6->sin6_addr) != 1)
			return EINVAL;
		len = sizeof(*in6);
	} else {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &in4->sin_addr) != 1)
			return EINVAL;
		len = sizeof(*in4);
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	if (udp)
		r = sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	else
		r = connect(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	for (int i = 1; i + 2 < argc; i += 3)
		printf("%s %s %s %s\n", argv[i], argv[i + 1], argv[i + 2],
		       errname(probe(argv[i], argv[i + 1], atoi(argv[i + 2]))));
	return 0;
}
