using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

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

// Which per-element limit a skipped element broke.
internal enum JsonElementLimit
{
    None,
    TooLarge,
    TooDeep,
    StringTooLong,
}

// Offset: of the element's first byte in the file. Length: its bytes, 0 while it is being parsed.
internal readonly record struct JsonElementInfo(int Index, long Offset, long Length, JsonElementLimit Limit);

// Parses the element the reader is on (its first token not yet read) into a value. It reads with
// JsonRead, so that it can be run again from the start when the buffer ended too early.
internal delegate T JsonElementParser<out T>(ref Utf8JsonReader reader, JsonElementInfo element);

// Value is default when the element was skipped for breaking a limit (Info.Limit says which).
internal readonly record struct ParsedElement<T>(JsonElementInfo Info, T? Value);

// Reads a JSON array from a stream one element at a time over one pooled buffer that holds one
// element plus a read chunk, so memory does not grow with the file. Each element is parsed in
// place in a single pass; JsonValueScanner only skips elements that break a limit.
internal sealed class JsonElementStream : IDisposable
{
    private const int ReadChunk = 1024 * 1024;
    private const int StandardBufferSize = 2 * ReadChunk;
    private static readonly SearchValues<byte> JsonWhitespace = SearchValues.Create(" \t\r\n"u8);

    private readonly Stream _stream;
    private readonly string _file;
    private readonly ExportReaderOptions _options;
    private readonly JsonElementStreamMode _mode;
    private readonly JsonReaderOptions _readerOptions;
    private readonly string _elementName;
    private readonly Action<Diagnostic>? _report;

    private byte[] _buffer;
    private bool _bufferPooled = true;
    private int _dataStart;
    private int _dataEnd;
    private long _bufferOffset;
    private bool _endOfInput;
    private State _state = State.BeforeValues;
    private int _index;

    // elementName names an element in messages ("conversation"); firstIndex numbers elements on
    // from an earlier file (shards); report receives warnings about the file as a whole, such as
    // data after the end of the JSON; firstOffset is the offset in the file of the stream's first byte
    // (a piece of it read again).
    public JsonElementStream(
        Stream stream, string file, ExportReaderOptions options, JsonElementStreamMode mode,
        string elementName = "element", int firstIndex = 0, Action<Diagnostic>? report = null, long firstOffset = 0)
    {
        _bufferOffset = firstOffset;
        _stream = stream;
        _file = file;
        _options = options;
        _mode = mode;
        _readerOptions = new JsonReaderOptions { MaxDepth = options.MaxDepth };
        _elementName = elementName;
        _index = firstIndex - 1;
        _report = report;
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

    public int NextIndex => _index + 1;

    // The next element parsed, or null after the last.
    public ValueTask<ParsedElement<T>?> ParseNextAsync<T>(JsonElementParser<T> parser, CancellationToken cancellationToken)
    {
        // Nearly every element is buffered whole after its ',': it is parsed without the async state machines, which
        // cost something for every element; they are needed only when the buffer runs out.
        if (_state == State.NextElement && TryMoveToBufferedElement())
        {
            var start = Offset(_dataStart);
            var attempt = TryParse(parser, new JsonElementInfo(_index, start, 0, JsonElementLimit.None));
            return attempt.Outcome == Outcome.Parsed ? new(Parsed(attempt, start)) : FinishParseAsync(parser, start, attempt, cancellationToken);
        }

        return ParseNextSlowAsync(parser, cancellationToken);
    }

    private async ValueTask<ParsedElement<T>?> ParseNextSlowAsync<T>(JsonElementParser<T> parser, CancellationToken cancellationToken)
    {
        if (!await MoveToNextElementAsync(cancellationToken)) return null;
        var start = Offset(_dataStart);
        return await FinishParseAsync(parser, start, TryParse(parser, new JsonElementInfo(_index, start, 0, JsonElementLimit.None)), cancellationToken);
    }

    // Carries on from a first attempt at the element that starts at byte start: reads more of it, or skips it.
    private async ValueTask<ParsedElement<T>?> FinishParseAsync<T>(JsonElementParser<T> parser, long start, Attempt<T> attempt, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (attempt.Outcome)
            {
                case Outcome.Parsed:
                    return Parsed(attempt, start);
                case Outcome.Incomplete when _dataEnd - _dataStart <= _options.MaxConversationBytes:
                    if (!await ReadMoreAsync(cancellationToken)) throw Truncated(start);
                    break;
                case Outcome.Incomplete or Outcome.LimitBroken:
                    var skipped = await SkipElementAsync(cancellationToken);
                    if (skipped.Limit != JsonElementLimit.None) return new ParsedElement<T>(skipped, default);
                    if (attempt.Error is not null) throw attempt.Error;
                    return new ParsedElement<T>(skipped with { Limit = attempt.Limit }, default);
                default:
                    throw attempt.Error!;
            }

            attempt = TryParse(parser, new JsonElementInfo(_index, start, 0, JsonElementLimit.None));
        }
    }

