/* meterbus command-line tool: the commands, each in its own file, and what they share. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>

#include "meterbus/meterbus.h"

/* Exit statuses of every command. */
#define CLI_OK     0 /* done */
#define CLI_FAILED 1 /* a telegram did not decode, a meter did not answer, the line failed */
#define CLI_USAGE  2 /* wrong arguments */

/* meterbus decode (meterbus.c) */
int cli_decode(int argc, char **argv);
/* meterbus scan, meterbus read (bus.c) */
int cli_scan(int argc, char **argv);
int cli_read(int argc, char **argv);
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
#if MB_ENABLE_WIRELESS && MB_ENABLE_SECURITY
/* The same for a wireless message opened with mb_wmsg_open() (@p status its result): the link
   layer's address and the security verdict go into the header line. */
int cli_table_wmsg(FILE *out, const mb_wframe_t *frame, const mb_wmsg_t *msg, int status,
                   unsigned options);
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
