/* The caller's passwd entry, without glibc's NSS in this process. */
#ifndef JAIL_PASSWD_H
#define JAIL_PASSWD_H

#include <stdio.h>
#include <sys/types.h>

/* 1 with *name and *home malloc'd, 0 if uid has no entry. /etc/passwd first; a uid not
 * there (LDAP, sssd, systemd-homed, ...) is asked for with `getent passwd UID`. */
int passwd_lookup(uid_t uid, char **name, char **home);
/* The same search in one passwd-format stream (unit tests): 1 found, 0 not. */
int passwd_scan(FILE *f, uid_t uid, char **name, char **home);

#endif
