/*
 * Host ports (include/meterbus/host/port.h), as integration tests with bounded timeouts: a real
 * master and a real slave talking through a pseudo-terminal (the master's side opened as a serial
 * line, 8E1 with PARMRK) and through TCP over IPv4 and IPv6 loopback; the PARMRK decoder on a
 * descriptor the test controls; open, connect and line errors; the baud switch of a serial line.
 *
 * The slave runs in a thread that reads its port with short timeouts; cmocka's assertions are
 * used in the main thread only (they jump out of the test), the thread records what it saw.
 */
#define _POSIX_C_SOURCE 200809L /* pthreads, socketpair, nanosleep, poll, termios */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "meterbus/host/port.h"
#include "meterbus/master.h"
#include "meterbus/records.h"
#include "meterbus/slave.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------------------------- */

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Wait until @p fd has bytes to read (the far side of a pty delivers them asynchronously). */
static void wait_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 2000), 1);
}

/* A listener on @p host, a client connected to it and the accepted server side. */
static int tcp_pair(const char *host, mb_port_listener_t *l, mb_port_t *client, mb_port_t *server)
{
    int rc = mb_port_listen_tcp(l, host, "0");
    if (rc != 0) {
        return rc;
    }
    assert_true(l->port != 0u);
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)l->port);
    assert_int_equal(mb_port_open_tcp(client, host, service, 1000), 0);
    assert_int_equal(client->kind, MB_PORT_TCP);
    assert_int_equal(mb_port_accept(l, server, 1000), 1);
    assert_int_equal(server->kind, MB_PORT_TCP);
    assert_true(server->fd >= 0);
    return 0;
}

/* ---- argument and open errors -------------------------------------------------------------- */

static void null_arguments(void **state)
{
    (void)state;
    mb_port_t p;
    mb_port_listener_t l;
    uint8_t b[4] = {0};
    assert_int_equal(mb_port_open_serial(NULL, "/dev/null", 2400), -EINVAL);
    assert_int_equal(mb_port_open_serial(&p, NULL, 2400), -EINVAL);
    assert_int_equal(mb_port_open_tcp(NULL, "127.0.0.1", "1", 10), -EINVAL);
    assert_int_equal(mb_port_open_tcp(&p, NULL, "1", 10), -EINVAL);
    assert_int_equal(mb_port_open_tcp(&p, "127.0.0.1", NULL, 10), -EINVAL);
    assert_int_equal(mb_port_listen_tcp(NULL, NULL, "0"), -EINVAL);
    assert_int_equal(mb_port_listen_tcp(&l, NULL, NULL), -EINVAL);
    assert_int_equal(mb_port_accept(NULL, &p, 0), -EINVAL);
    memset(&l, 0, sizeof l); /* a zeroed listener is a closed one: its fd 0 is not touched */
    assert_int_equal(mb_port_accept(&l, NULL, 0), -EINVAL);
    assert_int_equal(mb_port_accept(&l, &p, 0), -EBADF);
    mb_port_listener_close(&l);
    assert_false(l.listening);
    assert_int_equal(mb_port_open_pty(NULL), -EINVAL);
    assert_int_equal(mb_port_read(NULL, b, sizeof b, 0), -EINVAL);
    assert_int_equal(mb_port_read(&p, NULL, sizeof b, 0), -EINVAL);
    assert_int_equal(mb_port_read(&p, b, 0, 0), -EINVAL);
    assert_int_equal(mb_port_hal.write(NULL, b, 1), -EINVAL);
    assert_int_equal(mb_port_hal.set_baud(NULL, 2400), -EINVAL);
    mb_port_hal.flush(NULL);
    mb_port_close(NULL);
    mb_port_listener_close(NULL);
    /* A zeroed port is closed (its fd 0 is not touched), and so is a closed one. */
    memset(&p, 0, sizeof p);
    mb_port_close(&p);
    assert_int_equal(p.fd, -1);
    assert_int_equal(mb_port_read(&p, b, sizeof b, 0), -EBADF);
    assert_int_equal(mb_port_hal.write(&p, b, 1), -EBADF);
    assert_int_equal(p.last_error, EBADF);
    mb_port_close(&p);
    mb_port_listener_close(&l);
    assert_int_equal(l.fd, -1);
#if MB_ENABLE_MASTER
    mb_master_t m;
    mb_master_init(&m, &mb_port_hal, &p, NULL);
    assert_int_equal(mb_port_transact(NULL, &m), MB_ERR_ARG);
    assert_int_equal(mb_port_transact(&p, NULL), MB_ERR_ARG);
    assert_int_equal(mb_port_wait(NULL, &m, 0), -EINVAL);
    assert_int_equal(mb_port_wait(&p, NULL, 0), -EINVAL);
#endif
}

