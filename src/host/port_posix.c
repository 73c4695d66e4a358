/*
 * Host ports on POSIX (include/meterbus/host/port.h): serial lines, TCP in both directions and
 * pseudo-terminals as non-blocking descriptors behind mb_hal_t, plus the blocking helpers.
 *
 * Serial lines are opened with INPCK | PARMRK and without IGNPAR: the driver then hands over a
 * character received with a parity or framing error as FF 00 x, a break as FF 00 00 and a real
 * FF as FF FF. mb_port_read() undoes that escaping and drops the marked characters (hal.h asks
 * for it: the even parity of 8E1 catches the double bit errors that a frame's checksum misses).
 * An escape may be split across two read() calls, hence mb_port_t.mark_state.
 */
/* ptsname_r, cfmakeraw, MSG_NOSIGNAL are extensions: ask glibc/musl and Darwin for them (BSDs
 * show everything by default). */
#define _GNU_SOURCE
#define _DARWIN_C_SOURCE

#include "meterbus/host/port.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "meterbus/error.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* Darwin: SO_NOSIGPIPE on the socket instead */
#endif
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0 /* our sockets are non-blocking anyway */
#endif

/* mb_port_t.mark_state: where in a PARMRK escape the last read() ended. */
#define MARK_NONE  0u /* plain data */
#define MARK_FF    1u /* after FF: FF follows for a data FF, 00 for an error mark */
#define MARK_FF_00 2u /* after FF 00: the errored character (00 for a break) follows, dropped */

/* Longest wait of the helpers between two polls of the master, so that its timers fire on time. */
#define SLICE_MS 10u

/* ---- small helpers ------------------------------------------------------------------------- */

static void port_reset(mb_port_t *port)
{
    memset(port, 0, sizeof *port);
    port->fd = -1;
    port->kind = MB_PORT_CLOSED;
}

/* Non-blocking (the HAL must not block), close-on-exec (a child process holding the descriptor
 * would keep the line busy after we close it). */
static int set_fd_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return -errno;
    }
    int fdf = fcntl(fd, F_GETFD);
    if (fdf < 0 || fcntl(fd, F_SETFD, fdf | FD_CLOEXEC) < 0) {
        return -errno;
    }
    return 0;
}

