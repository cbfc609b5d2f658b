using System.Buffers;

namespace ChatOrganizer.Export.Json;

// Finds where one JSON value ends without parsing it: only quotes, backslashes and brackets
// matter, found with vectorized searches. JsonElementStream uses it to drop an element that breaks
// a limit (too large, too deep, a string too long) in read-sized pieces, never buffering it whole.
// It does not validate. The state survives buffer refills.
internal struct JsonValueScanner
{
    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"{}[]"u8);
    private static readonly SearchValues<byte> StringSpecial = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> ScalarEnd = SearchValues.Create(",]} \t\r\n"u8);

    private bool _started;
    private bool _scalar;
    private bool _inString;
    private bool _escapePending;
    private int _depth;
    private long _stringLength;

    public int DeepestNesting { get; private set; }
    public long LongestString { get; private set; }

    // A bare number or literal has no closing byte: at the end of the input it is complete.
    public readonly bool EndsAtEndOfInput => _scalar;

    // Scans the next bytes of the value; returns how many of them belong to it when it ends
    // within data, or -1 when it goes on past data.
    public int Scan(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        if (!_started && data.Length > 0)
        {
            _started = true;
            _scalar = data[0] is not ((byte)'{' or (byte)'[' or (byte)'"');
        }

        while (pos < data.Length)
        {
            if (_scalar)
            {
                var end = data[pos..].IndexOfAny(ScalarEnd);
                return end < 0 ? -1 : pos + end;
            }

            if (_inString)
            {
                if (_escapePending)
                {
                    _escapePending = false;
                    _stringLength++;
                    pos++;
                    continue;
                }

                var special = data[pos..].IndexOfAny(StringSpecial);
                if (special < 0)
                {
                    _stringLength += data.Length - pos;
                    LongestString = Math.Max(LongestString, _stringLength);
                    return -1;
                }

                _stringLength += special;
                pos += special;
                if (data[pos] == (byte)'\\')
                {
                    _escapePending = true;
                    _stringLength++;
                    pos++;
                    continue;
                }

                pos++;
                _inString = false;
                LongestString = Math.Max(LongestString, _stringLength);
                if (_depth == 0) return pos;
                continue;
            }

            var next = data[pos..].IndexOfAny(Structural);
            if (next < 0) return -1;
            pos += next;
            switch (data[pos++])
            {
                case (byte)'"':
                    _inString = true;
                    _stringLength = 0;
                    break;
                case (byte)'{' or (byte)'[':
                    _depth++;
                    DeepestNesting = Math.Max(DeepestNesting, _depth);
                    break;
                default:
                    // A closing bracket; a stray one (depth below zero) also ends the value, and
                    // the parser then reports the syntax error.
                    if (--_depth <= 0) return pos;
                    break;
            }
        }

        return -1;
    }
}
