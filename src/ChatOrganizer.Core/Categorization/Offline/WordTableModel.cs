using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Win32.SafeHandles;

namespace ChatOrganizer.Categorization.Offline;

// A model's ONNX graph with its word-embedding table taken out of the weights and made an input of the graph instead:
// a session of it holds the transformer's layers but not the table (MiniLM: 44 MB of layers, 47 MB of table, a row per
// vocabulary entry), and each run is given only the rows its tokens use, read from the model's bytes in the DLL
// (WordRows). Distilling the vocabulary runs every token once, so the whole table never needs to be in memory: an idle
// app distilling peaked at 319 MB with it, which alone was over the 300 MB a job may use.
//
// Rewritten in ONNX's protobuf wire format (ModelProto, GraphProto, TensorProto) as the bytes stream by: the model is
// never read into memory whole, and all but two fields are copied as they are.
internal sealed class WordTableModel
{
    private const int GraphField = 7;       // ModelProto.graph
    private const int NodeField = 1;        // GraphProto.node
    private const int InitializerField = 5; // GraphProto.initializer
    private const int InputField = 11;      // GraphProto.input
    private const int FloatType = 1;        // TensorProto.DataType.FLOAT

    private readonly string _dll;
    private readonly long _start;
    private readonly long _end;
    private readonly long _graphTag;
    private readonly long _graphContent;
    private readonly long _graphEnd;
    private readonly long _tableField;
    private readonly long _tableFieldEnd;
    private readonly byte[] _input;

    private WordTableModel(string dll, long start, long end, long graphTag, long graphContent, long graphEnd,
        long tableField, long tableFieldEnd, string inputName, long rowsOffset, int columns)
    {
        _dll = dll;
        _start = start;
        _end = end;
        _graphTag = graphTag;
        _graphContent = graphContent;
        _graphEnd = graphEnd;
        _tableField = tableField;
        _tableFieldEnd = tableFieldEnd;
        InputName = inputName;
        RowsOffset = rowsOffset;
        Columns = columns;
        _input = TableInput(inputName, columns);
        var graphLength = _graphEnd - _graphContent - (_tableFieldEnd - _tableField) + FieldLength(InputField, _input.Length);
        Length = (_graphTag - _start) + FieldLength(GraphField, graphLength) + (_end - _graphEnd);
    }

    // The graph input that takes the rows (the table's initializer name).
    public string InputName { get; }

    // Where the table's first row is in the DLL: rows of Columns little-endian floats, by token id.
    public long RowsOffset { get; }

    public int Columns { get; }

    // Bytes of the rewritten model.
    public long Length { get; }

