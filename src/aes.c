/*
 * AES-128 (FIPS-197) and the modes built on it: CBC and CTR (NIST SP 800-38A), CMAC (RFC 4493).
 * Written from those documents; the tables below are the FIPS-197 S-box (section 5.1.1) and, for
 * the table build, its products with the MixColumns coefficients (section 5.1.3, 5.3.3).
 *
 * Two software builds, chosen by MB_ENABLE_AES_TABLES, with identical results and the same
 * mb_aes_t layout (round keys as bytes in one, as big-endian words in the other):
 *  - byte-oriented (0): S-box and inverse S-box, xtime() for MixColumns; encryption and decryption
 *    share one loop and one MixColumns, which keeps it small on a Cortex-M0+.
 *  - 32-bit tables (1): each round is 16 lookups in one table of SubBytes + MixColumns products
 *    per direction, rotated for the other rows (4 tables would be 6 KB more for little gain).
 *    Decryption uses the encryption round keys: the equivalent inverse cipher (FIPS-197 5.3.5)
 *    needs InvMixColumns of round keys 1..9, which is computed per block rather than stored, so
 *    that mb_aes_t does not depend on this knob (a library and its user built with different
 *    settings still agree on its size).
 *
 * Timing: the table lookups are indexed by key-dependent bytes, so neither build is constant-time
 * on a CPU with a data cache (see aes.h). Nothing else here branches on or indexes by a secret.
 */
#include "meterbus/aes.h"

#include "internal.h"

#if MB_ENABLE_SECURITY

#define ROUNDS 10u

/* Zero @p n bytes through a volatile pointer: stores to memory that is never read again are
 * otherwise dead and may be removed by the compiler. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n-- > 0u) {
        *v++ = 0u;
    }
}

static void xor16(uint8_t *dst, const uint8_t *src)
{
    for (unsigned i = 0; i < 16u; i++) {
        dst[i] ^= src[i];
    }
}

/* Multiplication by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1), without a branch. */
static uint8_t xtime(uint8_t b) { return (uint8_t)((unsigned)b << 1 ^ (unsigned)(b >> 7) * 0x1Bu); }

static const uint8_t inv_sbox[256] = {
    0x52, 0x09, 0x6A, 0xD5, 0x30, 0x36, 0xA5, 0x38, 0xBF, 0x40, 0xA3, 0x9E, 0x81, 0xF3, 0xD7, 0xFB,
    0x7C, 0xE3, 0x39, 0x82, 0x9B, 0x2F, 0xFF, 0x87, 0x34, 0x8E, 0x43, 0x44, 0xC4, 0xDE, 0xE9, 0xCB,
    0x54, 0x7B, 0x94, 0x32, 0xA6, 0xC2, 0x23, 0x3D, 0xEE, 0x4C, 0x95, 0x0B, 0x42, 0xFA, 0xC3, 0x4E,
    0x08, 0x2E, 0xA1, 0x66, 0x28, 0xD9, 0x24, 0xB2, 0x76, 0x5B, 0xA2, 0x49, 0x6D, 0x8B, 0xD1, 0x25,
    0x72, 0xF8, 0xF6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xD4, 0xA4, 0x5C, 0xCC, 0x5D, 0x65, 0xB6, 0x92,
    0x6C, 0x70, 0x48, 0x50, 0xFD, 0xED, 0xB9, 0xDA, 0x5E, 0x15, 0x46, 0x57, 0xA7, 0x8D, 0x9D, 0x84,
    0x90, 0xD8, 0xAB, 0x00, 0x8C, 0xBC, 0xD3, 0x0A, 0xF7, 0xE4, 0x58, 0x05, 0xB8, 0xB3, 0x45, 0x06,
    0xD0, 0x2C, 0x1E, 0x8F, 0xCA, 0x3F, 0x0F, 0x02, 0xC1, 0xAF, 0xBD, 0x03, 0x01, 0x13, 0x8A, 0x6B,
    0x3A, 0x91, 0x11, 0x41, 0x4F, 0x67, 0xDC, 0xEA, 0x97, 0xF2, 0xCF, 0xCE, 0xF0, 0xB4, 0xE6, 0x73,
    0x96, 0xAC, 0x74, 0x22, 0xE7, 0xAD, 0x35, 0x85, 0xE2, 0xF9, 0x37, 0xE8, 0x1C, 0x75, 0xDF, 0x6E,
    0x47, 0xF1, 0x1A, 0x71, 0x1D, 0x29, 0xC5, 0x89, 0x6F, 0xB7, 0x62, 0x0E, 0xAA, 0x18, 0xBE, 0x1B,
    0xFC, 0x56, 0x3E, 0x4B, 0xC6, 0xD2, 0x79, 0x20, 0x9A, 0xDB, 0xC0, 0xFE, 0x78, 0xCD, 0x5A, 0xF4,
    0x1F, 0xDD, 0xA8, 0x33, 0x88, 0x07, 0xC7, 0x31, 0xB1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xEC, 0x5F,
    0x60, 0x51, 0x7F, 0xA9, 0x19, 0xB5, 0x4A, 0x0D, 0x2D, 0xE5, 0x7A, 0x9F, 0x93, 0xC9, 0x9C, 0xEF,
    0xA0, 0xE0, 0x3B, 0x4D, 0xAE, 0x2A, 0xF5, 0xB0, 0xC8, 0xEB, 0xBB, 0x3C, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2B, 0x04, 0x7E, 0xBA, 0x77, 0xD6, 0x26, 0xE1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0C, 0x7D,
};

