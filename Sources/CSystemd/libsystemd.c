// libsystemd, loaded when first used (issue 15). Linked the usual way, libsystemd.so.0 and the six
// libraries it needs (libgcrypt, libgpg-error, liblzma, libzstd, liblz4, libcap) are mapped and
// relocated at every start of every trustctl command, ~0.4 ms of a 7 ms `trustctl calendar`; only
// the commands that reach the bus or journald need them. So each function SystemdKit calls is
// defined here with libsystemd's own prototype (the headers make the compiler check each one): the
// first call of any opens libsystemd.so.0, and each looks its symbol up once. The definitions are
// hidden: not exported from the executable, so they never stand in for libsystemd's own functions
// inside libsystemd. When the library cannot be opened, every call fails with -ELIBACC (a pointer
// result: NULL), which SystemdKit reports as the error it is.

// sd-journal.h makes sd_journal_sendv a macro adding the caller's file and line, unless told not
// to; Swift calls the function itself.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include "CSystemd.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

static void *library;
static pthread_once_t opened = PTHREAD_ONCE_INIT;

static void open_library(void) { library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL); }

static void *lookup(const char *name) {
    pthread_once(&opened, open_library);
    return library ? dlsym(library, name) : NULL;
}

#define HIDDEN __attribute__((visibility("hidden")))

// `ret name params` calling the library's `name` with `args`; `failed` when it cannot be found.
#define LAZY(ret, failed, name, params, args)                                    \
    HIDDEN ret name params {                                                     \
        static ret(*cached) params;                                              \
        ret(*f) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);             \
        if (!f) {                                                                \
            f = (ret(*) params)lookup(#name);                                    \
            if (!f) return failed;                                               \
            __atomic_store_n(&cached, f, __ATOMIC_RELEASE);                      \
        }                                                                        \
        return f args;                                                           \
    }

#define LAZY_VOID(name, params, args)                                            \
    HIDDEN void name params {                                                    \
        static void(*cached) params;                                             \
        void(*f) params = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);            \
        if (!f) {                                                                \
            f = (void(*) params)lookup(#name);                                   \
            if (!f) return;                                                      \
            __atomic_store_n(&cached, f, __ATOMIC_RELEASE);                      \
        }                                                                        \
        f args;                                                                  \
    }

#define FAILED (-ELIBACC)

// sd-daemon
LAZY(int, FAILED, sd_notify, (int unset_environment, const char *state), (unset_environment, state))
LAZY(int, FAILED, sd_watchdog_enabled, (int unset_environment, uint64_t *usec), (unset_environment, usec))

// sd-journal
LAZY(int, FAILED, sd_journal_sendv, (const struct iovec *iov, int n), (iov, n))

// sd-bus: connections
LAZY(int, FAILED, sd_bus_new, (sd_bus **ret), (ret))
LAZY(int, FAILED, sd_bus_open_user, (sd_bus **ret), (ret))
LAZY(int, FAILED, sd_bus_set_address, (sd_bus *bus, const char *address), (bus, address))
LAZY(int, FAILED, sd_bus_set_bus_client, (sd_bus *bus, int b), (bus, b))
LAZY(int, FAILED, sd_bus_start, (sd_bus *bus), (bus))
LAZY(int, FAILED, sd_bus_get_address, (sd_bus *bus, const char **address), (bus, address))
LAZY(int, FAILED, sd_bus_get_fd, (sd_bus *bus), (bus))
LAZY(int, FAILED, sd_bus_get_events, (sd_bus *bus), (bus))
LAZY(int, FAILED, sd_bus_get_timeout, (sd_bus *bus, uint64_t *timeout_usec), (bus, timeout_usec))
LAZY(int, FAILED, sd_bus_process, (sd_bus *bus, sd_bus_message **r), (bus, r))
LAZY(int, FAILED, sd_bus_send, (sd_bus *bus, sd_bus_message *m, uint64_t *cookie), (bus, m, cookie))
LAZY(int, FAILED, sd_bus_call_async,
    (sd_bus *bus, sd_bus_slot **slot, sd_bus_message *m, sd_bus_message_handler_t callback, void *userdata,
        uint64_t usec),
    (bus, slot, m, callback, userdata, usec))
LAZY(int, FAILED, sd_bus_add_match_async,
    (sd_bus *bus, sd_bus_slot **slot, const char *match, sd_bus_message_handler_t callback,
        sd_bus_message_handler_t install_callback, void *userdata),
    (bus, slot, match, callback, install_callback, userdata))
LAZY_VOID(sd_bus_close, (sd_bus *bus), (bus))
LAZY(sd_bus *, NULL, sd_bus_unref, (sd_bus *bus), (bus))

// sd-bus: slots
LAZY(int, FAILED, sd_bus_slot_set_destroy_callback, (sd_bus_slot *s, sd_bus_destroy_t callback), (s, callback))
LAZY(int, FAILED, sd_bus_slot_set_floating, (sd_bus_slot *slot, int b), (slot, b))

// sd-bus: messages
LAZY(int, FAILED, sd_bus_message_new_method_call,
    (sd_bus *bus, sd_bus_message **m, const char *destination, const char *path, const char *interface,
        const char *member),
    (bus, m, destination, path, interface, member))
LAZY(int, FAILED, sd_bus_message_new_signal,
    (sd_bus *bus, sd_bus_message **m, const char *path, const char *interface, const char *member),
    (bus, m, path, interface, member))
LAZY(int, FAILED, sd_bus_message_set_auto_start, (sd_bus_message *m, int b), (m, b))
LAZY(int, FAILED, sd_bus_message_set_destination, (sd_bus_message *m, const char *destination), (m, destination))
LAZY(int, FAILED, sd_bus_message_append_basic, (sd_bus_message *m, char type, const void *p), (m, type, p))
LAZY(int, FAILED, sd_bus_message_open_container, (sd_bus_message *m, char type, const char *contents),
    (m, type, contents))
LAZY(int, FAILED, sd_bus_message_close_container, (sd_bus_message *m), (m))
LAZY(int, FAILED, sd_bus_message_enter_container, (sd_bus_message *m, char type, const char *contents),
    (m, type, contents))
LAZY(int, FAILED, sd_bus_message_exit_container, (sd_bus_message *m), (m))
LAZY(int, FAILED, sd_bus_message_peek_type, (sd_bus_message *m, char *type, const char **contents),
    (m, type, contents))
LAZY(int, FAILED, sd_bus_message_read_basic, (sd_bus_message *m, char type, void *p), (m, type, p))
LAZY(int, FAILED, sd_bus_message_rewind, (sd_bus_message *m, int complete), (m, complete))
LAZY(const sd_bus_error *, NULL, sd_bus_message_get_error, (sd_bus_message *m), (m))
LAZY(const char *, NULL, sd_bus_message_get_interface, (sd_bus_message *m), (m))
LAZY(const char *, NULL, sd_bus_message_get_member, (sd_bus_message *m), (m))
LAZY(const char *, NULL, sd_bus_message_get_path, (sd_bus_message *m), (m))
LAZY(const char *, NULL, sd_bus_message_get_sender, (sd_bus_message *m), (m))
LAZY(const char *, NULL, sd_bus_message_get_signature, (sd_bus_message *m, int complete), (m, complete))
LAZY(sd_bus_message *, NULL, sd_bus_message_unref, (sd_bus_message *m), (m))

// sd-bus: errors
LAZY(int, FAILED, sd_bus_error_set_errno, (sd_bus_error *e, int error), (e, error))
LAZY_VOID(sd_bus_error_free, (sd_bus_error *e), (e))