static void open_errors(void **state)
{
    (void)state;
    mb_port_t p;
    assert_int_equal(mb_port_open_serial(&p, "/nonexistent/ttyUSB9", 2400), -ENOENT);
    assert_int_equal(p.fd, -1);
    assert_int_equal(p.kind, MB_PORT_CLOSED);
    assert_int_equal(mb_port_open_serial(&p, "/dev/null", 2400), -ENOTTY);
    assert_int_equal(p.fd, -1);

    mb_port_t pty;
    assert_int_equal(mb_port_open_pty(&pty), 0);
    assert_int_equal(mb_port_open_serial(&p, pty.name, 1234), -EINVAL);
    assert_int_equal(mb_port_open_serial(&p, pty.name, 0), -EINVAL);
    assert_int_equal(mb_port_open_serial(&p, pty.name, 57600), -EINVAL);
    assert_int_equal(p.fd, -1);
    mb_port_close(&pty);
    assert_int_equal(pty.fd, -1);
    assert_int_equal(pty.kind, MB_PORT_CLOSED);

    /* A port nobody listens on: take a free one from the system, then stop listening. */
    mb_port_listener_t l;
    assert_int_equal(mb_port_listen_tcp(&l, "127.0.0.1", "0"), 0);
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)l.port);
    mb_port_listener_close(&l);
    assert_int_equal(mb_port_open_tcp(&p, "127.0.0.1", service, 1000), -ECONNREFUSED);
    assert_int_equal(p.fd, -1);
    assert_int_equal(mb_port_open_tcp(&p, "no-such-host.invalid", "10001", 1000), -EADDRNOTAVAIL);
    assert_int_equal(p.fd, -1);
    /* Nobody comes: accept times out. */
    assert_int_equal(mb_port_listen_tcp(&l, "127.0.0.1", "0"), 0);
    assert_int_equal(mb_port_accept(&l, &p, 20), 0);
    assert_int_equal(p.fd, -1);
    mb_port_listener_close(&l);
}

/* ---- PARMRK decoding ----------------------------------------------------------------------- */

/* What a PARMRK line delivers for 10, <parity error on 41>, 5B, FF, 16, <break>. */
static const uint8_t marked[] = {0x10, 0xFF, 0x00, 0x41, 0x5B, 0xFF, 0xFF, 0x16, 0xFF, 0x00, 0x00};
static const uint8_t unmarked[] = {0x10, 0x5B, 0xFF, 0x16};

/* A port wrapped around one end of a socket pair (as port.h allows), the other end in *peer. */
static void wrapped_port(mb_port_t *port, int *peer)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK), 0);
    memset(port, 0, sizeof *port);
    port->fd = sv[0];
    port->kind = MB_PORT_SERIAL;
    port->parity_mark = true;
    *peer = sv[1];
}

static void put(int fd, const uint8_t *p, size_t n)
{
    if (n > 0u) {
        assert_int_equal(write(fd, p, n), (ssize_t)n);
    }
}

