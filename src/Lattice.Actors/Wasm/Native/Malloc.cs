using System.Runtime.InteropServices;

namespace Lattice.Wasm.Native;

/// <summary>
/// Wasmtime's dynamic value path allocates a buffer of 24-32 bytes per list element on every call
/// (a 64 KiB <c>list&lt;u8&gt;</c> is several 2 MB vectors). glibc serves blocks above 128 KiB with
/// fresh mmaps that are faulted in, zeroed and unmapped each time; measured, that was a third of the
/// call. Raising the mmap and trim thresholds keeps those blocks in the heap for reuse
/// (the same effect as <c>MALLOC_MMAP_THRESHOLD_</c>/<c>MALLOC_TRIM_THRESHOLD_</c>).
/// </summary>
internal static class Malloc
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private static int s_tuned;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    public static void TuneForLargeValues()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_tuned, 1) == 1) return;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return; // the operator chose
        try
        {
            Mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
            Mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }
}
