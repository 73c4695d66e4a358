/*
 * Read one meter over a serial level converter or a TCP gateway and print its readings.
 *
 *   linux-master /dev/ttyUSB0 2400 5        (device, baud rate, primary address)
 *   linux-master 192.168.1.20:10001 2400 5  (gateway HOST:PORT, the segment's rate, address)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterbus/host/port.h"
#include "meterbus/meterbus.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s (DEVICE | HOST:PORT) BAUD ADDRESS\n", argv[0]);
        return 2;
    }
    uint32_t baud = (uint32_t)strtoul(argv[2], NULL, 10);
    uint8_t address = (uint8_t)strtoul(argv[3], NULL, 10);
    mb_port_t port;
    char *colon = strrchr(argv[1], ':');
    int err;
    if (argv[1][0] != '/' && colon != NULL) { /* HOST:PORT */
        *colon = '\0';
        err = mb_port_open_tcp(&port, argv[1], colon + 1, 5000);
    } else {
        err = mb_port_open_serial(&port, argv[1], baud);
    }
    if (err < 0) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], strerror(-err));
        return 1;
    }
    mb_master_t master; /* baud for the timeouts, 100 ms extra for gateways, 2 retries */
    mb_master_config_t cfg = {baud, colon != NULL ? 100u : 0u, 2};
    mb_master_init(&master, &mb_port_hal, &port, &cfg);

    /* SND_NKE first: the meter starts over (frame count bit, first telegram). */
    int r = mb_master_snd_nke(&master, address, mb_port_now_ms());
    r = r == MB_OK ? mb_port_transact(&port, &master) : r;
    mb_readout_t readout; /* every telegram of the meter (DIF 1F: more follow) */
    mb_frame_t telegram;
    if (r == MB_OK) {
        r = mb_readout_start(&readout, &master, address, 8, mb_port_now_ms());
    }
    while (r == MB_OK || r == MB_SCAN_PENDING || r == MB_SCAN_ITEM) {
        r = mb_readout_poll(&readout, mb_port_now_ms(), &telegram);
        if (r == MB_OK) {
            break; /* every telegram read */
        }
        if (r == MB_SCAN_PENDING) {
            (void)mb_port_wait(&port, &master, 10);
        } else if (r == MB_SCAN_ITEM) {
            mb_tpl_t tpl;
            if (mb_tpl_decode(telegram.ci, telegram.data, telegram.data_len, &tpl) != MB_OK) {
                continue;
            }
            char id[9];
            mb_id_text(tpl.has_address ? tpl.address.id : 0u, id);
            printf("meter %s (%s)\n", id, mb_medium_name(tpl.address.medium));
            mb_records_t it;
            mb_record_t rec;
            mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
            while (mb_records_next(&it, &rec) == 1) {
                if (rec.value.kind == MB_VALUE_NUMBER) { /* mantissa x 10^exponent, exactly */
                    printf("  %-20s storage %-2" PRIu64 " %" PRId64 "e%d %s\n",
                           mb_quantity_name(rec.quantity), rec.storage, rec.value.mantissa,
                           rec.value.exponent, mb_unit_name(rec.unit));
                }
            }
        } else if (r != MB_OK) {
            fprintf(stderr, "meter %u: %s\n", (unsigned)address, mb_strerror(r));
        }
    }
    mb_port_close(&port);
    return r == MB_OK ? 0 : 1;
}
