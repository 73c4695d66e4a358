/*
 * meterbus demo: a tour of the library on a simulated segment, with nothing but this program.
 *
 * A child process serves `meterbus sim --pty` (one meter of every profile behind a simulated
 * serial level converter); the tour then runs the same commands a user would type against it,
 * printing each command line before its output: scans by primary and by secondary address,
 * reads every meter, gives the single-phase meter a new primary address and switches it to
 * 9600 Bd, decrypts a wireless mode 5 and a mode 7 telegram, and ends with a table of the
 * readings. No hardware, no network, no files; it ends by itself in well under a minute.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#if MB_ENABLE_MASTER && MB_ENABLE_SLAVE

#define MAX_DEMO_METERS 8u
#define SEGMENT_BAUD    "2400"

/* What the simulator says about a meter (its "meter key=value ..." line). */
typedef struct demo_meter {
    unsigned address;
    unsigned long baud;
    char id[9];
    char manufacturer[4];
    char medium[24];
    char profile[12];
} demo_meter_t;

/* Wireless telegrams of the OMS examples: a gas meter, ID 12345678, sent in security mode 5
   (AES-CBC with the meter's key) and in mode 7 (ELL, AFL with CMAC, keys derived per message). */
static const char mode5_key[] = "0102030405060708090A0B0C0D0E0F11";
static const char mode5_telegram[] =
    "2E4493157856341233037A2A0020255923C95AAA26D1B2E7493B013EC4A6F6D"
    "3529B520EDFF0EA6DEFC99D6D69EBF3";
static const char mode7_key[] = "000102030405060708090A0B0C0D0E0F";
static const char mode7_telegram[] =
    "434493157856341233038C2075900F002C25B30A000021924D4F2FB66E017A75002007109058475F4BC91DF878"
    "B80A1B0F98B629024AAC727942BFC549233C0140829B93";

/* Read "key=value" from a meter line into @p out. */
static void field(const char *line, const char *key, char *out, size_t cap)
{
    char pattern[24];
    snprintf(pattern, sizeof pattern, " %s=", key);
    const char *p = strstr(line, pattern);
    size_t n = 0;
    if (p != NULL) {
        p += strlen(pattern);
        while (p[n] != '\0' && p[n] != ' ' && p[n] != '\n' && n + 1u < cap) {
            out[n] = p[n];
            n++;
        }
    }
    out[n] = '\0';
}

static void heading(const char *text)
{
    printf("\n== %s\n\n", text);
    fflush(stdout);
}

/* Print a command line as typed, then run it in this process. @return its exit status. */
static int command(const char *name, int (*run)(int, char **), int argc, const char *const *args)
{
    char *argv[24];
    printf("$ meterbus %s", name);
    for (int i = 0; i < argc && i < 24; i++) {
        argv[i] = (char *)(uintptr_t)args[i]; /* the commands reorder, never write, strings */
        printf(" %s", args[i]);
    }
    putchar('\n');
    fflush(stdout);
    int status = run(argc, argv);
    fflush(stdout);
    fflush(stderr);
    putchar('\n');
    return status;
}