static void parity_marks_are_removed(void **state)
{
    (void)state;
    mb_port_t port;
    int peer;
    wrapped_port(&port, &peer);
    uint8_t got[32];
    /* Split at every position: the first part is read before the second is written. */
    for (size_t split = 0; split <= sizeof marked; split++) {
        size_t n = 0;
        put(peer, marked, split);
        int r = mb_port_read(&port, got, sizeof got, 0);
        assert_true(r >= 0);
        n += (size_t)r;
        put(peer, marked + split, sizeof marked - split);
        while (n < sizeof unmarked) {
            r = mb_port_read(&port, got + n, sizeof got - n, 1000);
            assert_true(r > 0);
            n += (size_t)r;
        }
        assert_int_equal(n, sizeof unmarked);
        assert_memory_equal(got, unmarked, sizeof unmarked);
        /* The break at the end is dropped whole; nothing is left. */
        assert_int_equal(mb_port_read(&port, got, sizeof got, 0), 0);
        assert_int_equal(port.mark_state, 0);
    }
    /* One byte per write() and per read(): every escape spans reads. */
    size_t n = 0;
    for (size_t i = 0; i < sizeof marked; i++) {
        put(peer, marked + i, 1);
        int r = mb_port_read(&port, got + n, 1, 0);
        assert_true(r >= 0);
        n += (size_t)r;
    }
    assert_int_equal(n, sizeof unmarked);
    assert_memory_equal(got, unmarked, sizeof unmarked);
    /* A port without parity_mark gives the bytes as they come. */
    port.parity_mark = false;
    put(peer, marked, sizeof marked);
    wait_readable(port.fd);
    assert_int_equal(mb_port_read(&port, got, sizeof got, 1000), (int)sizeof marked);
    assert_memory_equal(got, marked, sizeof marked);
    close(peer);
    mb_port_close(&port);
}

static void *write_later(void *arg)
{
    int fd = *(int *)arg;
    static const uint8_t late = 0x10;
    sleep_ms(30);
    if (write(fd, &late, 1) != 1) {
        return (void *)1;
    }
    return NULL;
}

/* A read that finds only errored characters goes on waiting instead of reporting a timeout. */
static void marked_only_read_waits_on(void **state)
{
    (void)state;
    mb_port_t port;
    int peer;
    wrapped_port(&port, &peer);
    put(peer, marked + 1, 3); /* FF 00 41: one character with a parity error */
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_later, &peer), 0);
    uint8_t got[8];
    assert_int_equal(mb_port_read(&port, got, sizeof got, 2000), 1);
    assert_int_equal(got[0], 0x10);
    void *res;
    assert_int_equal(pthread_join(t, &res), 0);
    assert_null(res);
    close(peer);
    mb_port_close(&port);
}

/* ---- pseudo-terminal: raw line, no client, flush, baud switch ------------------------------ */

static void pty_without_client_reads_as_timeout(void **state)
{
    (void)state;
    mb_port_t pty;
    assert_int_equal(mb_port_open_pty(&pty), 0);
    assert_int_equal(pty.kind, MB_PORT_PTY);
    assert_false(pty.parity_mark);
    assert_true(strncmp(pty.name, "/dev/", 5) == 0);
    uint8_t got[16];
    uint32_t t0 = mb_port_now_ms();
    assert_int_equal(mb_port_read(&pty, got, sizeof got, 50), 0);
    assert_true(mb_port_now_ms() - t0 >= 45u); /* waited, did not fail or return at once */
    /* A client comes: its bytes arrive unchanged (the far side was made raw: no CR mapping). */
    mb_port_t line;
    assert_int_equal(mb_port_open_serial(&line, pty.name, 2400), 0);
    static const uint8_t req[] = {0x0D, 0x0A, 0xFF, 0x00, 0x7F, 0x03};
    assert_int_equal(mb_port_hal.write(&line, req, sizeof req), (int)sizeof req);
    size_t n = 0;
    while (n < sizeof req) {
        int r = mb_port_read(&pty, got + n, sizeof got - n, 1000);
        assert_true(r > 0);
        n += (size_t)r;
    }
    assert_memory_equal(got, req, sizeof req);
    /* The client goes again: a timeout, not an error. */
    mb_port_close(&line);
    assert_int_equal(mb_port_read(&pty, got, sizeof got, 20), 0);
    /* And comes back at the same rate (Linux refuses a pty's setup that changes only its parity,
       which a pty does not have), then at another one. */
    assert_int_equal(mb_port_open_serial(&line, pty.name, 2400), 0);
    mb_port_close(&line);
    assert_int_equal(mb_port_open_serial(&line, pty.name, 9600), 0);
    mb_port_close(&line);
    assert_int_equal(mb_port_open_serial(&line, pty.name, 9600), 0);
    mb_port_close(&line);
    mb_port_close(&pty);
}

