/* meterbus command-line tool: the commands, each in its own file, and what they share. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "meterbus/host/port.h"
#include "meterbus/meterbus.h"

/* Exit statuses of every command (docs/cli.md lists them for scripts). */
#define CLI_OK        0 /* done */
#define CLI_FAILED    1 /* a telegram did not decode, a meter refused or garbled its answer */
#define CLI_USAGE     2 /* wrong arguments */
#define CLI_NO_ANSWER 3 /* no meter answered */
#define CLI_LINE      4 /* the port could not be opened, or the line failed */

/* meterbus decode (meterbus.c) */
int cli_decode(int argc, char **argv);
/* meterbus scan, meterbus read (bus.c) */
int cli_scan(int argc, char **argv);
int cli_read(int argc, char **argv);
/* meterbus set-address, set-baud, reset, send (admin.c) */
int cli_set_address(int argc, char **argv);
int cli_set_baud(int argc, char **argv);
int cli_reset(int argc, char **argv);
int cli_send(int argc, char **argv);
/* meterbus demo (demo.c) */
int cli_demo(int argc, char **argv);
/* meterbus sim (sim.c) */
int cli_sim(int argc, char **argv);
/* meterbus wmbus (wmbus.c) */
int cli_wmbus(int argc, char **argv);

/*
 * Human-readable output (table.c): a telegram as a header line (meter ID, manufacturer, medium,
 * access number, status) and a table of its records (storage, tariff, subunit, function, what,
 * value with unit), written to @p out. @p options are MB_RECORDS_* for the record iterator.
 * @return MB_OK, or the error that stopped the records (the table then says so in its last line).
 */
int cli_table_frame(FILE *out, const mb_frame_t *frame, unsigned options);
/* A record's value with its unit, exactly as sent ("12.345 kWh", "2026-11-30 12:00"). */
void cli_value_text(const mb_record_t *rec, char *out, size_t cap);
/* What a record measures, in words ("energy, backward", "voltage, L1"). */
void cli_what_text(const mb_record_t *rec, char *out, size_t cap);
#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
/* The same for a wireless message opened with mb_wmsg_open() (@p status its result): the link
   layer's address and the security verdict go into the header line; a compact frame is expanded
   with a format from @p formats (may be NULL). */
int cli_table_wmsg(FILE *out, const mb_wframe_t *frame, const mb_wmsg_t *msg, int status,
                   mb_format_cache_t *formats, unsigned options);
#endif

/* True when @p arg asks for help (--help, -h). */
bool cli_is_help(const char *arg);

#if MB_ENABLE_MASTER
/* Where the master is and how it talks: the options every bus command shares (bus.c). */
typedef struct cli_line {
    const char *tcp;
    const char *device;
    unsigned long baud;
    unsigned long retries;
    unsigned long extra_ms;
    bool extra_given;
    bool json;
} cli_line_t;

/* The defaults: 2400 Bd, @p retries retries, no line chosen yet. */
#define CLI_LINE_DEFAULTS(retries)                   \
    {                                                \
        NULL, NULL, 2400, (retries), 0, false, false \
    }

/* Text for the line options in a command's usage. */
#define CLI_LINE_USAGE                                                             \
    "  --tcp HOST:PORT   a transparent M-Bus/TCP gateway ([IPv6]:PORT for IPv6)\n" \
    "  --device PATH     a serial level converter (8E1)\n"                         \
    "  --baud B          rate of the M-Bus segment, 300..38400 (2400)\n"           \
    "  --retries N       repeats of an unanswered request, 0..10\n"                \
    "  --extra-ms MS     added to every answer window (100 with --tcp, else 0)\n"  \
    "  --json            JSON instead of text\n"

/* Take a line option at argv[*i] (and its value). @return 1 taken, 0 not one, -1 bad value. */
int cli_line_option(cli_line_t *o, int argc, char **argv, int *i, const char *cmd);
/* Check that exactly one of --tcp and --device was given. @return false after saying why. */
bool cli_line_check(const cli_line_t *o, const char *cmd);
/* Open the line and set up the master on it. @return true, or false after saying why. */
bool cli_line_open(const cli_line_t *o, mb_port_t *port, mb_master_t *m, const char *cmd);
/* A master error in words. */
const char *cli_master_error(int err);
/* The exit status for master error @p err (CLI_NO_ANSWER, CLI_LINE or CLI_FAILED). */
int cli_master_status(int err);
/*
 * A secondary address as given on the command line: 8 ID digits, or 16 hex digits as
 * cli_secondary_text() writes them; F is a wildcard anywhere. @return false when it is neither.
 */
bool cli_parse_secondary(const char *text, mb_secondary_t *out);
/* Run the transaction just started (@p started: what the request function returned). */
int cli_transact(mb_port_t *port, mb_master_t *m, int started);
#endif

/*
 * Split "HOST:PORT" ("[v6address]:PORT" for IPv6; ":PORT" leaves @p host empty) into @p host
 * (cap bytes) and @p service. @return false when it has no port or does not fit
 */
bool cli_host_port(const char *text, char *host, size_t host_cap, char *service,
                   size_t service_cap);

/* Parse a decimal number in min..max into @p out. @return false when it is not one. */
bool cli_number(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* The usual 16-hex-digit form of a secondary address: ID, manufacturer, version, medium. */
void cli_secondary_text(const mb_secondary_t *s, char out[17]);

/* Call @p handler on @p sig, without restarting interrupted waits. */
void cli_on_signal(int sig, void (*handler)(int));

#endif /* MB_CLI_H */
