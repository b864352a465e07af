/*
 * Minimal bcryptprimitives.dll for running Bun's Windows executables under Wine.
 *
 * WHY: `bun build --compile --target=bun-windows-x64` produces an exe whose
 * import table needs bcryptprimitives.dll!ProcessPrng (Zig's std, which Bun
 * is written in, uses it as its CSPRNG on Windows). Debian 12's Wine 8.0
 * ships no bcryptprimitives.dll at all, so the loader fails before Bun's
 * main() runs. ProcessPrng is the
 * ONLY symbol Bun imports from this DLL (checked with
 * `x86_64-w64-mingw32-objdump -p t.exe`, Bun 1.4.5), so that is all we export.
 * If a later Bun imports more from it, the exe fails to start with
 * "err:module:import_dll ... not found": add the function here.
 *
 * ProcessPrng is implemented on top of advapi32!SystemFunction036
 * (a.k.a. RtlGenRandom), which Wine has had for ages.
 *
 * Wine 8.0 has no builtin of this name, so a native copy in the prefix's
 * system32 is loaded with no DLL override; .ci/wine-run.sh still sets
 * WINEDLLOVERRIDES=bcryptprimitives=n,b so the shim stays the one in use.
 *
 * Built by .ci/wine-setup.sh (exact flags there) without the C runtime:
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -nostdlib -Wl,--entry,DllMain \
 *     -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32 -lkernel32
 * No .def file is needed: on x64 __declspec(dllexport) gives the plain name.
 */
#include <windows.h>

/* RtlGenRandom; declared here to avoid depending on ntsecapi.h quirks. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same contract as Windows: fill the buffer with random bytes, return TRUE
 * (Windows documents it as never failing; we return FALSE only if
 * RtlGenRandom does). RtlGenRandom takes a ULONG length, so feed it chunks
 * for SIZE_T-sized requests. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