static void flush_discards_received_bytes(void **state)
{
    (void)state;
    static const uint8_t junk[] = {0xE5, 0xE5, 0x68};
    uint8_t got[8];
    /* Serial line (the far side of a pty). */
    mb_port_t pty, line;
    assert_int_equal(mb_port_open_pty(&pty), 0);
    assert_int_equal(mb_port_open_serial(&line, pty.name, 2400), 0);
    assert_int_equal(mb_port_hal.write(&pty, junk, sizeof junk), (int)sizeof junk);
    wait_readable(line.fd);
    mb_port_hal.flush(&line);
    assert_int_equal(mb_port_read(&line, got, sizeof got, 20), 0);
    mb_port_close(&line);
    mb_port_close(&pty);
    /* TCP. */
    mb_port_listener_t l;
    mb_port_t client, server;
    assert_int_equal(tcp_pair("127.0.0.1", &l, &client, &server), 0);
    assert_int_equal(mb_port_hal.write(&server, junk, sizeof junk), (int)sizeof junk);
    wait_readable(client.fd);
    mb_port_hal.flush(&client);
    assert_int_equal(mb_port_read(&client, got, sizeof got, 20), 0);
    /* Still connected: later bytes arrive. */
    assert_int_equal(mb_port_hal.write(&server, junk, 1), 1);
    assert_int_equal(mb_port_read(&client, got, sizeof got, 1000), 1);
    assert_int_equal(got[0], 0xE5);
    mb_port_close(&client);
    mb_port_close(&server);
    mb_port_listener_close(&l);
}

static void baud_switch(void **state)
{
    (void)state;
    mb_port_t pty, line;
    assert_int_equal(mb_port_open_pty(&pty), 0);
    assert_int_equal(mb_port_open_serial(&line, pty.name, 2400), 0);
    assert_int_equal(line.baud, 2400);
    struct termios t;
    assert_int_equal(tcgetattr(line.fd, &t), 0);
    assert_int_equal(cfgetospeed(&t), B2400);
    /* 8E1 (Linux clears PARENB on a pty, which has no parity), raw, errors marked, reads never
     * wait. */
    assert_int_equal(t.c_cflag & (CSIZE | PARODD | CSTOPB), CS8);
    assert_int_equal(t.c_iflag & (INPCK | PARMRK | IGNPAR | IXON | IXOFF), INPCK | PARMRK);
    assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG), 0);
    assert_int_equal(t.c_cc[VMIN], 0);
    assert_int_equal(t.c_cc[VTIME], 0);

    assert_int_equal(mb_port_hal.set_baud(&line, 9600), 0);
    assert_int_equal(line.baud, 9600);
    assert_int_equal(tcgetattr(line.fd, &t), 0);
    assert_int_equal(cfgetospeed(&t), B9600);
    assert_int_equal(cfgetispeed(&t), B9600);
    assert_int_equal(t.c_cflag & (CSIZE | PARODD | CSTOPB), CS8);
    assert_int_equal(t.c_iflag & (INPCK | PARMRK), INPCK | PARMRK);
    assert_int_equal(mb_port_hal.set_baud(&line, 1234), -EINVAL);
    assert_int_equal(line.last_error, EINVAL);
    assert_int_equal(line.baud, 9600);
    assert_int_equal(tcgetattr(line.fd, &t), 0);
    assert_int_equal(cfgetospeed(&t), B9600);
