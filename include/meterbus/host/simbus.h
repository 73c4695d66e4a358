/**
 * @file simbus.h
 * @brief A simulated wired M-Bus segment for tests and benchmarks (host code, not firmware).
 *
 * One bus struct holds up to MB_SIMBUS_MAX_NODES ports (masters and slaves) on one two-wire
 * segment with a fake clock. Each port is a node's UART behind a level converter: the node sends
 * through the ordinary transport HAL (mb_simbus_hal with the port as context) and receives bytes
 * through its rx callback, called by the simulator when a character has arrived. Nothing reads a
 * real clock, sleeps or uses threads: the same seed and the same calls give the same bytes at the
 * same instants on every host.
 *
 * Physics (EN 13757-2), simulated at the level of bits, not bytes:
 *
 * - **Time** is kept internally in ticks of 1/MB_SIMBUS_TICKS_PER_S seconds (1152 per
 *   microsecond). Every M-Bus rate (300..38400), and 57600 and 115200, has a whole number of
 *   ticks per half bit, so bit edges and sampling points are exact and expected instants can be
 *   worked out by hand. The public clock is in milliseconds.
 * - **Characters** have 11 bits: start (0), 8 data bits LSB first, even parity, stop (1), each one
 *   bit time at the sender's baud rate. The idle line is 1 (mark). A port sends its characters
 *   back to back, without gaps, from the moment its burst starts.
 * - **Two directions.** Characters sent by a master (voltage modulation) reach every slave and no
 *   master; characters sent by a slave (current modulation) reach every master and no slave.
 * - **Wired-AND.** The line level of a direction at any instant is the AND of the bits of every
 *   character on it at that instant (a space from any sender wins). Overlapping characters are
 *   not combined byte by byte: each receiver decodes the combined bit stream as a UART does, so:
 *   characters that start at the same tick at the same baud rate arrive as the AND of their bytes
 *   (two E5 are one E5; two different frames give the byte-wise AND, with the parity bit also
 *   ANDed, so a parity error where the AND changed the parity); characters offset by less than
 *   half a bit still arrive as the AND; larger offsets arrive garbled the way a UART garbles them
 *   (see the receiver below).
 * - **Receivers** are UARTs at their port's baud rate: a falling edge (1 to 0) of the line starts
 *   a character; the line is sampled in the middle of each of the 11 bit times; a start bit that
 *   is 1 again at its middle is a false start (nothing received, hunting resumes there); otherwise
 *   the character is complete at edge + 11 bit times and is delivered then (rx is called at that
 *   instant), and the next character is hunted from the middle of the stop bit. Characters with a
 *   parity error (odd number of ones in data + parity) or a framing error (stop bit 0) are counted
 *   and, by default, delivered anyway (a UART without parity checking in the driver), or dropped
 *   with mb_simbus_set_drop_errors().
 * - **Baud-rate mismatch** follows from the receiver model: a port whose rate (after set_baud)
 *   differs from the sender's samples at its own rate and receives whatever bytes that gives
 *   (usually garbage with parity and framing errors, sometimes nothing). Example: 0xFF sent at
 *   2400 Bd arrives at 9600 Bd as 0xF8.
 * - **Answer latency.** When a port writes while its transmitter is idle, its bytes start on the
 *   line after the port's latency (set with mb_simbus_set_latency(): bit times at the port's baud
 *   rate plus microseconds; slaves default to 11 bit times, the shortest legal answer delay,
 *   masters to 0). Bytes written while the port is still sending follow its last character
 *   without a gap. A write from inside an rx callback happens at the instant of that delivery, so
 *   an answer to a request starts exactly latency after the request's last character ended.
 *
 * Faults (mb_simbus_set_faults(), mb_simbus_set_noise()) are drawn from pseudo-random streams
 * derived from the seed given to mb_simbus_init(): each port and each noise source has its own
 * stream, so the faults of one port do not change when another port's traffic changes.
 *
 * Memory: the struct is large (about 2 MB, every port holds a ring of characters); allocate it
 * with malloc or make it static. The simulator itself never allocates. Not thread-safe.
 */
#ifndef MB_HOST_SIMBUS_H
#define MB_HOST_SIMBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "meterbus/hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sizes and units ---------------------------------------------------------------------- */

#define MB_SIMBUS_MAX_NODES 260 /**< ports per bus: a master, 250 slaves and spare */
/** Characters a port holds: queued, on the line, or passed but still needed by a slower
 *  receiver. A long frame fits with room to spare; write() takes less when it is full. */
