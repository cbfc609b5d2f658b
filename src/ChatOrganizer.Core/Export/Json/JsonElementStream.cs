using System.Buffers;
using System.Text;

namespace ChatOrganizer.Export.Json;

internal enum JsonElementStreamMode
{
    // The file is one JSON array; its elements are produced one by one.
    Array,

    // chat.html: the array assigned to `jsonData` in its script; the rest of the page is ignored.
    HtmlJsonData,

    // The file is one JSON value (user.json, export_manifest.json), produced as a single element.
    SingleValue,
}

// Which per-value limit a skipped element broke.
internal enum JsonElementLimit
{
    None,
    TooLarge,
    TooDeep,
    StringTooLong,
}

/// <param name="Offset">Byte offset of the element's first byte in the file.</param>
/// <param name="Length">Bytes of the element; for a skipped one, as far as it was scanned.</param>
internal readonly record struct JsonElementInfo(int Index, long Offset, long Length, JsonElementLimit Limit);

// Reads a JSON array from a stream one element at a time over one pooled buffer that holds at
// most one element plus a read chunk, so memory does not grow with the file. Each element's bytes
// stay valid in Current until the next MoveNextAsync.
internal sealed class JsonElementStream : IDisposable
{
    private const int ReadChunk = 1024 * 1024;
    private const int StandardBufferSize = 2 * ReadChunk;
    private static readonly SearchValues<byte> JsonWhitespace = SearchValues.Create(" \t\r\n"u8);

    private readonly Stream _stream;
    private readonly string _file;
    private readonly ExportReaderOptions _options;
    private readonly JsonElementStreamMode _mode;
    private readonly long _maxElementBytes;
    private readonly Action<Diagnostic>? _report;
    private readonly string _elementName;

    private byte[] _buffer;
    private bool _bufferPooled = true;
    private int _dataStart;
    private int _dataEnd;
    private long _bufferOffset;
    private bool _endOfInput;
    private State _state = State.BeforeValues;
    private int _index;
    private int _currentStart;
    private int _currentLength;
    private int _consumed;

    // elementName names an element in messages ("conversation"); firstIndex numbers elements on
    // from an earlier file (shards); report receives warnings about the file as a whole, such as
    // data after the end of the JSON.
    public JsonElementStream(
        Stream stream, string file, ExportReaderOptions options, JsonElementStreamMode mode,
        string elementName = "element", int firstIndex = 0, Action<Diagnostic>? report = null)
    {
        _stream = stream;
        _file = file;
        _options = options;
        _mode = mode;
        _maxElementBytes = options.MaxConversationBytes;
        _report = report;
        _elementName = elementName;
        _index = firstIndex - 1;
        _buffer = ArrayPool<byte>.Shared.Rent(StandardBufferSize);
    }

    private enum State
    {
        BeforeValues,
        FirstElement,
        NextElement,
        AfterSingleValue,
        Done,
    }

    public string File => _file;