#if MB_ENABLE_MASTER
    /* Through the master, as after a CI B8..BF switch. */
    mb_master_t m;
    mb_master_init(&m, &mb_port_hal, &line, NULL);
    assert_int_equal(mb_master_set_line_baud(&m, 300), MB_OK);
    assert_int_equal(tcgetattr(line.fd, &t), 0);
    assert_int_equal(cfgetospeed(&t), B300);
    assert_int_equal(mb_master_set_line_baud(&m, 1234), MB_ERR_MASTER_LINE);
#endif
    /* A pty's controlling side has no rate of its own: any is taken. */
    assert_int_equal(mb_port_hal.set_baud(&pty, 4800), 0);
    assert_int_equal(pty.baud, 4800);
    mb_port_close(&line);
    mb_port_close(&pty);
}

#if MB_ENABLE_MASTER && MB_ENABLE_SLAVE

/* ---- a meter in a thread ------------------------------------------------------------------- */

#define METER_ADDR 5u
#define METER_ID   0x12345678u
#define METER_MAN  0x5274u /* "TST" */

/*
 * The meter's records: values with FF bytes and an FF 00 pair, which a PARMRK line delivers as
 * FF FF and FF FF 00 (a decoder that took FF 00 for an error mark would lose a byte).
 */
static const uint8_t meter_records[] = {
    0x0C, 0x13, 0x78, 0x56, 0x34, 0x12, /* volume, 8 BCD digits: 12345.678 m3 */
    0x04, 0x13, 0xFF, 0x00, 0xFF, 0x00, /* volume, 32-bit: 0x00FF00FF = 16711935 L */
    0x02, 0xFD, 0x17, 0xFF, 0xFF,       /* error flags FFFF */
};

/* The RSP_UD's user data after CI: long header, then the records. */
static size_t meter_user_data(uint8_t *out)
{
    static const uint8_t header[] = {0x78, 0x56, 0x34, 0x12, 0x74, 0x52,
                                     0x01, 0x07, 0x2A, 0x00, 0x00, 0x00};
    memcpy(out, header, sizeof header);
    memcpy(out + sizeof header, meter_records, sizeof meter_records);
    return sizeof header + sizeof meter_records;
}

static int meter_respond(void *ctx, uint8_t req_class, unsigned telegram, uint8_t *out, size_t cap,
                         bool *more)
{
    (void)ctx;
    (void)telegram;
    (void)more;
    if (req_class != 2u || cap < 64u) {
        return 0;
    }
    out[0] = 0x72;
    return (int)(1u + meter_user_data(out + 1));
}

static const mb_slave_app_t meter_app = {meter_respond, NULL, NULL};

typedef struct server {
    mb_port_t port; /* set before server_start() */
    mb_slave_t slave;
    pthread_t thread;
    pthread_mutex_t lock;
    bool stop;      /* under lock */
    int read_error; /* the first failed read; look after server_stop() */
} server_t;

static bool server_stopping(server_t *s)
{
    pthread_mutex_lock(&s->lock);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->lock);
    return stop;
}

static void *server_main(void *arg)
{
    server_t *s = arg;
    while (!server_stopping(s)) {
        uint8_t buf[300];
        int n = mb_port_read(&s->port, buf, sizeof buf, 5);
        uint32_t now = mb_port_now_ms();
        if (n > 0) {
            (void)mb_slave_feed(&s->slave, buf, (size_t)n, now);
        } else if (n < 0) {
            if (s->read_error == 0) {
                s->read_error = n;
            }
            break;
        }
        mb_slave_poll(&s->slave, now);
    }
    return NULL;
}