#define MB_SIMBUS_TX_CAP       320u
#define MB_SIMBUS_TICKS_PER_S  1152000000u /**< internal clock ticks per second */
#define MB_SIMBUS_TICKS_PER_MS 1152000u    /**< ticks per millisecond */
#define MB_SIMBUS_TICKS_PER_US 1152u       /**< ticks per microsecond */
#define MB_SIMBUS_PPM          1000000u    /**< probability 1 in the *_ppm fault fields */
#define MB_SIMBUS_BAUD_MIN     50u         /**< lowest baud rate a port accepts */
#define MB_SIMBUS_BAUD_MAX     115200u     /**< highest baud rate a port accepts */

/** Directions of the line; a character travels in exactly one. */
#define MB_SIMBUS_DOWN 1u /**< master to slaves */
#define MB_SIMBUS_UP   2u /**< slaves to master */

/* ---- configuration and statistics --------------------------------------------------------- */

/**
 * Faults of one port, all off when zero. Probabilities are in parts per million
 * (MB_SIMBUS_PPM = always); draws come from the port's own seeded stream.
 */
typedef struct mb_simbus_faults {
    /** Each character the port sends is lost with this probability: its time slot stays idle
     *  (the characters after it keep their places), so receivers see a gap and one byte less. */
    uint32_t drop_ppm;
    /** Each character the port sends has one data bit (chosen at random) inverted with this
     *  probability, while its parity bit still matches the original byte: receivers see a
     *  parity error, and the frame a checksum error. */
    uint32_t flip_ppm;
    /** Each burst (a write to an idle transmitter) starts later by a random 0..delay_max_us
     *  microseconds, on top of the latency, with this probability. */
    uint32_t delay_ppm;
    uint32_t delay_max_us; /**< most extra delay, microseconds */
    /** The port never sends: writes are accepted and counted (bytes_muted) but nothing reaches
     *  the line, like a meter that never answers. */
    bool mute;
    /** Master ports only: the level converter echoes the line's master-to-slave direction back
     *  to the master, so this port also receives its own characters (and those of any other
     *  master), ANDed with what slaves send. */
    bool echo;
} mb_simbus_faults_t;

/** Counters of one port. All wrap at 2^32. */
typedef struct mb_simbus_port_stats {
    uint32_t bytes_written;   /**< bytes taken by write() */
    uint32_t bytes_refused;   /**< bytes write() could not take because the ring was full */
    uint32_t bytes_sent;      /**< characters put on the line */
    uint32_t bytes_dropped;   /**< characters lost by drop_ppm */
    uint32_t bytes_flipped;   /**< characters corrupted by flip_ppm */
    uint32_t bytes_muted;     /**< bytes swallowed because the port is mute */
    uint32_t bursts;          /**< writes that started a new burst (transmitter was idle) */
    uint32_t delays;          /**< bursts given an extra delay by delay_ppm */
    uint32_t collisions;      /**< characters of this port that overlapped a character of
                                   another port scheduled before it in the same direction
                                   (see mb_simbus_stats_t.collisions) */
    uint32_t bytes_received;  /**< characters delivered to rx */
    uint32_t parity_errors;   /**< characters received with a parity error */
    uint32_t framing_errors;  /**< characters received with a stop bit of 0 */
    uint32_t false_starts;    /**< falling edges whose start bit was 1 again at its middle */
    uint32_t bytes_discarded; /**< errored characters not delivered (mb_simbus_set_drop_errors) */
    uint32_t flushes;         /**< calls of the HAL's flush */
} mb_simbus_port_stats_t;

/** Counters of the bus. */
typedef struct mb_simbus_stats {
    uint64_t busy_ticks;  /**< time during which at least one character (in either direction,
                               noise included) was on the line, in ticks */
    uint32_t bytes_sent;  /**< characters put on the line by all ports (noise not included) */
    uint32_t noise_bytes; /**< noise characters injected */
    /** Collisions: a port's character that overlaps in time a character of another port in the
     *  same direction that was scheduled before it. Counted once per such character, so two
     *  slaves answering E5 at once count 1, 250 count 249, and two colliding 10-byte frames
     *  count 10. Noise is not counted here. */
    uint32_t collisions;
    uint32_t deliveries; /**< rx calls made, over all ports */
} mb_simbus_stats_t;

/* ---- the bus ------------------------------------------------------------------------------ */