#if MB_ENABLE_AES_TABLES

/* te0[x] = {02}S(x), S(x), S(x), {03}S(x) from the most significant byte down: row 0's share of
 * a MixColumns output column; rotated right by 8, 16, 24 bits it is row 1's, 2's, 3's. */
static const uint32_t te0[256] = {
    0xC66363A5u, 0xF87C7C84u, 0xEE777799u, 0xF67B7B8Du, 0xFFF2F20Du, 0xD66B6BBDu, 0xDE6F6FB1u,
    0x91C5C554u, 0x60303050u, 0x02010103u, 0xCE6767A9u, 0x562B2B7Du, 0xE7FEFE19u, 0xB5D7D762u,
    0x4DABABE6u, 0xEC76769Au, 0x8FCACA45u, 0x1F82829Du, 0x89C9C940u, 0xFA7D7D87u, 0xEFFAFA15u,
    0xB25959EBu, 0x8E4747C9u, 0xFBF0F00Bu, 0x41ADADECu, 0xB3D4D467u, 0x5FA2A2FDu, 0x45AFAFEAu,
    0x239C9CBFu, 0x53A4A4F7u, 0xE4727296u, 0x9BC0C05Bu, 0x75B7B7C2u, 0xE1FDFD1Cu, 0x3D9393AEu,
    0x4C26266Au, 0x6C36365Au, 0x7E3F3F41u, 0xF5F7F702u, 0x83CCCC4Fu, 0x6834345Cu, 0x51A5A5F4u,
    0xD1E5E534u, 0xF9F1F108u, 0xE2717193u, 0xABD8D873u, 0x62313153u, 0x2A15153Fu, 0x0804040Cu,
    0x95C7C752u, 0x46232365u, 0x9DC3C35Eu, 0x30181828u, 0x379696A1u, 0x0A05050Fu, 0x2F9A9AB5u,
    0x0E070709u, 0x24121236u, 0x1B80809Bu, 0xDFE2E23Du, 0xCDEBEB26u, 0x4E272769u, 0x7FB2B2CDu,
    0xEA75759Fu, 0x1209091Bu, 0x1D83839Eu, 0x582C2C74u, 0x341A1A2Eu, 0x361B1B2Du, 0xDC6E6EB2u,
    0xB45A5AEEu, 0x5BA0A0FBu, 0xA45252F6u, 0x763B3B4Du, 0xB7D6D661u, 0x7DB3B3CEu, 0x5229297Bu,
    0xDDE3E33Eu, 0x5E2F2F71u, 0x13848497u, 0xA65353F5u, 0xB9D1D168u, 0x00000000u, 0xC1EDED2Cu,
    0x40202060u, 0xE3FCFC1Fu, 0x79B1B1C8u, 0xB65B5BEDu, 0xD46A6ABEu, 0x8DCBCB46u, 0x67BEBED9u,
    0x7239394Bu, 0x944A4ADEu, 0x984C4CD4u, 0xB05858E8u, 0x85CFCF4Au, 0xBBD0D06Bu, 0xC5EFEF2Au,
    0x4FAAAAE5u, 0xEDFBFB16u, 0x864343C5u, 0x9A4D4DD7u, 0x66333355u, 0x11858594u, 0x8A4545CFu,
    0xE9F9F910u, 0x04020206u, 0xFE7F7F81u, 0xA05050F0u, 0x783C3C44u, 0x259F9FBAu, 0x4BA8A8E3u,
    0xA25151F3u, 0x5DA3A3FEu, 0x804040C0u, 0x058F8F8Au, 0x3F9292ADu, 0x219D9DBCu, 0x70383848u,
    0xF1F5F504u, 0x63BCBCDFu, 0x77B6B6C1u, 0xAFDADA75u, 0x42212163u, 0x20101030u, 0xE5FFFF1Au,
    0xFDF3F30Eu, 0xBFD2D26Du, 0x81CDCD4Cu, 0x180C0C14u, 0x26131335u, 0xC3ECEC2Fu, 0xBE5F5FE1u,
    0x359797A2u, 0x884444CCu, 0x2E171739u, 0x93C4C457u, 0x55A7A7F2u, 0xFC7E7E82u, 0x7A3D3D47u,
    0xC86464ACu, 0xBA5D5DE7u, 0x3219192Bu, 0xE6737395u, 0xC06060A0u, 0x19818198u, 0x9E4F4FD1u,
    0xA3DCDC7Fu, 0x44222266u, 0x542A2A7Eu, 0x3B9090ABu, 0x0B888883u, 0x8C4646CAu, 0xC7EEEE29u,
    0x6BB8B8D3u, 0x2814143Cu, 0xA7DEDE79u, 0xBC5E5EE2u, 0x160B0B1Du, 0xADDBDB76u, 0xDBE0E03Bu,
    0x64323256u, 0x743A3A4Eu, 0x140A0A1Eu, 0x924949DBu, 0x0C06060Au, 0x4824246Cu, 0xB85C5CE4u,
    0x9FC2C25Du, 0xBDD3D36Eu, 0x43ACACEFu, 0xC46262A6u, 0x399191A8u, 0x319595A4u, 0xD3E4E437u,
    0xF279798Bu, 0xD5E7E732u, 0x8BC8C843u, 0x6E373759u, 0xDA6D6DB7u, 0x018D8D8Cu, 0xB1D5D564u,
    0x9C4E4ED2u, 0x49A9A9E0u, 0xD86C6CB4u, 0xAC5656FAu, 0xF3F4F407u, 0xCFEAEA25u, 0xCA6565AFu,
    0xF47A7A8Eu, 0x47AEAEE9u, 0x10080818u, 0x6FBABAD5u, 0xF0787888u, 0x4A25256Fu, 0x5C2E2E72u,
    0x381C1C24u, 0x57A6A6F1u, 0x73B4B4C7u, 0x97C6C651u, 0xCBE8E823u, 0xA1DDDD7Cu, 0xE874749Cu,
    0x3E1F1F21u, 0x964B4BDDu, 0x61BDBDDCu, 0x0D8B8B86u, 0x0F8A8A85u, 0xE0707090u, 0x7C3E3E42u,
    0x71B5B5C4u, 0xCC6666AAu, 0x904848D8u, 0x06030305u, 0xF7F6F601u, 0x1C0E0E12u, 0xC26161A3u,
    0x6A35355Fu, 0xAE5757F9u, 0x69B9B9D0u, 0x17868691u, 0x99C1C158u, 0x3A1D1D27u, 0x279E9EB9u,
    0xD9E1E138u, 0xEBF8F813u, 0x2B9898B3u, 0x22111133u, 0xD26969BBu, 0xA9D9D970u, 0x078E8E89u,
    0x339494A7u, 0x2D9B9BB6u, 0x3C1E1E22u, 0x15878792u, 0xC9E9E920u, 0x87CECE49u, 0xAA5555FFu,
    0x50282878u, 0xA5DFDF7Au, 0x038C8C8Fu, 0x59A1A1F8u, 0x09898980u, 0x1A0D0D17u, 0x65BFBFDAu,
    0xD7E6E631u, 0x844242C6u, 0xD06868B8u, 0x824141C3u, 0x299999B0u, 0x5A2D2D77u, 0x1E0F0F11u,
    0x7BB0B0CBu, 0xA85454FCu, 0x6DBBBBD6u, 0x2C16163Au,
};