static void server_start(server_t *s, uint32_t baud)
{
    mb_slave_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.address = METER_ADDR;
    cfg.secondary.id = METER_ID;
    cfg.secondary.manufacturer = METER_MAN;
    cfg.secondary.version = 0x01;
    cfg.secondary.medium = 0x07;
    cfg.baud = baud;
    mb_slave_init(&s->slave, &mb_port_hal, &s->port, &meter_app, NULL, &cfg);
    s->stop = false;
    s->read_error = 0;
    assert_int_equal(pthread_mutex_init(&s->lock, NULL), 0);
    assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void server_stop(server_t *s)
{
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_mutex_unlock(&s->lock);
    assert_int_equal(pthread_join(s->thread, NULL), 0);
    pthread_mutex_destroy(&s->lock);
    assert_int_equal(s->read_error, 0);
}

/* ---- the master's side --------------------------------------------------------------------- */

/* The reply in @p m is the meter's telegram, byte for byte and value for value. */
static void check_reply(const mb_master_t *m)
{
    mb_frame_t f;
    assert_true(mb_master_reply(m, &f));
    assert_int_equal(f.type, MB_FRAME_LONG);
    assert_int_equal(f.a, METER_ADDR);
    assert_int_equal(f.ci, 0x72);
    uint8_t want[64];
    size_t n = meter_user_data(want);
    assert_int_equal(f.data_len, n);
    assert_memory_equal(f.data, want, n);

    mb_records_t it;
    mb_record_t r;
    mb_records_init(&it, f.data + 12, f.data_len - 12u, 0);
    assert_int_equal(mb_records_next(&it, &r), 1);
    assert_int_equal(r.value.kind, MB_VALUE_NUMBER);
    assert_int_equal(r.value.mantissa, 12345678);
    assert_int_equal(r.value.exponent, -3);
    assert_int_equal(mb_records_next(&it, &r), 1);
    assert_int_equal(r.value.kind, MB_VALUE_NUMBER);
    assert_int_equal(r.value.mantissa, 0x00FF00FF);
    assert_int_equal(r.value.exponent, -3);
    assert_int_equal(mb_records_next(&it, &r), 1);
    assert_int_equal(r.data_len, 2);
    assert_int_equal(r.data[0], 0xFF);
    assert_int_equal(r.data[1], 0xFF);
    assert_int_equal(mb_records_next(&it, &r), 0);
}

static void readout(mb_port_t *line, mb_master_t *m, uint8_t addr)
{
    assert_int_equal(mb_master_req_ud2(m, addr, mb_port_now_ms()), MB_OK);
    assert_int_equal(mb_port_transact(line, m), MB_OK);
    check_reply(m);
}

static void link_reset(mb_port_t *line, mb_master_t *m)
{
    assert_int_equal(mb_master_snd_nke(m, METER_ADDR, mb_port_now_ms()), MB_OK);
    assert_int_equal(mb_port_transact(line, m), MB_OK);
    mb_frame_t f;
    assert_true(mb_master_reply(m, &f));
    assert_int_equal(f.type, MB_FRAME_ACK);
}

static void select_meter(mb_port_t *line, mb_master_t *m, const mb_secondary_t *mask)
{
    assert_int_equal(mb_master_select(m, mask, NULL, mb_port_now_ms()), MB_OK);
    assert_int_equal(mb_port_transact(line, m), MB_OK);
}

static void no_faults(const mb_master_t *m, uint32_t requests)
{
    mb_master_stats_t st = mb_master_stats(m);
    assert_int_equal(st.requests, requests);
    assert_int_equal(st.retries, 0);
    assert_int_equal(st.timeouts, 0);
    assert_int_equal(st.collisions, 0);
}

/* ---- end to end ---------------------------------------------------------------------------- */

static void pty_master_and_slave(void **state)
{
    (void)state;
    server_t srv;
    assert_int_equal(mb_port_open_pty(&srv.port), 0);
    mb_port_t line;
    assert_int_equal(mb_port_open_serial(&line, srv.port.name, 2400), 0);
    assert_int_equal(line.kind, MB_PORT_SERIAL);
    assert_true(line.parity_mark);
    assert_string_equal(line.name, srv.port.name);
    server_start(&srv, 2400);

    mb_master_t m;
    mb_master_config_t cfg = {2400, 100, 0};
    mb_master_init(&m, &mb_port_hal, &line, &cfg);
    link_reset(&line, &m);
    readout(&line, &m, METER_ADDR);
    readout(&line, &m, METER_ADDR); /* FCB toggled: a new telegram */
    /* Wildcards put FF bytes on the way to the slave (the pty's controlling side reads raw). */
    mb_secondary_t mask = {METER_ID, 0xFFFF, 0xFF, 0xFF};
    select_meter(&line, &m, &mask);
    readout(&line, &m, 253);
    no_faults(&m, 5);
    server_stop(&srv);

    const mb_slave_stats_t *ss = mb_slave_stats(&srv.slave);
    assert_int_equal(ss->replies, 5);
    assert_int_equal(ss->repeats, 0);
    assert_int_equal(mb_slave_rx_stats(&srv.slave)->bytes_discarded, 0);
    mb_port_close(&line);
    mb_port_close(&srv.port);
}

static void tcp_master_and_slave(const char *host)
{
    mb_port_listener_t l;
    mb_port_t client;
    server_t srv;
    int rc = tcp_pair(host, &l, &client, &srv.port);
    if (rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL) {
        printf("port: no %s loopback on this system (%s): case skipped\n", host, strerror(-rc));
        return;
    }
    assert_int_equal(rc, 0);
    server_start(&srv, 0);

    mb_master_t m;
    mb_master_config_t cfg = {38400, 50, 0};
    mb_master_init(&m, &mb_port_hal, &client, &cfg);
    link_reset(&client, &m);
    readout(&client, &m, METER_ADDR);
    mb_secondary_t mask = {METER_ID, METER_MAN, 0x01, 0x07};
    select_meter(&client, &m, &mask);
    readout(&client, &m, 253);
    /* The same through mb_port_wait(), as a loop around mb_readout_poll() would use it. */
    assert_int_equal(mb_master_req_ud2(&m, METER_ADDR, mb_port_now_ms()), MB_OK);
    uint32_t t0 = mb_port_now_ms();
    while (mb_master_busy(&m) && mb_port_now_ms() - t0 < 2000u) {
        assert_int_equal(mb_port_wait(&client, &m, 20), 0);
    }
    assert_int_equal(mb_master_poll(&m, mb_port_now_ms()), MB_OK);
    check_reply(&m);
    no_faults(&m, 5);
    server_stop(&srv);

    mb_port_close(&client);
    mb_port_close(&srv.port);
    mb_port_listener_close(&l);
}

static void tcp_ipv4(void **state)
{
    (void)state;
    tcp_master_and_slave("127.0.0.1");
}

static void tcp_ipv6(void **state)
{
    (void)state;
    tcp_master_and_slave("::1");
}

#endif /* MB_ENABLE_MASTER && MB_ENABLE_SLAVE */

/* A listener for every address takes IPv4 clients too (one dual-stack socket, or IPv4 only). */
static void listen_on_every_address(void **state)
{
    (void)state;
    mb_port_listener_t l;
    assert_int_equal(mb_port_listen_tcp(&l, NULL, "0"), 0);
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)l.port);
    mb_port_t client, server;
    assert_int_equal(mb_port_open_tcp(&client, "127.0.0.1", service, 1000), 0);
    assert_int_equal(mb_port_accept(&l, &server, 1000), 1);
    static const uint8_t e5 = 0xE5;
    assert_int_equal(mb_port_hal.write(&server, &e5, 1), 1);
    uint8_t got[4];
    assert_int_equal(mb_port_read(&client, got, sizeof got, 1000), 1);
    assert_int_equal(got[0], 0xE5);
    mb_port_close(&client);
    mb_port_close(&server);
    mb_port_listener_close(&l);
}

