/**
 * @file port.h
 * @brief Host ports (POSIX): a serial device through a level converter, a TCP connection to a
 *        transparent M-Bus/TCP gateway, the server side of TCP, and a pseudo-terminal; each one
 *        an mb_hal_t for the master and slave state machines, plus blocking helpers for simple
 *        programs.
 *
 * Host only (part of the meterbus_host library, not built for microcontrollers). A port is a
 * non-blocking file descriptor; the library's state machines never wait on it, the helpers
 * mb_port_read(), mb_port_wait() and mb_port_transact() do. Nothing here is global: any number
 * of ports may be open in one program, each used from one thread at a time.
 *
 * Errors: functions that open or read return a negative errno value (strerror(-rc) describes
 * it); a name that does not resolve gives -EADDRNOTAVAIL, a baud rate the line cannot take
 * -EINVAL.
 */
#ifndef MB_HOST_PORT_H
#define MB_HOST_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/hal.h"
#include "meterbus/master.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a port is connected to. */
typedef enum mb_port_kind {
    MB_PORT_CLOSED = 0,
    MB_PORT_SERIAL = 1, /**< a tty: 8E1 at a baud rate */
    MB_PORT_TCP = 2,    /**< a TCP connection (either end): bytes only, no baud rate */
    MB_PORT_PTY = 3     /**< the controlling side of a pseudo-terminal; name[] is the other */
} mb_port_kind_t;

/** Longest path of a device or pseudo-terminal kept in a port, with its terminating NUL. */
#define MB_PORT_NAME_MAX 64u

/**
 * An open port. Caller-owned; the members are read-only for the caller. A program may also wrap a
 * non-blocking descriptor of its own: zero the struct, then set fd, kind (MB_PORT_TCP for a
 * socket, which is written with send() so that a closed peer cannot raise SIGPIPE) and
 * parity_mark.
 */
typedef struct mb_port {
    int fd;                      /**< non-blocking descriptor; -1 when closed */
    mb_port_kind_t kind;         /**< what it is; MB_PORT_CLOSED for a zeroed struct */
    uint32_t baud;               /**< line rate (serial; other ports: the last one set), or 0 */
    int last_error;              /**< errno of the last failure of a HAL call, or 0 */
    bool parity_mark;            /**< reads un-mark PARMRK sequences (serial lines) */
    uint8_t mark_state;          /**< private: position in a PARMRK escape sequence */
    char name[MB_PORT_NAME_MAX]; /**< device path, or the pseudo-terminal's other side */
} mb_port_t;

/** A listening TCP socket, for the server side. */
typedef struct mb_port_listener {
    int fd;         /**< the socket while listening */
    uint16_t port;  /**< the local port it listens on (useful after asking for port "0") */
    bool listening; /**< set by mb_port_listen_tcp(): a zeroed listener is a closed one */
} mb_port_listener_t;

/**
 * Open the serial device @p path at @p baud (300, 600, 1200, 2400, 4800, 9600, 19200 or 38400)
 * as M-Bus wants it: 8 data bits, even parity, 1 stop bit, raw, no flow control, non-blocking.
 * Characters received with a parity or framing error are dropped by mb_port_read() (the line is
 * opened with PARMRK), as mb_hal_t requires.
 * @return 0, or a negative errno (-ENOENT, -EACCES, -ENOTTY for a path that is not a tty,
 *         -EINVAL for another baud rate)
 */
int mb_port_open_serial(mb_port_t *port, const char *path, uint32_t baud);

/**
 * Connect to @p host (a name, an IPv4 or an IPv6 address) on TCP @p service (a port number or
 * name), trying each address the name resolves to for at most @p timeout_ms each. Nagle's delay
 * is switched off: requests are small and latency counts.
 * @return 0, or a negative errno (-EADDRNOTAVAIL when the name does not resolve,
 *         -ECONNREFUSED, -ETIMEDOUT)
 */
int mb_port_open_tcp(mb_port_t *port, const char *host, const char *service, uint32_t timeout_ms);

/**
 * Listen on TCP @p service (a number, "0" for any free port) at @p host (NULL or "" for every
 * local address, IPv6 and IPv4 where the system allows both on one socket; "127.0.0.1", "::1"
 * or a name otherwise).
 * @return 0, or a negative errno (-EADDRINUSE...)
 */
int mb_port_listen_tcp(mb_port_listener_t *l, const char *host, const char *service);

/**
 * Wait up to @p timeout_ms for a client and open @p port on the connection.
 * @return 1 when a client was accepted, 0 on timeout, or a negative errno
 */
int mb_port_accept(mb_port_listener_t *l, mb_port_t *port, uint32_t timeout_ms);

/** Stop listening. Safe on a closed listener. */
void mb_port_listener_close(mb_port_listener_t *l);

/**
 * Create a pseudo-terminal and open its controlling side as @p port (raw); the path of the other
 * side, which a master program opens as if it were a serial device, is in port->name. While no
 * program has the other side open, mb_port_read() waits out its timeout and returns 0.
 * @return 0, or a negative errno
 */
int mb_port_open_pty(mb_port_t *port);

/** Close the port (mb_port_t.fd becomes -1). Safe on a closed port. */
void mb_port_close(mb_port_t *port);

/**
 * The transport HAL of a port (the context is the mb_port_t pointer):
 * - write: takes what the descriptor accepts without blocking (0 when it is full), or a
 *   negative errno (-EPIPE when the other side has gone);
 * - set_baud: serial lines wait until the bytes written have left, then switch (8E1 kept);
 *   other ports accept any rate and do nothing;
 * - flush: discards received bytes not read yet (serial and pseudo-terminal).
 */
extern const mb_hal_t mb_port_hal;

/**
 * Wait up to @p timeout_ms for received bytes and read what is there (at most @p cap).
 * @return the number of bytes (>= 1), 0 on timeout, -EPIPE when the other side closed the
 *         connection, or another negative errno
 */
int mb_port_read(mb_port_t *port, uint8_t *buf, size_t cap, uint32_t timeout_ms);

/** @return a monotonic clock in milliseconds (wraps at 2^32), the now_ms the library wants. */
uint32_t mb_port_now_ms(void);

#if MB_ENABLE_MASTER
/**
 * Drive @p master for at most @p wait_ms: read what arrives on @p port, feed it, poll. For loops
 * around mb_readout_poll() and mb_scan_poll(), which do not read the line themselves.
 * @return 0, or the negative errno of a failed read (the master is then left as it was)
 */
int mb_port_wait(mb_port_t *port, mb_master_t *master, uint32_t wait_ms);

/**
 * Run the transaction started on @p master to its end, blocking.
 * @return the master's result (MB_OK, MB_ERR_MASTER_TIMEOUT...); MB_ERR_MASTER_LINE when the
 *         port failed (port->last_error says why)
 */
int mb_port_transact(mb_port_t *port, mb_master_t *master);
#endif /* MB_ENABLE_MASTER */

#ifdef __cplusplus
}
#endif

#endif /* MB_HOST_PORT_H */