/* Close @p fd keeping errno's meaning for the caller: @return @p err. */
static int close_with(int fd, int err)
{
    (void)close(fd);
    return err;
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* Milliseconds of @p timeout_ms left since @p start_ms. */
static uint32_t left_ms(uint32_t start_ms, uint32_t timeout_ms)
{
    uint32_t elapsed = mb_port_now_ms() - start_ms;
    return elapsed >= timeout_ms ? 0u : timeout_ms - elapsed;
}

static void sleep_ms(uint32_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/*
 * Wait up to @p timeout_ms for @p events on @p fd; a signal does not cut the wait short.
 * @return 1 (something happened: read or write to find out what), 0 on timeout, negative errno
 */
static int wait_fd(int fd, short events, uint32_t timeout_ms)
{
    uint32_t start = mb_port_now_ms();
    for (;;) {
        uint32_t left = left_ms(start, timeout_ms);
        struct pollfd pfd;
        pfd.fd = fd;
        pfd.events = events;
        pfd.revents = 0;
        int r = poll(&pfd, 1, left > (uint32_t)INT_MAX ? INT_MAX : (int)left);
        if (r > 0) {
            return (pfd.revents & POLLNVAL) != 0 ? -EBADF : 1;
        }
        if (r == 0) {
            if (left <= (uint32_t)INT_MAX) {
                return 0;
            }
        } else if (errno != EINTR) {
            return -errno;
        }
    }
}

/* getaddrinfo() with its own error codes turned into errno values (port.h). */
static int resolve(const char *host, const char *service, int family, int flags,
                   struct addrinfo **list)
{
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    errno = 0;
    int rc = getaddrinfo(host, service, &hints, list);
    switch (rc) {
    case 0: return 0;
    case EAI_MEMORY: return -ENOMEM;
    case EAI_SERVICE: return -EINVAL;
    case EAI_SYSTEM:
        if (errno != 0) {
            return -errno;
        }
        return -EADDRNOTAVAIL;
    /* Unknown names, temporary DNS failures and families the host lacks alike: no address. */
    default: return -EADDRNOTAVAIL;
    }
}

/* Options of every connected TCP socket. */
static void tcp_options(int fd)
{
    int one = 1;
    /* Requests are a few bytes each and wait for an answer: Nagle's delay only adds latency. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* A gateway that lost power would otherwise leave a connection open forever. */
    (void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
#ifdef SO_NOSIGPIPE
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
}

/* ---- serial lines -------------------------------------------------------------------------- */

static speed_t speed_of(uint32_t baud)
{
    switch (baud) {
    case 300u: return B300;
    case 600u: return B600;
    case 1200u: return B1200;
    case 2400u: return B2400;
    case 4800u: return B4800;
    case 9600u: return B9600;
    case 19200u: return B19200;
    case 38400u: return B38400;
    default: return B0;
    }
}

/*
 * tcsetattr() succeeds when any change took: check that the driver runs at @p speed. Not PARENB,
 * which Linux clears on pseudo-terminals (they carry no parity), used as serial lines in tests.
 */
static int check_speed(int fd, speed_t speed)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        return -errno;
    }
    return cfgetospeed(&t) == speed ? 0 : -EINVAL;
}

static int set_speed(int fd, speed_t speed)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0 || cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0 ||
        tcsetattr(fd, TCSANOW, &t) != 0) {
        return -errno;
    }
    return check_speed(fd, speed);
}

/* 8E1, raw, no flow control, parity errors marked (see the top of the file), reads never wait. */
static int configure_serial(int fd, speed_t speed)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        return -errno;
    }
    cfmakeraw(&t);
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | IGNPAR | ISTRIP | IXON | IXOFF | IXANY);
    t.c_iflag |= (tcflag_t)(INPCK | PARMRK);
    t.c_cflag &= ~(tcflag_t)(CSIZE | CSTOPB | PARODD);
#ifdef CRTSCTS
    t.c_cflag &= ~(tcflag_t)CRTSCTS;
#endif
#ifdef CMSPAR
    t.c_cflag &= ~(tcflag_t)CMSPAR; /* mark/space parity instead of even */
#endif
    t.c_cflag |= (tcflag_t)(CS8 | PARENB | CREAD | CLOCAL);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0) {
        return -errno;
    }
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        /*
         * Linux refuses (EINVAL) a request whose only change is one the driver cannot make: a
         * pseudo-terminal has no parity, so opening one a second time at the same rate fails
         * on PARENB alone. The rate is what matters there; check_speed() judges it.
         */
        if (errno != EINVAL) {
            return -errno;
        }
    }
    return check_speed(fd, speed);
}

int mb_port_open_serial(mb_port_t *port, const char *path, uint32_t baud)
{
    if (port == NULL || path == NULL) {
        return -EINVAL;
    }
    port_reset(port);
    speed_t speed = speed_of(baud);
    if (speed == B0) {
        return -EINVAL;
    }
    size_t len = strlen(path);
    if (len >= sizeof port->name) {
        return -ENAMETOOLONG;
    }
    int fd;
    do {
        /* O_NONBLOCK also keeps open() from waiting for a carrier on modem lines. */
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return -errno;
    }
    if (!isatty(fd)) {
        return close_with(fd, -ENOTTY);
    }
    int err = set_fd_flags(fd);
    if (err == 0) {
        err = configure_serial(fd, speed);
    }
    if (err != 0) {
        return close_with(fd, err);
    }
    (void)tcflush(fd, TCIOFLUSH); /* whatever the line held before it was 8E1 is noise */
    port->fd = fd;
    port->kind = MB_PORT_SERIAL;
    port->baud = baud;
    port->parity_mark = true;
    memcpy(port->name, path, len + 1u);
    return 0;
}