/* ---- line errors --------------------------------------------------------------------------- */

static void peer_closes(void **state)
{
    (void)state;
    mb_port_listener_t l;
    mb_port_t client, server;
    assert_int_equal(tcp_pair("127.0.0.1", &l, &client, &server), 0);
    mb_port_close(&server);
    uint8_t got[8];
    assert_int_equal(mb_port_read(&client, got, sizeof got, 1000), -EPIPE);
    /* The first write may still be taken (the peer answers it with a reset); then EPIPE, and no
     * SIGPIPE kills the test. */
    static const uint8_t nke[] = {0x10, 0x40, 0x05, 0x45, 0x16};
    int rc = 0;
    for (int i = 0; i < 100 && rc >= 0; i++) {
        rc = mb_port_hal.write(&client, nke, sizeof nke);
        if (rc >= 0) {
            sleep_ms(5);
        }
    }
    assert_true(rc < 0);
    assert_int_equal(rc, -client.last_error);
    assert_true(client.last_error == EPIPE || client.last_error == ECONNRESET);
#if MB_ENABLE_MASTER
    /* The helpers report the line's failure. */
    mb_master_t m;
    mb_master_config_t cfg = {38400, 0, 0};
    mb_master_init(&m, &mb_port_hal, &client, &cfg);
    client.last_error = 0;
    assert_true(mb_master_req_ud2(&m, 5, mb_port_now_ms()) < 0); /* the write fails at once */
    assert_int_equal(mb_port_transact(&client, &m), MB_ERR_MASTER_LINE);
    assert_true(client.last_error == EPIPE || client.last_error == ECONNRESET);
    client.last_error = 0;
    assert_true(mb_port_wait(&client, &m, 10) < 0);
    assert_int_equal(client.last_error, EPIPE);
#endif
    mb_port_close(&client);
    mb_port_listener_close(&l);
}

