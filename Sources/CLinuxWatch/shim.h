// Kernel interfaces Glibc's Swift module does not export (timerfd, malloc_trim). Only LinuxWatch imports this.
#include <sys/timerfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <signal.h>
#include <malloc.h>
