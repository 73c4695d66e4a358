/* Builds a frame with an installed meterbus and decodes it again; exits 0 when both agree. */
#include <stdio.h>

#include <meterbus/meterbus.h>

int main(void)
{
    uint8_t out[MB_FRAME_MAX_LEN];
    mb_frame_t frame;
    int n = mb_encode_req_ud2(out, sizeof out, 5, true);
    if (n != 5 || mb_frame_decode(out, (size_t)n, &frame) != MB_OK || frame.a != 5) {
        return 1;
    }
    printf("meterbus %s: REQ_UD2 to %u, C=%02X\n", mb_version(), frame.a, frame.c);
    return mb_version_number() == MB_VERSION_NUMBER ? 0 : 1;
}