#if MB_ENABLE_MASTER

static void silent_slave_times_out(void **state)
{
    (void)state;
    mb_port_listener_t l;
    mb_port_t client, server;
    assert_int_equal(tcp_pair("127.0.0.1", &l, &client, &server), 0);
    mb_master_t m;
    mb_master_config_t cfg = {38400, 0, 0};
    mb_master_init(&m, &mb_port_hal, &client, &cfg);
    uint32_t t0 = mb_port_now_ms();
    assert_int_equal(mb_master_req_ud2(&m, 5, t0), MB_OK);
    assert_int_equal(mb_port_transact(&client, &m), MB_ERR_MASTER_TIMEOUT);
    uint32_t took = mb_port_now_ms() - t0;
    uint32_t limit = mb_master_timeout_ms(38400, 5, 0);
    /* The answer window is 330 bit times + 50 ms; the helper polls at least every 10 ms. */
    assert_true(took >= 50u);
    assert_true(took <= limit + 100u);
    mb_master_stats_t st = mb_master_stats(&m);
    assert_int_equal(st.timeouts, 1);
    /* The request did go out. */
    static const uint8_t req[] = {0x10, 0x7B, 0x05, 0x80, 0x16};
    uint8_t got[16];
    assert_int_equal(mb_port_read(&server, got, sizeof got, 1000), (int)sizeof req);
    assert_memory_equal(got, req, sizeof req);
    mb_port_close(&client);
    mb_port_close(&server);
    mb_port_listener_close(&l);
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_arguments),
        cmocka_unit_test(open_errors),
        cmocka_unit_test(parity_marks_are_removed),
        cmocka_unit_test(marked_only_read_waits_on),
        cmocka_unit_test(pty_without_client_reads_as_timeout),
        cmocka_unit_test(flush_discards_received_bytes),
        cmocka_unit_test(baud_switch),
#if MB_ENABLE_MASTER && MB_ENABLE_SLAVE
        cmocka_unit_test(pty_master_and_slave),
        cmocka_unit_test(tcp_ipv4),
        cmocka_unit_test(tcp_ipv6),
#endif
        cmocka_unit_test(listen_on_every_address),
        cmocka_unit_test(peer_closes),
#if MB_ENABLE_MASTER
        cmocka_unit_test(silent_slave_times_out),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