    public int NextIndex => _index + 1;

    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_currentStart, _currentLength);

    // The next element, or null after the last. With keep false the element is only scanned and
    // its bytes are not buffered (counting entries of a large side file).
    public async ValueTask<JsonElementInfo?> MoveNextAsync(bool keep, CancellationToken cancellationToken)
    {
        _dataStart = _consumed;
        _currentLength = 0;
        switch (_state)
        {
            case State.BeforeValues:
                await OpenAsync(cancellationToken);
                break;
            case State.NextElement:
                var afterPrevious = await PeekAsync(cancellationToken);
                if (afterPrevious is null) throw Truncated();
                if (afterPrevious == (byte)']')
                {
                    _dataStart++;
                    return await FinishAsync(cancellationToken);
                }

                if (afterPrevious != (byte)',') throw NotJson($"'{Printable(afterPrevious.Value)}' where ',' or ']' should follow {_elementName} #{_index}", _dataStart);
                _dataStart++;
                break;
            case State.AfterSingleValue:
                return await FinishAsync(cancellationToken);
            case State.Done:
                return null;
        }

        var first = await PeekAsync(cancellationToken);
        if (first is null) throw Truncated();
        if (_state == State.FirstElement && _mode != JsonElementStreamMode.SingleValue && first == (byte)']')
        {
            _dataStart++;
            return await FinishAsync(cancellationToken);
        }

        if (!StartsJsonValue(first.Value)) throw NotJson($"'{Printable(first.Value)}' where a JSON value should begin", _dataStart);
        _index++;
        var element = await ScanElementAsync(keep, cancellationToken);
        _state = _mode == JsonElementStreamMode.SingleValue ? State.AfterSingleValue : State.NextElement;
        return element;
    }

    public void Dispose()
    {
        ReleaseBuffer();
        _buffer = [];
    }

    private async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureDataAsync(1, cancellationToken)) throw Empty();
        if (await EnsureDataAsync(3, cancellationToken) && _buffer.AsSpan(_dataStart, 3).SequenceEqual("\uFEFF"u8)) _dataStart += 3;
        if (await EnsureDataAsync(2, cancellationToken) && _buffer[_dataStart] is 0xFF or 0xFE && _buffer[_dataStart + 1] is 0xFF or 0xFE)
        {
            throw new ExportFormatException($"{_file} is UTF-16 text; ChatGPT exports are UTF-8. Save it as UTF-8 and try again.", _file, 0);
        }

        if (_mode == JsonElementStreamMode.HtmlJsonData) await SkipToJsonDataAsync(cancellationToken);
        var first = await PeekAsync(cancellationToken) ?? throw Empty();
        if (_mode == JsonElementStreamMode.SingleValue)
        {
            _state = State.FirstElement;
            return;
        }

        if (first == (byte)'{')
        {
            throw new ExportFormatException(
                $"{_file} holds a JSON object at byte {Offset(_dataStart)}, but a conversations file is a JSON array of conversations ('[ {{...}}, {{...}} ]'). " +
                "It may be another file of the export, or a single conversation saved on its own.",
                _file, Offset(_dataStart));
        }

        if (first != (byte)'[') throw NotJson($"'{Printable(first)}' where a JSON array '[' should begin", _dataStart);
        _dataStart++;
        _state = State.FirstElement;
    }

    // 2023 and later chat.html pages carry the data as `var jsonData = [...]` in a script.
    private async ValueTask SkipToJsonDataAsync(CancellationToken cancellationToken)
    {
        var marker = "jsonData"u8.ToArray();
        while (true)
        {
            var found = _buffer.AsSpan(_dataStart, _dataEnd - _dataStart).IndexOf(marker);
            if (found < 0)
            {
                _dataStart = Math.Max(_dataStart, _dataEnd - marker.Length + 1);
                if (!await ReadMoreAsync(cancellationToken))
                {
                    throw new ExportFormatException($"{_file} holds no 'jsonData' array, so it has no conversations to read.", _file, Offset(_dataEnd));
                }

                continue;
            }

            _dataStart += found + marker.Length;
            if (await PeekAsync(cancellationToken) != (byte)'=') continue;
            _dataStart++;
            if (await PeekAsync(cancellationToken) == (byte)'[') return;
        }
    }

    private async ValueTask<JsonElementInfo> ScanElementAsync(bool keep, CancellationToken cancellationToken)
    {
        var scanner = new JsonValueScanner();
        var start = Offset(_dataStart);
        var scanned = 0;
        var limit = JsonElementLimit.None;
        var dropped = 0L;
        while (true)
        {
            var end = scanner.Scan(_buffer.AsSpan(_dataStart + scanned, _dataEnd - _dataStart - scanned));
            if (limit == JsonElementLimit.None) limit = LimitBroken(scanner, dropped + (end >= 0 ? scanned + end : _dataEnd - _dataStart));
            if (end >= 0)
            {
                var length = scanned + end;
                if (keep && limit == JsonElementLimit.None)
                {
                    _currentStart = _dataStart;
                    _currentLength = length;
                }

                _consumed = _dataStart + length;
                return new JsonElementInfo(_index, start, dropped + length, limit);
            }

            scanned = _dataEnd - _dataStart;
            if (!keep || limit != JsonElementLimit.None)
            {
                // Not kept: the scanned bytes are dropped, so memory stays at one read chunk.
                dropped += scanned;
                _dataStart = _dataEnd;
                scanned = 0;
            }

            if (!await ReadMoreAsync(cancellationToken))
            {
                if (!scanner.EndsAtEndOfInput) throw Truncated(start);
                if (keep && limit == JsonElementLimit.None)
                {
                    _currentStart = _dataStart;
                    _currentLength = scanned;
                }

                _consumed = _dataEnd;
                return new JsonElementInfo(_index, start, dropped + scanned, limit);
            }
        }
    }

    private JsonElementLimit LimitBroken(in JsonValueScanner scanner, long length)
    {
        if (length > _maxElementBytes) return JsonElementLimit.TooLarge;
        if (scanner.DeepestNesting > _options.MaxDepth) return JsonElementLimit.TooDeep;
        if (scanner.LongestString > _options.MaxStringBytes) return JsonElementLimit.StringTooLong;
        return JsonElementLimit.None;
    }

    private async ValueTask<JsonElementInfo?> FinishAsync(CancellationToken cancellationToken)
    {
        _state = State.Done;
        if (_mode == JsonElementStreamMode.HtmlJsonData) return null;
        var next = await PeekAsync(cancellationToken);
        if (next is null || _report is null) return null;
        _report(new Diagnostic(DiagnosticSeverity.Warning, _file, null, null, null,
            $"Data after the end of the JSON at byte {Offset(_dataStart)} was ignored."));
        return null;
    }

    // The first non-whitespace byte at or after _dataStart, which then points at it; null at the end of input.
    private async ValueTask<byte?> PeekAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var skip = _buffer.AsSpan(_dataStart, _dataEnd - _dataStart).IndexOfAnyExcept(JsonWhitespace);
            if (skip >= 0)
            {
                _dataStart += skip;
                return _buffer[_dataStart];
            }

            _dataStart = _dataEnd;
            if (!await ReadMoreAsync(cancellationToken)) return null;
        }
    }

    private async ValueTask<bool> EnsureDataAsync(int count, CancellationToken cancellationToken)
    {
        while (_dataEnd - _dataStart < count)
        {
            if (!await ReadMoreAsync(cancellationToken)) return false;
        }

        return true;
    }

    // Appends the next read to the buffer, keeping the bytes from _dataStart on: they move to the
    // front, and the buffer doubles only when one element outgrows it.
    private async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        if (_endOfInput) return false;
        if (_buffer.Length - _dataEnd < ReadChunk)
        {
            var kept = _dataEnd - _dataStart;
            var size = StandardBufferSize;
            while (size - kept < ReadChunk) size = (int)Math.Min(Array.MaxLength, size * 2L);
            if (size != _buffer.Length)
            {
                // Only one element larger than the standard buffer grows it; once it has been
                // read the buffer shrinks back, so one huge conversation does not pin its size.
                var target = size == StandardBufferSize ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
                _buffer.AsSpan(_dataStart, kept).CopyTo(target);
                ReleaseBuffer();
                _buffer = target;
                _bufferPooled = size == StandardBufferSize;
            }
            else
            {
                _buffer.AsSpan(_dataStart, kept).CopyTo(_buffer);
            }

            _bufferOffset += _dataStart;
            _dataStart = 0;
            _dataEnd = kept;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_dataEnd), cancellationToken);
        if (read == 0)
        {
            _endOfInput = true;
            return false;
        }

        _dataEnd += read;
        return true;
    }

    private void ReleaseBuffer()
    {
        if (_bufferPooled && _buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
    }

    private long Offset(int bufferIndex) => _bufferOffset + bufferIndex;

    private static bool StartsJsonValue(byte b) =>
        b is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n';

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"byte 0x{b:X2}";

    private ExportFormatException Empty() =>
        new($"{_file} is empty; an export's conversations file holds a JSON array.", _file, 0);

    private ExportFormatException NotJson(string what, int bufferIndex)
    {
        var offset = Offset(bufferIndex);
        var excerpt = Encoding.UTF8.GetString(_buffer, bufferIndex, Math.Min(24, _dataEnd - bufferIndex));
        var printable = string.Concat(excerpt.Select(c => char.IsControl(c) || c == '\uFFFD' ? '.' : c));
        return new ExportFormatException($"{_file} is not valid JSON: {what} at byte {offset} (\"{printable}\").", _file, offset);
    }

    private ExportFormatException Truncated(long? elementStart = null)
    {
        var end = Offset(_dataEnd);
        var message = elementStart is { } start
            ? $"{_file} ends at byte {end} in the middle of {_elementName} #{_index}, which starts at byte {start}: the file is truncated."
            : _state == State.FirstElement
                ? $"{_file} ends at byte {end} before its first {_elementName}, without the closing ']': the file is truncated."
                : $"{_file} ends at byte {end} after {_elementName} #{_index} without the closing ']': the file is truncated.";
        return new ExportFormatException(message, _file, end);
    }
}
