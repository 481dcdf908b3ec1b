/* A stand-in for Windows 10's bcryptprimitives.dll, which Wine 8 (Debian 12's) lacks: every
 * program built by Rust >= 1.78 imports ProcessPrng from it for its random numbers, so under
 * Wine 8 they stop before main with status 53 (c0000135, a DLL not found). tests/windows/run.sh
 * puts this into the throwaway Wine prefix's System32 — the place of the system DLL it stands
 * for. It never ships: every Windows 10/11 seat has the real one, and the installers carry
 * none. ProcessPrng fills the buffer from RtlGenRandom (advapi32's SystemFunction036), the
 * generator the real one wraps, and like it never fails. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        SystemFunction036(data, chunk);
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