/* ---- TCP ----------------------------------------------------------------------------------- */

/* Connect one address within @p timeout_ms. @return the descriptor, or a negative errno. */
static int connect_one(const struct addrinfo *ai, uint32_t timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        return -errno;
    }
    int err = set_fd_flags(fd);
    if (err != 0) {
        return close_with(fd, err);
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        return fd;
    }
    /* A signal does not abort a non-blocking connect: it goes on as if EINPROGRESS. */
    if (errno != EINPROGRESS && errno != EINTR) {
        return close_with(fd, -errno);
    }
    int r = wait_fd(fd, POLLOUT, timeout_ms);
    if (r <= 0) {
        return close_with(fd, r == 0 ? -ETIMEDOUT : r);
    }
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len) != 0) {
        return close_with(fd, -errno);
    }
    if (so_error != 0) {
        return close_with(fd, -so_error);
    }
    return fd;
}

int mb_port_open_tcp(mb_port_t *port, const char *host, const char *service, uint32_t timeout_ms)
{
    if (port == NULL || host == NULL || service == NULL) {
        return -EINVAL;
    }
    port_reset(port);
    struct addrinfo *list = NULL;
    int err = resolve(host, service, AF_UNSPEC, 0, &list);
    if (err != 0) {
        return err;
    }
    int fd = -EADDRNOTAVAIL;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        fd = connect_one(ai, timeout_ms);
        if (fd >= 0) {
            break;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        return fd; /* the error of the last address tried */
    }
    tcp_options(fd);
    port->fd = fd;
    port->kind = MB_PORT_TCP;
    return 0;
}

/* Bind and listen on one address. @return the descriptor, or a negative errno. */
static int listen_one(const struct addrinfo *ai, bool dual_stack)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
        return -errno;
    }
    int one = 1;
    /* A restarted server must not wait for the old connections' TIME_WAIT to end. */
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (dual_stack) {
        int zero = 0; /* IPv4 clients arrive as ::ffff:a.b.c.d on the same socket */
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    int err = set_fd_flags(fd);
    if (err == 0 && (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 16) != 0)) {
        err = -errno;
    }
    return err != 0 ? close_with(fd, err) : fd;
}

static int listen_resolved(mb_port_listener_t *l, const char *host, const char *service, int family,
                           bool dual_stack)
{
    struct addrinfo *list = NULL;
    int err = resolve(host, service, family, AI_PASSIVE, &list);
    if (err != 0) {
        return err;
    }
    int fd = -EADDRNOTAVAIL;
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
        fd = listen_one(ai, dual_stack);
        if (fd >= 0) {
            break;
        }
    }
    freeaddrinfo(list);
    if (fd < 0) {
        return fd;
    }
    struct sockaddr_storage ss;
    socklen_t ss_len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &ss_len) != 0) {
        return close_with(fd, -errno);
    }
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, &ss, sizeof in6);
        l->port = ntohs(in6.sin6_port);
    } else if (ss.ss_family == AF_INET) {
        struct sockaddr_in in4;
        memcpy(&in4, &ss, sizeof in4);
        l->port = ntohs(in4.sin_port);
    }
    l->fd = fd;
    return 0;
}

int mb_port_listen_tcp(mb_port_listener_t *l, const char *host, const char *service)
{
    if (l == NULL || service == NULL) {
        return -EINVAL;
    }
    l->fd = -1;
    l->port = 0;
    l->listening = false;
    int err;
    if (host != NULL && host[0] != '\0') {
        err = listen_resolved(l, host, service, AF_UNSPEC, false);
    } else {
        /* Every address: one IPv6 socket takes IPv4 too; a host without IPv6 gets an IPv4 one. */
        err = listen_resolved(l, NULL, service, AF_INET6, true);
        if (err < 0 && err != -EADDRINUSE && err != -EACCES) {
            err = listen_resolved(l, NULL, service, AF_INET, false);
        }
    }
    l->listening = err == 0 && l->fd >= 0;
    return err;
}

