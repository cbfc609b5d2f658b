using System.Buffers;
using System.Text;

namespace ChatOrganizer.Web.Results;

// Text made into a file or folder name that is safe everywhere: no separators, no reserved characters or names, no dot tricks, bounded length.
public static class SafeName
{
    private static readonly SearchValues<char> Reserved = SearchValues.Create("<>:\"/\\|?*");

    private static readonly HashSet<string> ReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static string Of(string? text, int maxLength, string fallback)
    {
        var name = new StringBuilder(Math.Min(text?.Length ?? 0, maxLength * 2));
        foreach (var c in text ?? "")
        {
            var safe = char.IsControl(c) || Reserved.Contains(c) ? '_' : char.IsWhiteSpace(c) ? ' ' : c;
            if (safe == ' ' && (name.Length == 0 || name[^1] == ' ')) continue;
            name.Append(safe);
        }
        var result = name.ToString().Trim().TrimEnd('.');
        if (result.Length > maxLength)
        {
            var cut = char.IsHighSurrogate(result[maxLength - 1]) ? maxLength - 1 : maxLength;
            result = result[..cut].TrimEnd().TrimEnd('.');
        }
        result = result.TrimStart('.');
        if (result.Length == 0) return fallback;
        return ReservedNames.Contains(result.Split('.')[0]) ? "_" + result : result;
    }
}
