/* meterbus wmbus: wireless telegrams from standard input or a serial receiver (to be written). */
#include "cli.h"

int cli_wmbus(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus wmbus: not yet\n", stderr);
    return CLI_USAGE;
}