    // The table fed by the Gather of input_ids, in the model whose ONNX bytes are at offset in the DLL.
    public static WordTableModel Find(string dll, long offset, long length)
    {
        using var file = new FileStream(dll, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        var end = offset + length;
        file.Position = offset;
        while (file.Position < end)
        {
            var tag = file.Position;
            var (field, size) = ReadField(file);
            if (field != GraphField)
            {
                file.Position += size;
                continue;
            }
            var content = file.Position;
            var graphEnd = content + size;
            string? tableName = null;
            var used = new List<string>();
            var tables = new List<(long Field, long End, string Name, long Raw, long RawLength, List<long> Dims, long Type)>();
            while (file.Position < graphEnd)
            {
                var inner = file.Position;
                var (graphField, innerSize) = ReadField(file);
                var innerEnd = file.Position + innerSize;
                if (graphField == NodeField)
                {
                    var (op, inputs) = ReadNode(file, innerSize);
                    if (op == "Gather" && inputs is [var data, "input_ids"]) tableName = data;
                    used.AddRange(inputs);
                }
                else if (graphField == InitializerField)
                {
                    var tensor = ReadTensorHeader(file, innerEnd);
                    if (tensor.Name is not null) tables.Add((inner, innerEnd, tensor.Name, tensor.Raw, tensor.RawLength, tensor.Dims, tensor.Type));
                }
                file.Position = innerEnd;
            }
            var table = tables.FirstOrDefault(t => t.Name == tableName);
            if (tableName is null || table.Name is null || table.Dims.Count != 2 || table.Type != FloatType
                || table.RawLength != table.Dims[0] * table.Dims[1] * sizeof(float) || used.Count(i => i == tableName) != 1 || !BitConverter.IsLittleEndian)
            {
                throw new InvalidDataException("The model's word embeddings are not one float table read by a Gather of input_ids alone.");
            }
            return new WordTableModel(dll, offset, end, tag, content, graphEnd, table.Field, table.End, table.Name, table.Raw, (int)table.Dims[1]);
        }
        throw new InvalidDataException("The model has no graph.");
    }

    // The rewritten model: the graph's fields but the table's, then the table as an input; the model's other fields as they are.
    public void WriteTo(Stream destination)
    {
        using var file = new FileStream(_dll, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Copy(file, _start, _graphTag, destination);
        WriteTag(destination, GraphField, _graphEnd - _graphContent - (_tableFieldEnd - _tableField) + FieldLength(InputField, _input.Length));
        Copy(file, _graphContent, _tableField, destination);
        Copy(file, _tableFieldEnd, _graphEnd, destination);
        WriteTag(destination, InputField, _input.Length);
        destination.Write(_input);
        Copy(file, _graphEnd, _end, destination);
    }

    public byte[] ToArray()
    {
        using var bytes = new MemoryStream(checked((int)Length));
        WriteTo(bytes);
        return bytes.ToArray();
    }

    public byte[] Hash()
    {
        using var sha = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write)) WriteTo(hashing);
        return sha.Hash!;
    }

    public WordRows OpenRows() => new(File.OpenHandle(_dll, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess), RowsOffset, Columns);

    private static void Copy(FileStream file, long from, long to, Stream destination)
    {
        file.Position = from;
        var buffer = new byte[81920];
        for (var left = to - from; left > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new EndOfStreamException();
            destination.Write(buffer, 0, read);
            left -= read;
        }
    }

    // ValueInfoProto { name, type: TypeProto { tensor_type: { elem_type: FLOAT, shape: [rows, columns] } } }.
    private static byte[] TableInput(string name, int columns)
    {
        var rows = Message(w => WriteBytes(w, 2, Encoding.UTF8.GetBytes("rows")));      // Dimension.dim_param
        var width = Message(w => { WriteVarint(w, 1 << 3); WriteVarint(w, (ulong)columns); }); // Dimension.dim_value
        var shape = Message(w => { WriteBytes(w, 1, rows); WriteBytes(w, 1, width); });
        var tensor = Message(w => { WriteVarint(w, 1 << 3); WriteVarint(w, FloatType); WriteBytes(w, 2, shape); });
        var type = Message(w => WriteBytes(w, 1, tensor));
        return Message(w => { WriteBytes(w, 1, Encoding.UTF8.GetBytes(name)); WriteBytes(w, 2, type); });
    }

    private static byte[] Message(Action<Stream> write)
    {
        using var bytes = new MemoryStream();
        write(bytes);
        return bytes.ToArray();
    }

    private static void WriteBytes(Stream destination, int field, byte[] value)
    {
        WriteTag(destination, field, value.Length);
        destination.Write(value);
    }

    // A length-delimited field's tag and length.
    private static void WriteTag(Stream destination, int field, long length)
    {
        WriteVarint(destination, (ulong)(field << 3 | 2));
        WriteVarint(destination, (ulong)length);
    }