/* td0[x] = {0e}, {09}, {0d}, {0b} times InvS(x): the same for InvMixColumns. */
static const uint32_t td0[256] = {
    0x51F4A750u, 0x7E416553u, 0x1A17A4C3u, 0x3A275E96u, 0x3BAB6BCBu, 0x1F9D45F1u, 0xACFA58ABu,
    0x4BE30393u, 0x2030FA55u, 0xAD766DF6u, 0x88CC7691u, 0xF5024C25u, 0x4FE5D7FCu, 0xC52ACBD7u,
    0x26354480u, 0xB562A38Fu, 0xDEB15A49u, 0x25BA1B67u, 0x45EA0E98u, 0x5DFEC0E1u, 0xC32F7502u,
    0x814CF012u, 0x8D4697A3u, 0x6BD3F9C6u, 0x038F5FE7u, 0x15929C95u, 0xBF6D7AEBu, 0x955259DAu,
    0xD4BE832Du, 0x587421D3u, 0x49E06929u, 0x8EC9C844u, 0x75C2896Au, 0xF48E7978u, 0x99583E6Bu,
    0x27B971DDu, 0xBEE14FB6u, 0xF088AD17u, 0xC920AC66u, 0x7DCE3AB4u, 0x63DF4A18u, 0xE51A3182u,
    0x97513360u, 0x62537F45u, 0xB16477E0u, 0xBB6BAE84u, 0xFE81A01Cu, 0xF9082B94u, 0x70486858u,
    0x8F45FD19u, 0x94DE6C87u, 0x527BF8B7u, 0xAB73D323u, 0x724B02E2u, 0xE31F8F57u, 0x6655AB2Au,
    0xB2EB2807u, 0x2FB5C203u, 0x86C57B9Au, 0xD33708A5u, 0x302887F2u, 0x23BFA5B2u, 0x02036ABAu,
    0xED16825Cu, 0x8ACF1C2Bu, 0xA779B492u, 0xF307F2F0u, 0x4E69E2A1u, 0x65DAF4CDu, 0x0605BED5u,
    0xD134621Fu, 0xC4A6FE8Au, 0x342E539Du, 0xA2F355A0u, 0x058AE132u, 0xA4F6EB75u, 0x0B83EC39u,
    0x4060EFAAu, 0x5E719F06u, 0xBD6E1051u, 0x3E218AF9u, 0x96DD063Du, 0xDD3E05AEu, 0x4DE6BD46u,
    0x91548DB5u, 0x71C45D05u, 0x0406D46Fu, 0x605015FFu, 0x1998FB24u, 0xD6BDE997u, 0x894043CCu,
    0x67D99E77u, 0xB0E842BDu, 0x07898B88u, 0xE7195B38u, 0x79C8EEDBu, 0xA17C0A47u, 0x7C420FE9u,
    0xF8841EC9u, 0x00000000u, 0x09808683u, 0x322BED48u, 0x1E1170ACu, 0x6C5A724Eu, 0xFD0EFFFBu,
    0x0F853856u, 0x3DAED51Eu, 0x362D3927u, 0x0A0FD964u, 0x685CA621u, 0x9B5B54D1u, 0x24362E3Au,
    0x0C0A67B1u, 0x9357E70Fu, 0xB4EE96D2u, 0x1B9B919Eu, 0x80C0C54Fu, 0x61DC20A2u, 0x5A774B69u,
    0x1C121A16u, 0xE293BA0Au, 0xC0A02AE5u, 0x3C22E043u, 0x121B171Du, 0x0E090D0Bu, 0xF28BC7ADu,
    0x2DB6A8B9u, 0x141EA9C8u, 0x57F11985u, 0xAF75074Cu, 0xEE99DDBBu, 0xA37F60FDu, 0xF701269Fu,
    0x5C72F5BCu, 0x44663BC5u, 0x5BFB7E34u, 0x8B432976u, 0xCB23C6DCu, 0xB6EDFC68u, 0xB8E4F163u,
    0xD731DCCAu, 0x42638510u, 0x13972240u, 0x84C61120u, 0x854A247Du, 0xD2BB3DF8u, 0xAEF93211u,
    0xC729A16Du, 0x1D9E2F4Bu, 0xDCB230F3u, 0x0D8652ECu, 0x77C1E3D0u, 0x2BB3166Cu, 0xA970B999u,
    0x119448FAu, 0x47E96422u, 0xA8FC8CC4u, 0xA0F03F1Au, 0x567D2CD8u, 0x223390EFu, 0x87494EC7u,
    0xD938D1C1u, 0x8CCAA2FEu, 0x98D40B36u, 0xA6F581CFu, 0xA57ADE28u, 0xDAB78E26u, 0x3FADBFA4u,
    0x2C3A9DE4u, 0x5078920Du, 0x6A5FCC9Bu, 0x547E4662u, 0xF68D13C2u, 0x90D8B8E8u, 0x2E39F75Eu,
    0x82C3AFF5u, 0x9F5D80BEu, 0x69D0937Cu, 0x6FD52DA9u, 0xCF2512B3u, 0xC8AC993Bu, 0x10187DA7u,
    0xE89C636Eu, 0xDB3BBB7Bu, 0xCD267809u, 0x6E5918F4u, 0xEC9AB701u, 0x834F9AA8u, 0xE6956E65u,
    0xAAFFE67Eu, 0x21BCCF08u, 0xEF15E8E6u, 0xBAE79BD9u, 0x4A6F36CEu, 0xEA9F09D4u, 0x29B07CD6u,
    0x31A4B2AFu, 0x2A3F2331u, 0xC6A59430u, 0x35A266C0u, 0x744EBC37u, 0xFC82CAA6u, 0xE090D0B0u,
    0x33A7D815u, 0xF104984Au, 0x41ECDAF7u, 0x7FCD500Eu, 0x1791F62Fu, 0x764DD68Du, 0x43EFB04Du,
    0xCCAA4D54u, 0xE49604DFu, 0x9ED1B5E3u, 0x4C6A881Bu, 0xC12C1FB8u, 0x4665517Fu, 0x9D5EEA04u,
    0x018C355Du, 0xFA877473u, 0xFB0B412Eu, 0xB3671D5Au, 0x92DBD252u, 0xE9105633u, 0x6DD64713u,
    0x9AD7618Cu, 0x37A10C7Au, 0x59F8148Eu, 0xEB133C89u, 0xCEA927EEu, 0xB761C935u, 0xE11CE5EDu,
    0x7A47B13Cu, 0x9CD2DF59u, 0x55F2733Fu, 0x1814CE79u, 0x73C737BFu, 0x53F7CDEAu, 0x5FFDAA5Bu,
    0xDF3D6F14u, 0x7844DB86u, 0xCAAFF381u, 0xB968C43Eu, 0x3824342Cu, 0xC2A3405Fu, 0x161DC372u,
    0xBCE2250Cu, 0x283C498Bu, 0xFF0D9541u, 0x39A80171u, 0x080CB3DEu, 0xD8B4E49Cu, 0x6456C190u,
    0x7BCB8461u, 0xD532B670u, 0x486C5C74u, 0xD0B85742u,
};