int mb_port_accept(mb_port_listener_t *l, mb_port_t *port, uint32_t timeout_ms)
{
    if (l == NULL || port == NULL) {
        return -EINVAL;
    }
    port_reset(port);
    if (!l->listening || l->fd < 0) {
        return -EBADF;
    }
    uint32_t start = mb_port_now_ms();
    for (;;) {
        int r = wait_fd(l->fd, POLLIN, left_ms(start, timeout_ms));
        if (r <= 0) {
            return r;
        }
        int fd = accept(l->fd, NULL, NULL);
        if (fd >= 0) {
            /* Accepted sockets do not inherit O_NONBLOCK on every system. */
            int err = set_fd_flags(fd);
            if (err != 0) {
                return close_with(fd, err);
            }
            tcp_options(fd);
            port->fd = fd;
            port->kind = MB_PORT_TCP;
            return 1;
        }
        /* A client that gave up between poll() and accept() is no failure of the listener. */
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED && errno != EINTR) {
            return -errno;
        }
        if (left_ms(start, timeout_ms) == 0u) {
            return 0;
        }
    }
}

void mb_port_listener_close(mb_port_listener_t *l)
{
    if (l == NULL) {
        return;
    }
    if (l->listening && l->fd >= 0) {
        (void)close(l->fd);
    }
    l->fd = -1;
    l->port = 0;
    l->listening = false;
}

/* ---- pseudo-terminals ---------------------------------------------------------------------- */

int mb_port_open_pty(mb_port_t *port)
{
    if (port == NULL) {
        return -EINVAL;
    }
    port_reset(port);
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) {
        return -errno;
    }
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        return close_with(fd, -errno);
    }
#if defined(__linux__)
    int rc = ptsname_r(fd, port->name, sizeof port->name);
    if (rc != 0) {
        port->name[0] = '\0';
        return close_with(fd, rc == ERANGE ? -ENAMETOOLONG : -rc);
    }
#else
    /* ptsname() uses a static buffer: not safe against another thread doing the same. */
    const char *name = ptsname(fd);
    if (name == NULL) {
        return close_with(fd, -errno);
    }
    size_t len = strlen(name);
    if (len >= sizeof port->name) {
        return close_with(fd, -ENAMETOOLONG);
    }
    memcpy(port->name, name, len + 1u);
#endif
    /*
     * The other side starts as a terminal (echo, line editing, CR/NL mapping): a program that
     * opened it without configuring it would see its requests echoed. Make it raw now; a master
     * opening it with mb_port_open_serial() sets its own mode anyway.
     */
    int sfd = open(port->name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (sfd < 0) {
        int err = -errno;
        port->name[0] = '\0';
        return close_with(fd, err);
    }
    struct termios t;
    int err = 0;
    if (tcgetattr(sfd, &t) == 0) {
        cfmakeraw(&t);
        t.c_cflag |= (tcflag_t)(CREAD | CLOCAL);
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        if (tcsetattr(sfd, TCSANOW, &t) != 0) {
            err = -errno;
        }
    } else {
        err = -errno;
    }
    (void)close(sfd);
    if (err == 0) {
        err = set_fd_flags(fd);
    }
    if (err != 0) {
        port->name[0] = '\0';
        return close_with(fd, err);
    }
    port->fd = fd;
    port->kind = MB_PORT_PTY;
    return 0;
}