    private static long FieldLength(int field, long length) => VarintLength((ulong)(field << 3 | 2)) + VarintLength((ulong)length) + length;

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while ((value >>= 7) != 0) length++;
        return length;
    }

    private static void WriteVarint(Stream destination, ulong value)
    {
        while (value >= 0x80)
        {
            destination.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        destination.WriteByte((byte)value);
    }

    private static ulong ReadVarint(Stream source)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = source.ReadByte();
            if (b < 0) throw new EndOfStreamException();
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("A varint longer than 64 bits.");
    }

    // A field's number, and for a length-delimited one its length; other wire types are skipped over, with length 0.
    private static (int Field, long Length) ReadField(Stream source)
    {
        var key = ReadVarint(source);
        var field = (int)(key >> 3);
        switch (key & 7)
        {
            case 0: ReadVarint(source); return (field, 0);
            case 1: source.Position += 8; return (field, 0);
            case 2: return (field, (long)ReadVarint(source));
            case 5: source.Position += 4; return (field, 0);
            default: throw new InvalidDataException($"Protobuf wire type {key & 7} is not used by ONNX.");
        }
    }

    // NodeProto's op_type (4) and inputs (1).
    private static (string? Op, List<string> Inputs) ReadNode(Stream source, long length)
    {
        var bytes = new byte[length];
        source.ReadExactly(bytes);
        using var node = new MemoryStream(bytes);
        string? op = null;
        var inputs = new List<string>();
        while (node.Position < node.Length)
        {
            var (field, size) = ReadField(node);
            if (field is 1 or 4 && size > 0)
            {
                var text = Encoding.UTF8.GetString(bytes, (int)node.Position, (int)size);
                if (field == 1) inputs.Add(text);
                else op = text;
            }
            node.Position += size;
        }
        return (op, inputs);
    }

    // TensorProto's dims (1, packed or not), data_type (2), name (8) and where its raw_data (9) is; the data is skipped.
    private static (string? Name, long Raw, long RawLength, List<long> Dims, long Type) ReadTensorHeader(Stream source, long end)
    {
        string? name = null;
        long raw = -1, rawLength = 0, type = 0;
        var dims = new List<long>();
        while (source.Position < end)
        {
            var key = ReadVarint(source);
            var field = (int)(key >> 3);
            var wire = key & 7;
            if (field is 1 or 2 && wire == 0)
            {
                var value = (long)ReadVarint(source);
                if (field == 1) dims.Add(value);
                else type = value;
                continue;
            }
            source.Position -= VarintLength(key);
            var (_, size) = ReadField(source);
            var at = source.Position;
            if (field == 1 && wire == 2)
            {
                while (source.Position < at + size) dims.Add((long)ReadVarint(source));
            }
            else if (field == 8 && wire == 2)
            {
                var bytes = new byte[size];
                source.ReadExactly(bytes);
                name = Encoding.UTF8.GetString(bytes);
            }
            else if (field == 9 && wire == 2)
            {
                raw = at;
                rawLength = size;
            }
            source.Position = at + size;
        }
        return (name, raw, rawLength, dims, type);
    }
}

// The word-embedding rows a run of a WordTableModel session needs, read from the DLL as they are asked for.
internal sealed class WordRows(SafeFileHandle file, long offset, int columns) : IDisposable
{
    // The rows of these token ids, deduplicated, as the table input; ids are rewritten in place to their row's index.
    public OrtValue Table(long[] ids)
    {
        var rows = new Dictionary<long, long>();
        foreach (var id in ids) rows.TryAdd(id, rows.Count);
        var table = new float[rows.Count * columns];
        var bytes = MemoryMarshal.AsBytes(table.AsSpan());
        var rowBytes = columns * sizeof(float);
        foreach (var (id, row) in rows)
        {
            var target = bytes.Slice((int)row * rowBytes, rowBytes);
            if (RandomAccess.Read(file, target, offset + id * rowBytes) != rowBytes) throw new EndOfStreamException("The model's word table ends early.");
        }
        for (var i = 0; i < ids.Length; i++) ids[i] = rows[ids[i]];
        return OrtValue.CreateTensorValueFromMemory(table, [rows.Count, columns]);
    }

    public void Dispose() => file.Dispose();
}
