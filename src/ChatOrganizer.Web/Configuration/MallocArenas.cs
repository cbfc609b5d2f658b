using System.Runtime.InteropServices;

namespace ChatOrganizer.Web.Configuration;

// Caps glibc's malloc arenas at two. glibc gives every thread that allocates natively an arena of its own (up to eight
// per core); SQLite's page caches and statements, allocated from the thread pool's 32 threads, then spread over many
// half-empty arenas. Measured with `bench jobs-memory` (20,000 conversations, a model job): peak 312-324 MB before,
// about 304 MB with two arenas, 291-297 MB with two arenas and tiered PGO off (the project file); the target is 300 MB.
// It must run before the thread pool starts,
// so it is the first line of Program.cs; the MALLOC_ARENA_MAX environment variable, when set, wins.
internal static class MallocArenas
{
    private const int ArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    public static void Limit()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null) return;
        try
        {
            _ = MallOpt(ArenaMax, 2);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, as on Alpine, has no arenas to cap).
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling, and the project allows no unsafe code.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
