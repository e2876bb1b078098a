#ifndef TRUSTD_CSYSTEMD_SHIM_H
#define TRUSTD_CSYSTEMD_SHIM_H
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