/**
 * Called by the simulator to hand received bytes to a node, from inside mb_simbus_run_until()
 * (or mb_simbus_run_idle()). The simulator delivers one character per call today; a node must
 * accept any @p n >= 1. @p p is valid only during the call. The callback may write to any port
 * through mb_simbus_hal (an answer is timed from this instant) and may read the clock, but must
 * not call mb_simbus_run_until() or mb_simbus_run_idle() (such calls are ignored).
 * @param now_ms the instant the character was complete, rounded up to a whole millisecond
 */
typedef void (*mb_simbus_rx_fn)(void *ctx, const uint8_t *p, size_t n, uint32_t now_ms);

/** One 11-bit character on the line. Private. */
typedef struct mb_simbus_char {
    uint64_t start; /**< private: tick of the start bit's leading edge */
    uint64_t end;   /**< private: tick the stop bit ends */
    uint32_t baud;  /**< private: the sender's baud rate */
    uint16_t bits;  /**< private: bit k of the character (0 = start .. 10 = stop) in bit k */
} mb_simbus_char_t;

typedef struct mb_simbus mb_simbus_t;

/** A port: one node's UART on the bus. Owned by the bus; members are private. */
typedef struct mb_simbus_port {
    mb_simbus_t *bus;          /**< private */
    uint16_t index;            /**< private: position in the bus (attach order) */
    uint8_t dir;               /**< private: direction this port sends in (MB_SIMBUS_DOWN / _UP) */
    bool is_master;            /**< private */
    bool drop_errors;          /**< private: errored characters are not delivered */
    bool active;               /**< private: listed in the bus's senders */
    mb_simbus_rx_fn rx;        /**< private */
    void *rx_ctx;              /**< private */
    uint32_t baud;             /**< private: baud rate of sending and receiving */
    uint32_t latency_bits;     /**< private */
    uint32_t latency_us;       /**< private */
    mb_simbus_faults_t faults; /**< private */
    uint64_t rng;              /**< private: fault stream */
    /* sending */
    mb_simbus_char_t tx[MB_SIMBUS_TX_CAP]; /**< private: ring of characters, oldest first */
    uint16_t tx_head;                      /**< private */
    uint16_t tx_len;                       /**< private */
    uint64_t burst_start;                  /**< private: tick the current burst began */
    uint32_t burst_baud;                   /**< private: baud rate of the current burst */
    uint32_t burst_count; /**< private: character slots used in it (dropped ones included) */
    uint64_t burst_end;   /**< private: tick its last slot ends */
    /* receiving */
    uint64_t hunt;                /**< private: the receiver looks for a falling edge from here */
    uint64_t edge;                /**< private: start of the character being received */
    uint64_t next;                /**< private: tick that character completes; UINT64_MAX = none */
    bool stale;                   /**< private: edge/next must be worked out again */
    mb_simbus_port_stats_t stats; /**< private */
} mb_simbus_port_t;

/** The bus. Caller-owned, large; initialise with mb_simbus_init(). Members are private. */
struct mb_simbus {
    uint64_t now;              /**< private: the clock, ticks */
    uint32_t baud;             /**< private: the bus's baud rate (new ports, noise) */
    uint32_t seed;             /**< private */
    uint16_t n_ports;          /**< private */
    uint16_t n_active;         /**< private */
    uint8_t dirty;             /**< private: directions written since receivers last looked */
    bool running;              /**< private: inside run_until (re-entry guard) */
    uint32_t noise_gap_us[2];  /**< private: mean gap of noise, [0] down, [1] up; 0 = off */
    uint64_t noise_next[2];    /**< private: tick of the next noise character */
    mb_simbus_port_t noise[2]; /**< private: the noise sources, as ports that never receive */
    mb_simbus_port_t *active[MB_SIMBUS_MAX_NODES + 2]; /**< private: ports with characters */
    mb_simbus_stats_t stats;                           /**< private */
    mb_simbus_port_t ports[MB_SIMBUS_MAX_NODES];       /**< private */
};

/**
 * Initialise @p bus: no ports, clock at 0, no noise, counters zero.
 * @param baud the bus's baud rate (MB_SIMBUS_BAUD_MIN..MAX; others are taken as 2400): ports
 *             start at it, noise is sent at it
 * @param seed seeds every fault stream (any value, 0 included)
 */
void mb_simbus_init(mb_simbus_t *bus, uint32_t baud, uint32_t seed);

/**
 * Attach a node. A master sends towards the slaves and hears the slaves; a slave the other way.
 * The port starts at the bus's baud rate, with the default latency (slaves 11 bit times, masters
 * 0) and no faults. Attach nodes before running; ports cannot be detached (mute one instead).
 * @param rx called with every character the port receives; NULL for a port that only sends
 * @param rx_ctx passed to @p rx
 * @return the port (lives as long as @p bus; pass it as the context of mb_simbus_hal), or NULL
 *         when MB_SIMBUS_MAX_NODES ports are attached or @p bus is NULL
 */