/* The S-box is byte 2 of te0 (S(x) times 1), which saves its own 256-byte table. */
static uint8_t sub_byte(uint8_t x) { return (uint8_t)(te0[x] >> 16); }

static uint32_t ror(uint32_t w, unsigned n) { return w >> n | w << (32u - n); }

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t w)
{
    p[0] = (uint8_t)(w >> 24);
    p[1] = (uint8_t)(w >> 16);
    p[2] = (uint8_t)(w >> 8);
    p[3] = (uint8_t)w;
}

/* One output column of SubBytes + ShiftRows + MixColumns: rows 0..3 come from a, b, c, d. */
static uint32_t te_column(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return te0[a >> 24] ^ ror(te0[(b >> 16) & 0xFFu], 8) ^ ror(te0[(c >> 8) & 0xFFu], 16) ^
           ror(te0[d & 0xFFu], 24);
}

/* The same for InvSubBytes + InvShiftRows + InvMixColumns. */
static uint32_t td_column(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return td0[a >> 24] ^ ror(td0[(b >> 16) & 0xFFu], 8) ^ ror(td0[(c >> 8) & 0xFFu], 16) ^
           ror(td0[d & 0xFFu], 24);
}

/* The last round has no MixColumns: S-box bytes only. */
static uint32_t sub_column(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return (uint32_t)sub_byte((uint8_t)(a >> 24)) << 24 |
           (uint32_t)sub_byte((uint8_t)(b >> 16)) << 16 |
           (uint32_t)sub_byte((uint8_t)(c >> 8)) << 8 | (uint32_t)sub_byte((uint8_t)d);
}

