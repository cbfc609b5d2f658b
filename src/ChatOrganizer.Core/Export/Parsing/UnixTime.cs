using System.Runtime.CompilerServices;

namespace ChatOrganizer.Export.Parsing;

// Export times are Unix seconds as floats (1695326335.192504). Converted the way Python's
// datetime.fromtimestamp does (microseconds rounded half to even), so that a time prints to the
// same second as the reference reading does.
internal static class UnixTime
{
    private const long MinSeconds = -62_135_596_800;
    private const long MaxSeconds = 253_402_300_799;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DateTimeOffset? FromSeconds(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < MinSeconds || seconds > MaxSeconds) return null;
        var whole = Math.Truncate(seconds);
        var micros = (long)Math.Round((seconds - whole) * 1_000_000, MidpointRounding.ToEven);
        var unix = (long)whole;
        if (micros >= 1_000_000)
        {
            unix++;
            micros -= 1_000_000;
        }
        else if (micros < 0)
        {
            unix--;
            micros += 1_000_000;
        }

        if (unix is < MinSeconds or > MaxSeconds) return null;
        return DateTimeOffset.FromUnixTimeSeconds(unix).AddTicks(micros * 10);
    }
}
