#ifndef TRUSTD_CSYSTEMD_H
#define TRUSTD_CSYSTEMD_H
// libsystemd's API as SystemdKit calls it. The functions are defined in libsystemd.c: each opens
// libsystemd.so.0 the first time any is called (dlopen) and calls the library's own.
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