    private ParsedElement<T> Parsed<T>(in Attempt<T> attempt, long start)
    {
        _dataStart += attempt.Consumed;
        return new ParsedElement<T>(new JsonElementInfo(_index, start, attempt.Consumed, JsonElementLimit.None), attempt.Value);
    }

    public void Dispose()
    {
        ReleaseBuffer();
        _buffer = [];
    }

    private enum Outcome
    {
        Parsed,
        Incomplete,
        LimitBroken,
        Invalid,
    }

    private readonly record struct Attempt<T>(Outcome Outcome, T? Value = default, int Consumed = 0, JsonElementLimit Limit = JsonElementLimit.None, ExportFormatException? Error = null);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Attempt<T> TryParse<T>(JsonElementParser<T> parser, JsonElementInfo element)
    {
        var data = _buffer.AsSpan(_dataStart, _dataEnd - _dataStart);
        var reader = new Utf8JsonReader(data, isFinalBlock: false, new JsonReaderState(_readerOptions));
        try
        {
            var value = parser(ref reader, element);
            var consumed = (int)reader.BytesConsumed;
            ThrowIfNotUtf8(data[..consumed], element);
            return new Attempt<T>(Outcome.Parsed, value, consumed);
        }
        catch (JsonIncompleteException)
        {
            return new Attempt<T>(Outcome.Incomplete);
        }
        catch (JsonLimitException e)
        {
            return new Attempt<T>(Outcome.LimitBroken, Limit: e.Limit);
        }
        catch (JsonException e)
        {
            var offset = element.Offset + OffsetOf(data, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            var error = new ExportFormatException(
                $"{_file} is not valid JSON at byte {offset}, in {_elementName} #{element.Index}: {WithoutPosition(e.Message)}", _file, offset, e);

            // Utf8JsonReader reports nesting past MaxDepth as a JsonException too; SkipElementAsync's
            // scan tells a too-deep element (skipped) from a syntax error there (thrown).
            return reader.CurrentDepth >= _options.MaxDepth - 1
                ? new Attempt<T>(Outcome.LimitBroken, Limit: JsonElementLimit.TooDeep, Error: error)
                : new Attempt<T>(Outcome.Invalid, Error: error);
        }
        catch (InvalidOperationException)
        {
            // GetString met bytes that are not UTF-8: find and report them.
            ThrowIfNotUtf8(data[..(int)reader.BytesConsumed], element);
            throw;
        }
    }

    // Drops the element the buffer starts with, scanning it to its end in read-sized pieces.
    private async ValueTask<JsonElementInfo> SkipElementAsync(CancellationToken cancellationToken)
    {
        var scanner = new JsonValueScanner();
        var start = Offset(_dataStart);
        long length = 0;
        while (true)
        {
            var end = scanner.Scan(_buffer.AsSpan(_dataStart, _dataEnd - _dataStart));
            if (end >= 0)
            {
                _dataStart += end;
                return new JsonElementInfo(_index, start, length + end, LimitBroken(scanner, length + end));
            }

            length += _dataEnd - _dataStart;
            _dataStart = _dataEnd;
            if (!await ReadMoreAsync(cancellationToken))
            {
                if (!scanner.EndsAtEndOfInput) throw Truncated(start);
                return new JsonElementInfo(_index, start, length, LimitBroken(scanner, length));
            }
        }
    }

    private JsonElementLimit LimitBroken(in JsonValueScanner scanner, long length)
    {
        if (length > _options.MaxConversationBytes) return JsonElementLimit.TooLarge;
        if (scanner.DeepestNesting > _options.MaxDepth) return JsonElementLimit.TooDeep;
        if (scanner.LongestString > _options.MaxStringBytes) return JsonElementLimit.StringTooLong;
        return JsonElementLimit.None;
    }

    // MoveToNextElementAsync's usual case, with the ',' and the next element's first byte both buffered; false, and
    // nothing moved, otherwise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryMoveToBufferedElement()
    {
        var data = _buffer.AsSpan(_dataStart, _dataEnd - _dataStart);
        var comma = data.IndexOfAnyExcept(JsonWhitespace);
        if (comma < 0 || data[comma] != (byte)',') return false;
        var first = data[(comma + 1)..].IndexOfAnyExcept(JsonWhitespace);
        if (first < 0 || !StartsJsonValue(data[comma + 1 + first])) return false;
        _dataStart += comma + 1 + first;
        _index++;
        return true;
    }

    // Moves past separators to the next element's first byte; false after the last element.
    private async ValueTask<bool> MoveToNextElementAsync(CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.BeforeValues:
                await OpenAsync(cancellationToken);
                break;
            case State.NextElement:
                var afterPrevious = await PeekAsync(cancellationToken);
                if (afterPrevious is null) throw Truncated();
                _dataStart++;
                if (afterPrevious == (byte)']') return await FinishAsync(cancellationToken);
                if (afterPrevious != (byte)',') throw NotJson($"'{Printable(afterPrevious.Value)}' where ',' or ']' should follow {_elementName} #{_index}", _dataStart - 1);
                break;
            case State.AfterSingleValue:
                return await FinishAsync(cancellationToken);
            case State.Done:
                return false;
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
        _state = _mode == JsonElementStreamMode.SingleValue ? State.AfterSingleValue : State.NextElement;
        return true;
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
        _state = State.FirstElement;
        if (_mode == JsonElementStreamMode.SingleValue) return;
        if (first == (byte)'{')
        {
            throw new ExportFormatException(
                $"{_file} holds a JSON object at byte {Offset(_dataStart)}, but it should be a JSON array of {_elementName}s ('[ {{...}}, {{...}} ]'). " +
                "It may be another file of the export, or a single conversation saved on its own.",
                _file, Offset(_dataStart));
        }

        if (first != (byte)'[') throw NotJson($"'{Printable(first)}' where a JSON array '[' should begin", _dataStart);
        _dataStart++;
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

    private async ValueTask<bool> FinishAsync(CancellationToken cancellationToken)
    {
        _state = State.Done;
        if (_mode == JsonElementStreamMode.HtmlJsonData) return false;
        if (await PeekAsync(cancellationToken) is null || _report is null) return false;
        _report(new Diagnostic(DiagnosticSeverity.Warning, _file, null, null, null,
            $"Data after the end of the JSON at byte {Offset(_dataStart)} was ignored."));
        return false;
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
    // front, and the buffer grows only while one element outgrows it.
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
                // Once the large element has been read the buffer shrinks back, so one huge
                // conversation does not pin its size for the rest of the export.
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

        // Inflating streams return a few KB per read; a whole chunk per refill keeps an element
        // from being parsed again for every few KB that arrive.
        var free = _buffer.AsMemory(_dataEnd);
        var read = await _stream.ReadAtLeastAsync(free, Math.Min(free.Length, ReadChunk), throwOnEndOfStream: false, cancellationToken);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ThrowIfNotUtf8(ReadOnlySpan<byte> element, JsonElementInfo info)
    {
        if (Utf8.IsValid(element)) return;
        var at = 0;
        while (at < element.Length && Rune.DecodeFromUtf8(element[at..], out _, out var used) == OperationStatus.Done) at += used;
        var offset = info.Offset + at;
        throw new ExportFormatException(
            $"{_file} holds bytes that are not UTF-8 at byte {offset}, in {_elementName} #{info.Index}; ChatGPT exports are UTF-8, so the file is damaged.",
            _file, offset);
    }

    private static long OffsetOf(ReadOnlySpan<byte> element, long line, long positionInLine)
    {
        var offset = 0;
        for (var i = 0; i < line; i++)
        {
            var newline = element[offset..].IndexOf((byte)'\n');
            if (newline < 0) break;
            offset += newline + 1;
        }

        return offset + positionInLine;
    }

    // Utf8JsonReader ends its messages with "LineNumber: 0 | BytePositionInLine: 8.", counted
    // from the element's start; ours give the file's byte offset instead.
    private static string WithoutPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static bool StartsJsonValue(byte b) =>
        b is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n';

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"byte 0x{b:X2}";

    private ExportFormatException Empty() =>
        new($"{_file} is empty; it should hold JSON.", _file, 0);

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