/* Start the simulator in a child process. @return its pid, or -1; the pty's path in @p pty. */
static pid_t start_segment(int seed, char *pty, size_t cap, demo_meter_t *meters, size_t *n)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        char seed_text[16];
        snprintf(seed_text, sizeof seed_text, "%d", seed);
        char *args[] = {"--pty", "--profile", "all", "--baud", SEGMENT_BAUD, "--seed", seed_text};
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        _exit(cli_sim((int)(sizeof args / sizeof args[0]), args));
    }
    close(fds[1]);
    FILE *from = fdopen(fds[0], "r");
    char line[512];
    *n = 0;
    pty[0] = '\0';
    while (from != NULL && fgets(line, sizeof line, from) != NULL) {
        if (strncmp(line, "meter ", 6) == 0 && *n < MAX_DEMO_METERS) {
            demo_meter_t *m = &meters[(*n)++];
            char address[8];
            field(line, "address", address, sizeof address);
            m->address = (unsigned)strtoul(address, NULL, 10);
            m->baud = strtoul(SEGMENT_BAUD, NULL, 10);
            field(line, "id", m->id, sizeof m->id);
            field(line, "manufacturer", m->manufacturer, sizeof m->manufacturer);
            field(line, "medium", m->medium, sizeof m->medium);
            field(line, "profile", m->profile, sizeof m->profile);
        } else if (strncmp(line, "pty ", 4) == 0) {
            size_t k = 0;
            for (const char *p = line + 4; *p != ' ' && *p != '\0' && k + 1u < cap; p++) {
                pty[k++] = *p;
            }
            pty[k] = '\0';
            break;
        }
    }
    if (from != NULL) {
        fclose(from); /* the simulator writes nothing more to it */
    }
    if (pty[0] == '\0') {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

/* The first reading of a meter's first telegram that a person would look at first. */
static int main_reading(const char *pty, const demo_meter_t *dm, char *what, char *value,
                        size_t cap)
{
    cli_line_t o = CLI_LINE_DEFAULTS(2);
    o.device = pty;
    o.baud = dm->baud;
    mb_port_t port;
    mb_master_t m;
    snprintf(what, cap, "-");
    snprintf(value, cap, "-");
    if (!cli_line_open(&o, &port, &m, "demo")) {
        return MB_ERR_MASTER_LINE;
    }
    /* SND_NKE first, as a master starts a readout: the meter answers with its first telegram. */
    int r = cli_transact(&port, &m, mb_master_snd_nke(&m, (uint8_t)dm->address, mb_port_now_ms()));
    if (r == MB_OK) {
        r = cli_transact(&port, &m, mb_master_req_ud2(&m, (uint8_t)dm->address, mb_port_now_ms()));
    }
    mb_frame_t f;
    mb_tpl_t tpl;
    if (r == MB_OK && mb_master_reply(&m, &f) && f.type == MB_FRAME_LONG &&
        mb_tpl_decode(f.ci, f.data, f.data_len, &tpl) == MB_OK) {
        mb_records_t it;
        mb_record_t rec;
        mb_records_init(&it, tpl.apl, tpl.apl_len, 0);
        while (mb_records_next(&it, &rec) > 0) {
            if (rec.storage == 0u && rec.tariff == 0u && rec.function == MB_FN_INSTANTANEOUS &&
                rec.vife_flags == 0u &&
                (rec.quantity == MB_Q_ENERGY || rec.quantity == MB_Q_VOLUME)) {
                cli_what_text(&rec, what, cap);
                cli_value_text(&rec, value, cap);
                break;
            }
        }
    }
    mb_port_close(&port);
    return r;
}

static int demo_usage(FILE *to)
{
    fputs("usage: meterbus demo [--seed S]\n", to);
    if (to == stdout) {
        fputs(
            "\nA tour on a simulated segment (meterbus sim --pty, one meter of each profile):\n"
            "scans by primary and secondary address, reads every meter, changes a meter's\n"
            "primary address and baud rate, decrypts wireless mode 5 and mode 7 telegrams,\n"
            "and prints a table of the readings. Each step shows the command that does it.\n"
            "  --seed S          picks the meters' IDs and readings (1)\n"
            "\nExit status: 0 every step worked, 1 a step failed, 2 usage, 4 no pseudo-terminal.\n",
            to);
    }
    return to == stdout ? CLI_OK : CLI_USAGE;
}

int cli_demo(int argc, char **argv)
{
    unsigned long seed = 1;
    for (int i = 0; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            return demo_usage(stdout);
        }
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
            cli_number(argv[i + 1], 0, 1000000, &seed)) {
            i++;
            continue;
        }
        fprintf(stderr, "meterbus demo: unknown option or bad value: %s\n", argv[i]);
        return demo_usage(stderr);
    }
    demo_meter_t meters[MAX_DEMO_METERS];
    size_t n = 0;
    char pty[128];
    pid_t sim = start_segment((int)seed, pty, sizeof pty, meters, &n);
    if (sim < 0 || n == 0u) {
        fputs("meterbus demo: could not start the simulated segment (no pseudo-terminals?)\n",
              stderr);
        return CLI_LINE;
    }
    int failed = 0;
    heading("A simulated M-Bus segment behind a serial level converter");
    printf("%zu meters on %s at %s Bd, one of each profile:\n\n", n, pty, SEGMENT_BAUD);
    printf("  %-7s %-8s %-4s %-12s %s\n", "address", "ID", "man.", "medium", "profile");
    for (size_t i = 0; i < n; i++) {
        printf("  %-7u %-8s %-4s %-12s %s\n", meters[i].address, meters[i].id,
               meters[i].manufacturer, meters[i].medium, meters[i].profile);
    }

    heading("1. Scan by primary address");
    const char *scan_primary[] = {"scan",      "--device", pty, "--baud", SEGMENT_BAUD,
                                  "--primary", "--first",  "1", "--last", "8"};
    failed |= command("scan", cli_scan, 9, scan_primary + 1) != CLI_OK;

    heading("2. Scan by secondary address (wildcard selections, collisions resolved)");
    const char *scan_secondary[] = {"--device", pty, "--baud", SEGMENT_BAUD, "--secondary"};
    failed |= command("scan", cli_scan, 5, scan_secondary) != CLI_OK;

    heading("3. Read every meter");
    char address[8];
    for (size_t i = 0; i < n; i++) {
        snprintf(address, sizeof address, "%u", meters[i].address);
        const char *read[] = {"--device", pty, "--baud", SEGMENT_BAUD, "--address", address};
        failed |= command("read", cli_read, 6, read) != CLI_OK;
    }

    /* The single-phase meter (profile m1pro) gets a new address and a faster line. */
    demo_meter_t *m1 = &meters[0];
    for (size_t i = 0; i < n; i++) {
        if (strcmp(meters[i].profile, "m1pro") == 0) {
            m1 = &meters[i];
        }
    }
    heading("4. Give the single-phase meter primary address 42");
    snprintf(address, sizeof address, "%u", m1->address);
    const char *set_address[] = {"--device",  pty,     "--baud", SEGMENT_BAUD,
                                 "--address", address, "--to",   "42"};
    int r = command("set-address", cli_set_address, 8, set_address);
    failed |= r != CLI_OK;
    if (r == CLI_OK) {
        m1->address = 42;
    }

    heading("5. Switch it to 9600 Bd, and read it at that rate");
    snprintf(address, sizeof address, "%u", m1->address);
    const char *set_baud[] = {"--device",  pty,     "--baud", SEGMENT_BAUD,
                              "--address", address, "--to",   "9600"};
    r = command("set-baud", cli_set_baud, 8, set_baud);
    failed |= r != CLI_OK;
    if (r == CLI_OK) {
        m1->baud = 9600;
    }
    const char *read_fast[] = {"--device", pty, "--baud", "9600", "--address", address};
    failed |= command("read", cli_read, 6, read_fast) != CLI_OK;

    heading("6. Wireless M-Bus: decrypt a security mode 5 and a mode 7 telegram");
    const char *mode5[] = {"--key", mode5_key, mode5_telegram};
    failed |= command("decode", cli_decode, 3, mode5) != CLI_OK;
    const char *mode7[] = {"--key", mode7_key, mode7_telegram};
    failed |= command("decode", cli_decode, 3, mode7) != CLI_OK;

    heading("7. The readings");
    printf("  %-7s %-8s %-4s %-12s %-7s %-18s %s\n", "address", "ID", "man.", "medium", "profile",
           "what", "reading");
    for (size_t i = 0; i < n; i++) {
        char what[64];
        char value[64];
        int rr = main_reading(pty, &meters[i], what, value, sizeof what);
        failed |= rr != MB_OK;
        printf("  %-7u %-8s %-4s %-12s %-7s %-18s %s\n", meters[i].address, meters[i].id,
               meters[i].manufacturer, meters[i].medium, meters[i].profile, what,
               rr == MB_OK ? value : cli_master_error(rr));
    }

    kill(sim, SIGTERM);
    waitpid(sim, NULL, 0);
    printf("\n%s\n", failed
                         ? "meterbus demo: some steps failed (see above)"
                         : "Done. 'meterbus COMMAND --help' tells more; docs/cli.md has it all.");
    return failed ? CLI_FAILED : CLI_OK;
}

#else

int cli_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("meterbus demo: this build has no master or no slave\n", stderr);
    return CLI_USAGE;
}

#endif
