/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, which Debian's Wine 8 does not have.
 *
 * Rust's standard library fills its random numbers (HashMap seeds) from
 * bcryptprimitives!ProcessPrng on Windows 10 and later; Wine added the DLL in 9.x. This file
 * gives Wine 8 that one function, drawing from advapi32!SystemFunction036 (RtlGenRandom),
 * which Wine implements. It is built by tests/packaging/windows.sh next to a copy of the
 * CLI in a temporary folder and never ships: on Windows the system's own DLL is used.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffffu ? 0x7fffffffu : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