mb_simbus_port_t *mb_simbus_attach(mb_simbus_t *bus, bool is_master, mb_simbus_rx_fn rx,
                                   void *rx_ctx);

/**
 * The transport HAL of a port (the context is the mb_simbus_port_t pointer):
 * - write: never blocks; takes as many bytes as the port's ring has room for (all of them unless
 *   some MB_SIMBUS_TX_CAP characters are still queued) and returns that count; MB_ERR_ARG for a
 *   NULL port or NULL bytes. The bytes go on the line after the latency (idle transmitter) or
 *   right after the port's last character (busy transmitter).
 * - set_baud: changes the port's rate for sending and receiving at once (MB_SIMBUS_BAUD_MIN..MAX,
 *   else MB_ERR_ARG). Characters already queued keep their rate; a character being received is
 *   abandoned and the receiver hunts afresh from now.
 * - flush: counted only; the simulator pushes every character into rx as it completes, so nothing
 *   is ever buffered.
 */
extern const mb_hal_t mb_simbus_hal;

/** @return the clock in milliseconds, rounded up (exact between runs; inside an rx callback it is
 *          the callback's now_ms). Wraps at 2^32. */
uint32_t mb_simbus_now(const mb_simbus_t *bus);

/** @return the clock in ticks (MB_SIMBUS_TICKS_PER_S), the precise instant inside a callback. */
uint64_t mb_simbus_now_ticks(const mb_simbus_t *bus);

/**
 * Advance the clock to @p t_ms, delivering every character that is complete by then, in order
 * of completion (ties: in attach order of the receivers), and injecting noise. Callbacks see the
 * clock at the instant of their character. A time not after the clock does nothing; calls from
 * inside a callback are ignored. Times beyond 2^32 ms are not reachable with this function.
 */
void mb_simbus_run_until(mb_simbus_t *bus, uint32_t t_ms);

/**
 * Advance until the bus is quiet: no port has a character queued or on the line and no receiver
 * is inside a character; or until @p limit_ms, whichever comes first. Noise does not keep the bus
 * busy but is still injected while time passes. The clock then stands at the next whole
 * millisecond (or at @p limit_ms).
 * @return true when the bus became quiet by @p limit_ms
 */
bool mb_simbus_run_idle(mb_simbus_t *bus, uint32_t limit_ms);

/**
 * Set a port's answer latency: @p bits bit times at the port's baud rate (counted at the instant
 * of each write, so they follow set_baud) plus @p us microseconds. 11 bits .. 330 bits + 50000 us
 * is the range EN 13757-2 allows a slave.
 */
void mb_simbus_set_latency(mb_simbus_port_t *port, uint32_t bits, uint32_t us);

/** Set a port's faults (copied). Takes effect with the next character written. */
void mb_simbus_set_faults(mb_simbus_port_t *port, const mb_simbus_faults_t *faults);

/** When @p drop is true, characters received with a parity or framing error are counted and not
 *  delivered (a UART driver that ignores bad characters); by default they are delivered. */
void mb_simbus_set_drop_errors(mb_simbus_port_t *port, bool drop);

/**
 * Inject noise: random characters (random byte, its correct parity, at the bus's baud rate) at
 * random instants, each gap between the end of one and the start of the next drawn uniformly from
 * 1..2 * mean microseconds. Noise on the slave-to-master direction reaches masters only; on the
 * master-to-slave direction slaves only (and echoing masters). It ANDs with other characters like
 * any sender. 0 turns a direction off. The first noise character comes one gap after this call.
 * @param down_mean_gap_us mean gap of noise towards the slaves
 * @param up_mean_gap_us   mean gap of noise towards the masters
 */
void mb_simbus_set_noise(mb_simbus_t *bus, uint32_t down_mean_gap_us, uint32_t up_mean_gap_us);

/** @return the port's counters, valid as long as the bus. */
const mb_simbus_port_stats_t *mb_simbus_port_stats(const mb_simbus_port_t *port);

/** @return the bus's counters, valid as long as the bus. */
const mb_simbus_stats_t *mb_simbus_stats(const mb_simbus_t *bus);

/** @return the port's current baud rate. */
uint32_t mb_simbus_port_baud(const mb_simbus_port_t *port);

#ifdef __cplusplus
}
#endif

#endif /* MB_HOST_SIMBUS_H */