static uint32_t inv_sub_column(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return (uint32_t)inv_sbox[a >> 24] << 24 | (uint32_t)inv_sbox[(b >> 16) & 0xFFu] << 16 |
           (uint32_t)inv_sbox[(c >> 8) & 0xFFu] << 8 | (uint32_t)inv_sbox[d & 0xFFu];
}

/* InvMixColumns of a round-key word: td0[S(x)] is InvMixColumns applied to x alone. */
static uint32_t inv_mix_word(uint32_t w)
{
    return td0[sub_byte((uint8_t)(w >> 24))] ^ ror(td0[sub_byte((uint8_t)(w >> 16))], 8) ^
           ror(td0[sub_byte((uint8_t)(w >> 8))], 16) ^ ror(td0[sub_byte((uint8_t)w)], 24);
}

static void encrypt_block(const uint32_t rk[44], const uint8_t in[16], uint8_t out[16])
{
    uint32_t s0 = load_be32(in) ^ rk[0], s1 = load_be32(in + 4) ^ rk[1];
    uint32_t s2 = load_be32(in + 8) ^ rk[2], s3 = load_be32(in + 12) ^ rk[3];
    for (unsigned round = 1; round < ROUNDS; round++) {
        const uint32_t *k = rk + 4u * round;
        /* ShiftRows: row r of output column j comes from column j + r. */
        uint32_t t0 = te_column(s0, s1, s2, s3) ^ k[0];
        uint32_t t1 = te_column(s1, s2, s3, s0) ^ k[1];
        uint32_t t2 = te_column(s2, s3, s0, s1) ^ k[2];
        uint32_t t3 = te_column(s3, s0, s1, s2) ^ k[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    const uint32_t *k = rk + 4u * ROUNDS;
    store_be32(out, sub_column(s0, s1, s2, s3) ^ k[0]);
    store_be32(out + 4, sub_column(s1, s2, s3, s0) ^ k[1]);
    store_be32(out + 8, sub_column(s2, s3, s0, s1) ^ k[2]);
    store_be32(out + 12, sub_column(s3, s0, s1, s2) ^ k[3]);
}

static void decrypt_block(const uint32_t rk[44], const uint8_t in[16], uint8_t out[16])
{
    const uint32_t *k = rk + 4u * ROUNDS;
    uint32_t s0 = load_be32(in) ^ k[0], s1 = load_be32(in + 4) ^ k[1];
    uint32_t s2 = load_be32(in + 8) ^ k[2], s3 = load_be32(in + 12) ^ k[3];
    for (unsigned round = ROUNDS - 1u; round > 0u; round--) {
        k = rk + 4u * round;
        /* InvShiftRows: row r of output column j comes from column j - r. */
        uint32_t t0 = td_column(s0, s3, s2, s1) ^ inv_mix_word(k[0]);
        uint32_t t1 = td_column(s1, s0, s3, s2) ^ inv_mix_word(k[1]);
        uint32_t t2 = td_column(s2, s1, s0, s3) ^ inv_mix_word(k[2]);
        uint32_t t3 = td_column(s3, s2, s1, s0) ^ inv_mix_word(k[3]);
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    store_be32(out, inv_sub_column(s0, s3, s2, s1) ^ rk[0]);
    store_be32(out + 4, inv_sub_column(s1, s0, s3, s2) ^ rk[1]);
    store_be32(out + 8, inv_sub_column(s2, s1, s0, s3) ^ rk[2]);
    store_be32(out + 12, inv_sub_column(s3, s2, s1, s0) ^ rk[3]);
}

#else /* byte-oriented */

static const uint8_t sbox[256] = {
    0x63, 0x7C, 0x77, 0x7B, 0xF2, 0x6B, 0x6F, 0xC5, 0x30, 0x01, 0x67, 0x2B, 0xFE, 0xD7, 0xAB, 0x76,
    0xCA, 0x82, 0xC9, 0x7D, 0xFA, 0x59, 0x47, 0xF0, 0xAD, 0xD4, 0xA2, 0xAF, 0x9C, 0xA4, 0x72, 0xC0,
    0xB7, 0xFD, 0x93, 0x26, 0x36, 0x3F, 0xF7, 0xCC, 0x34, 0xA5, 0xE5, 0xF1, 0x71, 0xD8, 0x31, 0x15,
    0x04, 0xC7, 0x23, 0xC3, 0x18, 0x96, 0x05, 0x9A, 0x07, 0x12, 0x80, 0xE2, 0xEB, 0x27, 0xB2, 0x75,
    0x09, 0x83, 0x2C, 0x1A, 0x1B, 0x6E, 0x5A, 0xA0, 0x52, 0x3B, 0xD6, 0xB3, 0x29, 0xE3, 0x2F, 0x84,
    0x53, 0xD1, 0x00, 0xED, 0x20, 0xFC, 0xB1, 0x5B, 0x6A, 0xCB, 0xBE, 0x39, 0x4A, 0x4C, 0x58, 0xCF,
    0xD0, 0xEF, 0xAA, 0xFB, 0x43, 0x4D, 0x33, 0x85, 0x45, 0xF9, 0x02, 0x7F, 0x50, 0x3C, 0x9F, 0xA8,
    0x51, 0xA3, 0x40, 0x8F, 0x92, 0x9D, 0x38, 0xF5, 0xBC, 0xB6, 0xDA, 0x21, 0x10, 0xFF, 0xF3, 0xD2,
    0xCD, 0x0C, 0x13, 0xEC, 0x5F, 0x97, 0x44, 0x17, 0xC4, 0xA7, 0x7E, 0x3D, 0x64, 0x5D, 0x19, 0x73,
    0x60, 0x81, 0x4F, 0xDC, 0x22, 0x2A, 0x90, 0x88, 0x46, 0xEE, 0xB8, 0x14, 0xDE, 0x5E, 0x0B, 0xDB,
    0xE0, 0x32, 0x3A, 0x0A, 0x49, 0x06, 0x24, 0x5C, 0xC2, 0xD3, 0xAC, 0x62, 0x91, 0x95, 0xE4, 0x79,
    0xE7, 0xC8, 0x37, 0x6D, 0x8D, 0xD5, 0x4E, 0xA9, 0x6C, 0x56, 0xF4, 0xEA, 0x65, 0x7A, 0xAE, 0x08,
    0xBA, 0x78, 0x25, 0x2E, 0x1C, 0xA6, 0xB4, 0xC6, 0xE8, 0xDD, 0x74, 0x1F, 0x4B, 0xBD, 0x8B, 0x8A,
    0x70, 0x3E, 0xB5, 0x66, 0x48, 0x03, 0xF6, 0x0E, 0x61, 0x35, 0x57, 0xB9, 0x86, 0xC1, 0x1D, 0x9E,
    0xE1, 0xF8, 0x98, 0x11, 0x69, 0xD9, 0x8E, 0x94, 0x9B, 0x1E, 0x87, 0xE9, 0xCE, 0x55, 0x28, 0xDF,
    0x8C, 0xA1, 0x89, 0x0D, 0xBF, 0xE6, 0x42, 0x68, 0x41, 0x99, 0x2D, 0x0F, 0xB0, 0x54, 0xBB, 0x16,
};

static uint8_t sub_byte(uint8_t x) { return sbox[x]; }

/*
 * SubBytes and ShiftRows in one pass (they commute), or their inverses. The state is column-major,
 * s[r + 4c] = row r, column c; ShiftRows takes row r of column c from column c + r, which is index
 * (i + 4r) mod 16; InvShiftRows from c - r, index (i + 12r) mod 16.
 */
static void sub_shift(uint8_t s[16], const uint8_t box[256], unsigned step)
{
    uint8_t t[16];
    for (unsigned i = 0; i < 16u; i++) {
        t[i] = box[s[(i + step * (i & 3u)) & 15u]];
    }
    mb_internal_copy(s, t, 16u);
}

/* MixColumns: b_r = {02}a_r + {03}a_(r+1) + a_(r+2) + a_(r+3) = a_r + sum + xtime(a_r + a_(r+1)).
 */
static void mix_columns(uint8_t s[16])
{
    for (unsigned c = 0; c < 16u; c += 4u) {
        uint8_t a0 = s[c], a1 = s[c + 1u], a2 = s[c + 2u], a3 = s[c + 3u];
        uint8_t sum = (uint8_t)(a0 ^ a1 ^ a2 ^ a3);
        s[c] = (uint8_t)(a0 ^ sum ^ xtime((uint8_t)(a0 ^ a1)));
        s[c + 1u] = (uint8_t)(a1 ^ sum ^ xtime((uint8_t)(a1 ^ a2)));
        s[c + 2u] = (uint8_t)(a2 ^ sum ^ xtime((uint8_t)(a2 ^ a3)));
        s[c + 3u] = (uint8_t)(a3 ^ sum ^ xtime((uint8_t)(a3 ^ a0)));
    }
}

/*
 * InvMixColumns without its own multiplications: the inverse polynomial {0b}x^3 + {0d}x^2 + {09}x +
 * {0e} equals the MixColumns polynomial times {04}x^2 + {05} (mod x^4 + 1), so multiply by that
 * first (a_r += {04}(a_r + a_(r+2))), then run MixColumns.
 */
static void inv_mix_columns(uint8_t s[16])
{
    for (unsigned c = 0; c < 16u; c += 4u) {
        uint8_t u = xtime(xtime((uint8_t)(s[c] ^ s[c + 2u])));
        uint8_t v = xtime(xtime((uint8_t)(s[c + 1u] ^ s[c + 3u])));
        s[c] ^= u;
        s[c + 1u] ^= v;
        s[c + 2u] ^= u;
        s[c + 3u] ^= v;
    }
    mix_columns(s);
}

/*
 * The cipher (FIPS-197 5.1) or the inverse cipher (5.3), one loop: the inverse runs the rounds in
 * reverse with the same round keys, and since InvShiftRows and InvSubBytes commute it does the
 * same substitution step first, then AddRoundKey, then InvMixColumns.
 */
static void crypt_block(const uint8_t rk[176], bool decrypt, const uint8_t in[16], uint8_t out[16])
{
    uint8_t s[16];
    mb_internal_copy(s, in, 16u);
    xor16(s, rk + (decrypt ? 16u * ROUNDS : 0u));
    for (unsigned round = 1; round <= ROUNDS; round++) {
        sub_shift(s, decrypt ? inv_sbox : sbox, decrypt ? 12u : 4u);
        if (!decrypt && round < ROUNDS) {
            mix_columns(s);
        }
        xor16(s, rk + 16u * (decrypt ? ROUNDS - round : round));
        if (decrypt && round < ROUNDS) {
            inv_mix_columns(s);
        }
    }
    mb_internal_copy(out, s, 16u);
}

#endif /* MB_ENABLE_AES_TABLES */

/*
 * Key expansion (FIPS-197 5.2) into 176 bytes, a word w[i] of 4 bytes at a time: w[i-4] XOR w[i-1],
 * where the first word of every round key takes w[i-1] rotated, through the S-box, plus Rcon.
 */
static void expand_key(uint8_t rk[176], const uint8_t key[16])
{
    uint8_t rcon = 1u;
    mb_internal_copy(rk, key, 16u);
    for (unsigned i = 16u; i < 176u; i += 4u) {
        uint8_t t[4] = {rk[i - 4u], rk[i - 3u], rk[i - 2u], rk[i - 1u]};
        if ((i & 15u) == 0u) {
            uint8_t t0 = t[0];
            t[0] = (uint8_t)(sub_byte(t[1]) ^ rcon);
            t[1] = sub_byte(t[2]);
            t[2] = sub_byte(t[3]);
            t[3] = sub_byte(t0);
            rcon = xtime(rcon);
        }
        for (unsigned j = 0; j < 4u; j++) {
            rk[i + j] = (uint8_t)(rk[i + j - 16u] ^ t[j]);
        }
    }
}

static bool keyed(const mb_aes_t *aes) { return aes != NULL && aes->keyed == 1u; }

/* One block through the hook or the software cipher. */
static int block(const mb_aes_t *aes, bool decrypt, const uint8_t in[16], uint8_t out[16])
{
    if (aes->hook != NULL) {
        if (aes->hook->block == NULL) {
            return MB_ERR_ARG;
        }
        int r = aes->hook->block(aes->hook->ctx, aes->rk.b, decrypt, in, out);
        /* A positive status (a vendor HAL's) is a failure too, with no mb_err of its own. */
        return r <= 0 ? r : MB_ERR_ARG;
    }
#if MB_ENABLE_AES_TABLES
    (decrypt ? decrypt_block : encrypt_block)(aes->rk.w, in, out);
#else
    crypt_block(aes->rk.b, decrypt, in, out);
#endif
    return MB_OK;
}

void mb_aes_init(mb_aes_t *aes, const uint8_t key[16], const mb_aes_hook_t *hook)
{
    if (aes == NULL) {
        return;
    }
    if (key == NULL || hook != NULL) {
        /* No part of an earlier key may stay where the new one does not overwrite it. */
        wipe(aes, sizeof *aes);
    }
    if (key == NULL) {
        return;
    }
    if (hook != NULL) {
        mb_internal_copy(aes->rk.b, key, 16u);
    } else {
        expand_key(aes->rk.b, key);
#if MB_ENABLE_AES_TABLES
        /* Words in place: word i is bytes 4i..4i+3, read before it is written. */
        for (unsigned i = 0; i < 44u; i++) {
            aes->rk.w[i] = load_be32(aes->rk.b + 4u * i);
        }
#endif
    }
    aes->hook = hook;
    aes->keyed = 1u;
}

void mb_aes_wipe(mb_aes_t *aes)
{
    if (aes != NULL) {
        wipe(aes, sizeof *aes);
    }
}

int mb_aes_encrypt(const mb_aes_t *aes, const uint8_t in[16], uint8_t out[16])
{
    if (!keyed(aes) || in == NULL || out == NULL) {
        return MB_ERR_ARG;
    }
    return block(aes, false, in, out);
}

int mb_aes_decrypt(const mb_aes_t *aes, const uint8_t in[16], uint8_t out[16])
{
    if (!keyed(aes) || in == NULL || out == NULL) {
        return MB_ERR_ARG;
    }
    return block(aes, true, in, out);
}

static bool buf_ok(const uint8_t *buf, size_t len) { return buf != NULL || len == 0u; }

int mb_aes_cbc_encrypt(const mb_aes_t *aes, const uint8_t iv[16], uint8_t *buf, size_t len)
{
    if (!keyed(aes) || iv == NULL || !buf_ok(buf, len) || len % 16u != 0u) {
        return MB_ERR_ARG;
    }
    const uint8_t *chain = iv;
    for (size_t off = 0; off < len; off += 16u) {
        uint8_t *p = buf + off;
        xor16(p, chain);
        int r = block(aes, false, p, p);
        if (r != MB_OK) {
            return r;
        }
        chain = p;
    }
    return MB_OK;
}

/* Last block first: each block's chaining value is the ciphertext block before it, which is then
 * still in buf, so nothing needs to be copied aside. */
int mb_aes_cbc_decrypt(const mb_aes_t *aes, const uint8_t iv[16], uint8_t *buf, size_t len)
{
    if (!keyed(aes) || iv == NULL || !buf_ok(buf, len) || len % 16u != 0u) {
        return MB_ERR_ARG;
    }
    for (size_t off = len; off > 0u;) {
        off -= 16u;
        uint8_t *p = buf + off;
        int r = block(aes, true, p, p);
        if (r != MB_OK) {
            return r;
        }
        xor16(p, off > 0u ? p - 16 : iv);
    }
    return MB_OK;
}

int mb_aes_ctr(const mb_aes_t *aes, const uint8_t icb[16], uint8_t *buf, size_t len)
{
    if (!keyed(aes) || icb == NULL || !buf_ok(buf, len)) {
        return MB_ERR_ARG;
    }
    uint8_t ctr[16], ks[16];
    int r = MB_OK;
    mb_internal_copy(ctr, icb, 16u);
    for (size_t off = 0; off < len; off += 16u) {
        r = block(aes, false, ctr, ks);
        if (r != MB_OK) {
            break;
        }
        size_t n = len - off < 16u ? len - off : 16u;
        for (size_t i = 0; i < n; i++) {
            buf[off + i] ^= ks[i];
        }
        /* The whole block is the counter (SP 800-38A B.1 with m = 128), big-endian, wrapping. */
        for (unsigned i = 16u; i-- > 0u;) {
            if (++ctr[i] != 0u) {
                break;
            }
        }
    }
    wipe(ks, sizeof ks); /* keystream: with the ciphertext it gives the plaintext */
    return r;
}

/* ---- CMAC (RFC 4493) ------------------------------------------------------------------------ */

/* Multiplication by x in GF(2^128) (RFC 4493 2.3 subkey generation), without a secret branch. */
static void dbl(uint8_t k[16])
{
    uint8_t carry = (uint8_t)(k[0] >> 7);
    for (unsigned i = 0; i < 15u; i++) {
        k[i] = (uint8_t)((unsigned)k[i] << 1 | (unsigned)(k[i + 1u] >> 7));
    }
    k[15] = (uint8_t)((unsigned)k[15] << 1 ^ (0x87u & (0u - (unsigned)carry)));
}

/* After a hook failure: nothing secret stays, and later calls report the same error. */
static int cmac_fail(mb_cmac_t *cmac, int err)
{
    wipe(cmac, sizeof *cmac);
    cmac->aes = NULL;
    cmac->err = err;
    return err;
}

/* MB_OK when @p cmac is started; else what update and final return. */
static int cmac_state(const mb_cmac_t *cmac)
{
    if (cmac->aes != NULL) {
        return MB_OK;
    }
    return cmac->err < 0 ? cmac->err : MB_ERR_ARG;
}

int mb_cmac_init(mb_cmac_t *cmac, const mb_aes_t *aes)
{
    if (cmac == NULL) {
        return MB_ERR_ARG;
    }
    wipe(cmac, sizeof *cmac);
    cmac->aes = NULL;
    if (!keyed(aes)) {
        return MB_ERR_ARG;
    }
    cmac->aes = aes;
    return MB_OK;
}

/* The last block is held back until more data comes: only at the end is it known whether it is
 * the final block, which gets a subkey XORed in. */
int mb_cmac_update(mb_cmac_t *cmac, const uint8_t *data, size_t len)
{
    if (cmac == NULL || !buf_ok(data, len)) {
        return MB_ERR_ARG;
    }
    int r = cmac_state(cmac);
    if (r != MB_OK) {
        return r;
    }
    while (len > 0u) {
        if (cmac->n == 16u) {
            xor16(cmac->x, cmac->buf);
            r = block(cmac->aes, false, cmac->x, cmac->x);
            if (r != MB_OK) {
                return cmac_fail(cmac, r);
            }
            cmac->n = 0u;
        }
        size_t take = 16u - cmac->n;
        if (take > len) {
            take = len;
        }
        mb_internal_copy(cmac->buf + cmac->n, data, take);
        cmac->n = (uint8_t)(cmac->n + take);
        data += take;
        len -= take;
    }
    return MB_OK;
}

int mb_cmac_final(mb_cmac_t *cmac, uint8_t mac[16])
{
    if (cmac == NULL || mac == NULL) {
        return MB_ERR_ARG;
    }
    int r = cmac_state(cmac);
    if (r != MB_OK) {
        return r;
    }
    uint8_t k[16] = {0};
    r = block(cmac->aes, false, k, k); /* L = E(0) */
    if (r == MB_OK) {
        dbl(k); /* K1, for a complete last block */
        if (cmac->n < 16u) {
            dbl(k); /* K2, for a padded one: 10...0 */
            cmac->buf[cmac->n] = 0x80u;
            for (unsigned i = cmac->n + 1u; i < 16u; i++) {
                cmac->buf[i] = 0u;
            }
        }
        xor16(cmac->x, cmac->buf);
        xor16(cmac->x, k);
        r = block(cmac->aes, false, cmac->x, cmac->x);
    }
    if (r == MB_OK) {
        mb_internal_copy(mac, cmac->x, 16u);
    }
    wipe(k, sizeof k);
    if (r != MB_OK) {
        return cmac_fail(cmac, r);
    }
    wipe(cmac, sizeof *cmac);
    cmac->aes = NULL;
    return MB_OK;
}

int mb_aes_cmac(const mb_aes_t *aes, const uint8_t *msg, size_t len, uint8_t mac[16])
{
    if (!keyed(aes) || !buf_ok(msg, len) || mac == NULL) {
        return MB_ERR_ARG;
    }
    mb_cmac_t cmac;
    (void)mb_cmac_init(&cmac, aes); /* cannot fail: aes is keyed */
    int r = mb_cmac_update(&cmac, msg, len);
    if (r == MB_OK) {
        r = mb_cmac_final(&cmac, mac);
    }
    wipe(&cmac, sizeof cmac); /* already wiped by final or a failure; cheap to be sure */
    return r;
}

bool mb_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n == 0u) {
        return true;
    }
    if (a == NULL || b == NULL) {
        return false;
    }
    /* Volatile reads and an OR of every difference: no early exit the compiler could introduce. */
    const volatile uint8_t *va = a, *vb = b;
    unsigned diff = 0u;
    for (size_t i = 0; i < n; i++) {
        diff |= (unsigned)(va[i] ^ vb[i]);
    }
    return ((diff - 1u) >> 8 & 1u) != 0u; /* diff is 0..255: only 0 borrows into bit 8 */
}

#endif /* MB_ENABLE_SECURITY */