void mb_port_close(mb_port_t *port)
{
    if (port == NULL) {
        return;
    }
    /* The kind, not fd, says whether the port is open: a zeroed struct has fd 0 (stdin). */
    if (port->kind != MB_PORT_CLOSED && port->fd >= 0) {
        (void)close(port->fd);
    }
    int last_error = port->last_error; /* still of interest after closing */
    port_reset(port);
    port->last_error = last_error;
}

/* ---- HAL ----------------------------------------------------------------------------------- */

static int port_write(void *ctx, const uint8_t *p, size_t len)
{
    mb_port_t *port = ctx;
    if (port == NULL || (p == NULL && len != 0u)) {
        return -EINVAL;
    }
    if (port->kind == MB_PORT_CLOSED || port->fd < 0) {
        port->last_error = EBADF;
        return -EBADF;
    }
    if (len == 0u) {
        return 0;
    }
    if (len > (size_t)INT_MAX) {
        len = (size_t)INT_MAX; /* the count must fit the return value */
    }
    for (;;) {
        /* send() with MSG_NOSIGNAL: a gateway that hung up must give EPIPE, not kill us. */
        ssize_t n = port->kind == MB_PORT_TCP ? send(port->fd, p, len, MSG_NOSIGNAL)
                                              : write(port->fd, p, len);
        if (n >= 0) {
            return (int)n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return 0; /* full: the library offers the rest again on its next poll */
        }
        port->last_error = errno;
        return -errno;
    }
}

static int port_set_baud(void *ctx, uint32_t baud)
{
    mb_port_t *port = ctx;
    if (port == NULL) {
        return -EINVAL;
    }
    if (port->kind != MB_PORT_SERIAL) {
        port->baud = baud; /* bytes only: a gateway or the far program sets its own rate */
        return 0;
    }
    speed_t speed = speed_of(baud);
    if (speed == B0) {
        port->last_error = EINVAL;
        return -EINVAL;
    }
    /* The E5 acknowledging a switch must leave at the old rate: wait for the UART to empty. */
    while (tcdrain(port->fd) != 0) {
        if (errno != EINTR) {
            port->last_error = errno;
            return -errno;
        }
    }
    int err = set_speed(port->fd, speed);
    if (err != 0) {
        port->last_error = -err;
        return err;
    }
    port->baud = baud;
    return 0;
}

static void port_flush(void *ctx)
{
    mb_port_t *port = ctx;
    if (port == NULL || port->kind == MB_PORT_CLOSED || port->fd < 0) {
        return;
    }
    port->mark_state = MARK_NONE; /* an escape cut in half by the flush is gone too */
    if (port->kind != MB_PORT_TCP) {
        (void)tcflush(port->fd, TCIFLUSH);
        return;
    }
    /* A socket has no tcflush(): read and discard what is there now, without waiting. The bound
     * keeps a peer that sends without pause from holding us here. */
    uint8_t sink[512];
    for (unsigned i = 0; i < 64u; i++) {
        ssize_t n = recv(port->fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break; /* empty, closed (the next read says so) or failed */
        }
    }
}

const mb_hal_t mb_port_hal = {port_write, port_set_baud, port_flush};

/* ---- reading ------------------------------------------------------------------------------- */

/* Undo PARMRK escaping in place (the output never runs ahead of the input). @return bytes kept. */
static size_t unmark(mb_port_t *port, uint8_t *buf, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = buf[i];
        switch (port->mark_state) {
        case MARK_FF:
            if (b == 0xFFu) {
                buf[out++] = 0xFFu;
                port->mark_state = MARK_NONE;
            } else if (b == 0x00u) {
                port->mark_state = MARK_FF_00;
            } else {
                /* Not what a driver with PARMRK sends: drop the lone FF (the frame then fails its
                 * checksum and is asked for again), keep this byte. */
                buf[out++] = b;
                port->mark_state = MARK_NONE;
            }
            break;
        case MARK_FF_00: /* the character with the error, or the 00 of a break: dropped */
            port->mark_state = MARK_NONE;
            break;
        default:
            if (b == 0xFFu) {
                port->mark_state = MARK_FF;
            } else {
                buf[out++] = b;
            }
            break;
        }
    }
    return out;
}

