/* sysarch(AMD64_GET_XFPUSTATE): the XSAVE area past the 512-byte FXSAVE image, in XSAVE's
 * standard layout, as sys_machdep.c copies it out; longer than the CPU saves is EINVAL. */
#include <sys/types.h>
#include <sys/syscall.h>
#include <machine/sysarch.h>
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define FXSAVE_SIZE 512 /* struct savefpu */
#define XSTATE_AVX 2    /* XCR0 bit of the upper halves of the ymm registers */

int main(void) {
    unsigned eax, ebx, ecx, edx, avx_off, avx_size, extended;
    struct amd64_get_xfpustate req;
    unsigned char *buf;
    long err;

    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_XSAVE)) {
        req.addr = NULL;
        req.len = 1;
        CHECK(sysarch(AMD64_GET_XFPUSTATE, &req) == -1 && errno == EINVAL, "no XSAVE: %d", errno);
        DONE();
    }
    __cpuid_count(0xd, 0, eax, ebx, ecx, edx);
    extended = ebx - FXSAVE_SIZE; /* cpu_max_ext_state_size: XCR0's features */
    buf = calloc(1, extended + 64);

    req.addr = buf;
    req.len = extended + 1;
    CHECK(sysarch(AMD64_GET_XFPUSTATE, &req) == -1 && errno == EINVAL, "len past the area: %d",
          errno);
    req.len = -1;
    CHECK(sysarch(AMD64_GET_XFPUSTATE, &req) == -1 && errno == EINVAL, "negative len: %d", errno);
    req.addr = (void *)8;
    req.len = 64;
    CHECK(sysarch(AMD64_GET_XFPUSTATE, &req) == -1 && errno == EFAULT, "bad addr: %d", errno);
    CHECK(sysarch(AMD64_GET_XFPUSTATE, (void *)8) == -1 && errno == EFAULT, "bad parms: %d", errno);
    req.addr = buf;
    req.len = 0;
    CHECK(sysarch(AMD64_GET_XFPUSTATE, &req) == 0, "len 0: %d", errno);

    __cpuid_count(0xd, XSTATE_AVX, avx_size, avx_off, ecx, edx);
    if (!avx_size || avx_off + avx_size > ebx)
        DONE();
    /* ymm15's upper half all ones, read at once by the call in the same asm statement */
    req.addr = buf;
    req.len = extended;
    __asm__ volatile("vpcmpeqd %%ymm15, %%ymm15, %%ymm15\n\tsyscall"
                     : "=a"(err)
                     : "a"((long)SYS_sysarch), "D"((long)AMD64_GET_XFPUSTATE), "S"(&req)
                     : "rcx", "r11", "rdx", "memory", "cc", "xmm15");
    CHECK(err == 0, "GET_XFPUSTATE: %ld", err);
    /* the header: XSTATE_BV says AVX is live; XCOMP_BV 0, the standard layout */
    CHECK(buf[0] & (1 << XSTATE_AVX), "XSTATE_BV %#x", buf[0]);
    CHECK(*(uint64_t *)(buf + 8) == 0, "XCOMP_BV %#llx", (unsigned long long)*(uint64_t *)(buf + 8));
    for (int i = 0; i < 16; i++)
        CHECK(buf[avx_off - FXSAVE_SIZE + 15 * 16 + i] == 0xff, "ymm15 byte %d: %#x", 16 + i,
              buf[avx_off - FXSAVE_SIZE + 15 * 16 + i]);
    DONE();
}
