using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatOrganizer.Testing.Exports;

// An export ZIP with its files, written for the project in the layouts real exports use: file-* uploads at the
// root (with the person's file name after the id), user-*/ images under sediment://, a 2026 .dat file
// named by conversation_asset_file_names.json, dalle-generations/, a code interpreter chart, a pointer
// whose file the export left out, a file-only message, and hostile files (SVG with script, HTML).
public static class AttachmentExport
{
    public const string PicturesId = "pictures";
    public const string ToolsId = "tools";
    public const string PdfName = "Untitled document(1).pdf";
    public const string DallePrompt = "A lighthouse at dusk, watercolour, 사진 같은 느낌";

    // The files in the ZIP besides conversations.json, by path.
    public static IReadOnlyList<(string Path, byte[] Content)> Files { get; } =
    [
        ("file-Old1Cat-cat photo.png", Png(64, 40, 0x2e, 0x8b, 0x57)),
        ("user-u1abc/file_00000000new2-7f3a9c.png", Png(40, 64, 0xa5, 0x3a, 0x6e)),
        ("file_00000000dat3.dat", Png(48, 48, 0xf0, 0xc0, 0x40)),
        ("file-Pdf5Doc-" + PdfName, Encoding.ASCII.GetBytes("%PDF-1.4\n% a tiny PDF written for the tests\n%%EOF\n")),
        ("file-Svg6Draw-drawing.svg", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")),
        ("file-Html7Page-page.html", Encoding.UTF8.GetBytes("<html><body><script>alert(1)</script></body></html>")),
        ("dalle-generations/file-Dalle8Img-2b1c4d.webp", Convert.FromBase64String("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")),
        ("file-Chart9Plot-chart.png", Png(80, 48, 0x33, 0x66, 0xcc)),
        ("conversation_asset_file_names.json", Encoding.UTF8.GetBytes("""{"file_00000000dat3.dat": "스크린샷 2026.png"}""")),
    ];

    // Writes the export ZIP, with more conversations after its own, and returns its path.
    public static string WriteZip(string path, params JsonObject[] more)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            Add(zip, "conversations.json", Encoding.UTF8.GetBytes(ConversationsJson(more)));
            foreach (var (name, content) in Files) Add(zip, name, content);
        }
        return path;
    }

    public static string ConversationsJson(params JsonObject[] more) => new JsonArray([Pictures(), Tools(), .. more]).ToJsonString();

    // Every pointer form, a file-only message and a pointer with no file.
    public static JsonObject Pictures() => new Chain(PicturesId, "Pictures and files")
        .Add("user", Multimodal(Image("file-service://file-Old1Cat", 2048), "What is in this photo?"), metadata: Uploads("file-Old1Cat", "cat photo.png", "image/png"))
        .Add("assistant", Text("A cat on a **sofa**."))
        .Add("user", Multimodal(Image("sediment://file_00000000new2", 1024), "And this one?"))
        .Add("assistant", Text("A pink square."))
        .Add("user", Multimodal(Image("sediment://file_00000000dat3", 512), "A screenshot from 2026."))
        .Add("assistant", Text("A yellow square."))
        .Add("user", Multimodal(Image("sediment://file_00000000gone4", 99), "This one the export left out."))
        .Add("assistant", Text("I cannot see it."))
        .Add("user", Text(""), metadata: Uploads("file-Pdf5Doc", PdfName, "application/pdf"))
        .Add("assistant", Text("Your PDF is about lighthouses."))
        .Add("user", Text("Two more files."), metadata: Uploads("file-Svg6Draw", "drawing.svg", "image/svg+xml", "file-Html7Page", "page.html", "text/html"))
        .Add("assistant", Text("Noted."))
        .Build(1_760_000_000);

    // DALL·E round trip with its hidden note, code interpreter with a chart, memory, browsing and canvas.
    public static JsonObject Tools() => new Chain(ToolsId, "Draw a lighthouse")
        .Add("user", Text("Draw a lighthouse at dusk."))
        .Add("assistant", Code($$"""{"prompt": "{{DallePrompt}}", "size": "1024x1024"}"""), recipient: "dalle.text2im")
        .Add("tool", Multimodal(Image("file-service://file-Dalle8Img", 26, DallePrompt)), name: "dalle.text2im")
        .Add("tool", Text("DALL·E displayed 1 images. The images are already plainly visible, so don't repeat the descriptions in detail. Do not list download links as they are available in the ChatGPT UI already. The user may download the images by clicking on them, but do not mention anything about downloading to the user."), name: "dalle.text2im")
        .Add("assistant", Text("Here is your lighthouse."))
        .Add("user", Text("Plot the light's range."))
        .Add("assistant", Code("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])"), recipient: "python")
        .Add("tool", new JsonObject { ["content_type"] = "execution_output", ["text"] = "<<ImageDisplayed>>" }, name: "python",
            metadata: new JsonObject { ["aggregate_result"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["message_type"] = "image", ["image_url"] = "file-service://file-Chart9Plot", ["width"] = 80, ["height"] = 48 }) } })
        .Add("assistant", Code("User likes lighthouses."), recipient: "bio")
        .Add("tool", Text("Model set context updated."), name: "bio")
        .Add("assistant", Code("search(\"tallest lighthouse\")"), recipient: "browser")
        .Add("tool", new JsonObject { ["content_type"] = "tether_browsing_display", ["result"] = "# 【0†Jeddah Light†example.org】 133 m", ["summary"] = "" }, name: "browser")
        .Add("assistant", Code("""{"name": "poem", "type": "document", "content": "Light over water"}"""), recipient: "canmore.create_textdoc")
        .Add("tool", Text("Successfully created text document 'poem' which will be referenced in all future messages."), name: "canmore.create_textdoc")
        .Add("assistant", Text("The tallest is the Jeddah Light."))
        .Build(1_760_100_000);

    public static JsonObject Text(string text) => new() { ["content_type"] = "text", ["parts"] = new JsonArray(text) };

    public static JsonObject Code(string text) => new() { ["content_type"] = "code", ["language"] = "unknown", ["text"] = text };

    public static JsonObject Multimodal(params JsonNode[] parts) => new() { ["content_type"] = "multimodal_text", ["parts"] = new JsonArray(parts) };

    public static JsonObject Image(string pointer, long size, string? dallePrompt = null) => new()
    {
        ["content_type"] = "image_asset_pointer",
        ["asset_pointer"] = pointer,
        ["size_bytes"] = size,
        ["width"] = 64,
        ["height"] = 40,
        ["metadata"] = dallePrompt is null ? null : new JsonObject { ["dalle"] = new JsonObject { ["gen_id"] = "g1", ["prompt"] = dallePrompt, ["seed"] = 7 } },
    };

    // metadata.attachments for (id, name, mime) triples.
    public static JsonObject Uploads(params string[] triples)
    {
        var list = new JsonArray();
        for (var i = 0; i + 2 < triples.Length; i += 3) list.Add(new JsonObject { ["id"] = triples[i], ["name"] = triples[i + 1], ["size"] = 100, ["mimeType"] = triples[i + 2] });
        return new JsonObject { ["attachments"] = list };
    }

    // A PNG of one colour, for images a browser really draws.
    public static byte[] Png(int width, int height, byte red, byte green, byte blue)
    {
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++) raw.Write([red, green, blue]);
        }
        var deflated = new MemoryStream();
        using (var z = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", deflated.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(content);
    }

    // A conversation as one chain of messages from a root, {id}-m1, {id}-m2...
    public sealed class Chain(string id, string title)
    {
        private readonly List<(string Role, JsonObject Content, string? Name, string Recipient, JsonObject Metadata)> _messages = [];

        public Chain Add(string role, JsonObject content, string? name = null, string recipient = "all", JsonObject? metadata = null)
        {
            _messages.Add((role, content, name, recipient, metadata ?? new JsonObject()));
            return this;
        }

        public JsonObject Build(double created)
        {
            var root = $"{id}-root";
            var mapping = new JsonObject();
            var previous = root;
            var ids = _messages.Select((_, i) => $"{id}-m{i + 1}").ToList();
            mapping[root] = ExportJson.Node(root, null, null, ids.Count > 0 ? [ids[0]] : []);
            for (var i = 0; i < _messages.Count; i++)
            {
                var (role, content, name, recipient, metadata) = _messages[i];
                var message = new JsonObject
                {
                    ["id"] = ids[i],
                    ["author"] = new JsonObject { ["role"] = role, ["name"] = name, ["metadata"] = new JsonObject() },
                    ["create_time"] = created + i + 1,
                    ["content"] = content,
                    ["status"] = "finished_successfully",
                    ["metadata"] = metadata,
                    ["recipient"] = recipient,
                };
                mapping[ids[i]] = ExportJson.Node(ids[i], message, previous, i + 1 < ids.Count ? [ids[i + 1]] : []);
                previous = ids[i];
            }
            return new JsonObject
            {
                ["title"] = title,
                ["create_time"] = created,
                ["update_time"] = created + _messages.Count + 1,
                ["mapping"] = mapping,
                ["current_node"] = previous,
                ["conversation_id"] = id,
                ["id"] = id,
                ["default_model_slug"] = "gpt-4o",
            };
        }
    }
}