int mb_port_read(mb_port_t *port, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    if (port == NULL || buf == NULL || cap == 0u) {
        return -EINVAL;
    }
    if (port->kind == MB_PORT_CLOSED || port->fd < 0) {
        return -EBADF;
    }
    if (cap > (size_t)INT_MAX) {
        cap = (size_t)INT_MAX;
    }
    uint32_t start = mb_port_now_ms();
    for (;;) {
        uint32_t left = left_ms(start, timeout_ms);
        int r = wait_fd(port->fd, POLLIN, left);
        if (r <= 0) {
            return r;
        }
        ssize_t n = read(port->fd, buf, cap);
        if (n > 0) {
            size_t got = port->parity_mark ? unmark(port, buf, (size_t)n) : (size_t)n;
            if (got > 0u) {
                return (int)got;
            }
            continue; /* only marked characters: wait on for real ones (poll ends it in time) */
        }
        /*
         * Linux reports EIO (and poll() POLLHUP) on the controlling side of a pseudo-terminal
         * while no program has the other side open, and some systems read 0 there: that is no
         * failure of the port but a client not there yet. Wait in small steps, as for a timeout,
         * so that a server waiting for its client neither spins nor fails.
         */
        if (port->kind == MB_PORT_PTY && (n == 0 || errno == EIO)) {
            if (left == 0u) {
                return 0;
            }
            sleep_ms(min_u32(left, SLICE_MS));
            continue;
        }
        if (n == 0) {
            return -EPIPE; /* end of file: the peer closed the connection, or the tty hung up */
        }
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
            continue; /* poll() decides again whether there is time left */
        }
        /* A reset is the peer closing too; callers reconnect on one code. */
        return errno == ECONNRESET ? -EPIPE : -errno;
    }
}

uint32_t mb_port_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0u;
    }
    uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    return (uint32_t)ms; /* wraps at 2^32 like every now_ms of the library */
}

/* ---- blocking helpers ---------------------------------------------------------------------- */

#if MB_ENABLE_MASTER

int mb_port_wait(mb_port_t *port, mb_master_t *master, uint32_t wait_ms)
{
    if (port == NULL || master == NULL) {
        return -EINVAL;
    }
    uint32_t start = mb_port_now_ms();
    (void)mb_master_poll(master, start); /* writes what the HAL did not take yet */
    for (;;) {
        uint32_t left = left_ms(start, wait_ms);
        uint8_t buf[256];
        /* Short slices: the master's answer window is closed by a poll, not by arriving bytes. */
        int n = mb_port_read(port, buf, sizeof buf, min_u32(left, SLICE_MS));
        if (n < 0) {
            port->last_error = -n;
            return n;
        }
        uint32_t now = mb_port_now_ms();
        if (n > 0) {
            (void)mb_master_feed(master, buf, (size_t)n, now);
        }
        (void)mb_master_poll(master, now);
        if (left == 0u) {
            return 0;
        }
    }
}

int mb_port_transact(mb_port_t *port, mb_master_t *master)
{
    /* MB_ERR_ARG, not -EINVAL: this function answers in the master's codes. */
    if (port == NULL || master == NULL) {
        return MB_ERR_ARG;
    }
    for (;;) {
        int r = mb_master_poll(master, mb_port_now_ms());
        if (r != MB_MASTER_PENDING) {
            return r;
        }
        uint8_t buf[256];
        int n = mb_port_read(port, buf, sizeof buf, SLICE_MS);
        if (n < 0) {
            port->last_error = -n;
            return MB_ERR_MASTER_LINE;
        }
        if (n > 0) {
            (void)mb_master_feed(master, buf, (size_t)n, mb_port_now_ms());
        }
    }
}

#endif /* MB_ENABLE_MASTER */
