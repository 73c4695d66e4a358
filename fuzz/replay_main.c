/*
 * A plain main() for the fuzz harnesses: runs LLVMFuzzerTestOneInput on every file named on the
 * command line, or on every file inside a named directory. This is how ctest replays the corpus
 * and the crash regressions without libFuzzer. A directory that does not exist is an error, so
 * a misspelt path cannot make the test pass vacuously.
 */
#define _POSIX_C_SOURCE 200809L
/* 64-bit directory offsets: without it, 32-bit builds under qemu-user fail to list directories. */
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    static uint8_t buf[1u << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* A heap copy of exactly n bytes, so that AddressSanitizer sees any read past the end. */
    uint8_t *copy = malloc(n == 0 ? 1 : n);
    if (copy == NULL) {
        return -1;
    }
    memcpy(copy, buf, n);
    (void)LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "no such file or directory: %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) != 0) {
                return 1;
            }
            files++;
            continue;
        }
        DIR *dir = opendir(argv[i]);
        if (dir == NULL) {
            return 1;
        }
        struct dirent *e;
        errno = 0;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.') {
                continue;
            }
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) != 0) {
                    closedir(dir);
                    return 1;
                }
                files++;
            }
            errno = 0;
        }
        if (errno != 0) {
            perror(argv[i]); /* a listing that fails must not pass as an empty directory */
            closedir(dir);
            return 1;
        }
        closedir(dir);
    }
    printf("replayed %d inputs\n", files);
    return files > 0 ? 0 : 1; /* an empty corpus would make the test pass vacuously */
}
