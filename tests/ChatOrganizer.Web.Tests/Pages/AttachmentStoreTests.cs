using System.Text;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Tests.Pages;

// What a kept file is served as, and an image's size, decided from its first bytes, not from its name.
public sealed class AttachmentStoreTests
{
    [Fact]
    public void ImagesAreKnownByTheirBytesWhateverTheirName()
    {
        Assert.Equal("image/png", AttachmentStore.ContentTypeOf("file_00ab.dat", AttachmentExport.Png(2, 2, 0, 0, 0)));
        Assert.Equal("image/jpeg", AttachmentStore.ContentTypeOf("file-AbC1-photo.webp", Jpeg(10, 20)));
        Assert.Equal("image/gif", AttachmentStore.ContentTypeOf("x", Gif(3, 4)));
        Assert.Equal("image/webp", AttachmentStore.ContentTypeOf("dalle-generations/file-X-1.webp", WebP("VP8X")));
    }

    [Theory]
    [InlineData("file-AbC1-fake.png", "application/octet-stream")] // says PNG, is not: never shown as one
    [InlineData("file-AbC1-drawing.svg", "image/svg+xml")]
    [InlineData("file-AbC1-page.html", "text/html")]
    [InlineData("file-AbC1-Untitled document(1).pdf", "application/pdf")]
    [InlineData("file_00ab.dat", "application/octet-stream")]
    public void OtherFilesGoByTheirNameAndNoneOfThemIsAnInlineImage(string path, string type)
    {
        var actual = AttachmentStore.ContentTypeOf(path, Encoding.UTF8.GetBytes("<svg><script>alert(1)</script></svg>"));

        Assert.Equal(type, actual);
        Assert.DoesNotContain(actual, AttachmentStore.InlineImageTypes);
    }

    [Fact]
    public void TheSizeComesFromPngGifJpegAndEachKindOfWebP()
    {
        Assert.Equal((64, 40), AttachmentStore.ImageSize(AttachmentExport.Png(64, 40, 1, 2, 3)));
        Assert.Equal((300, 200), AttachmentStore.ImageSize(Gif(300, 200)));
        Assert.Equal((1024, 768), AttachmentStore.ImageSize(Jpeg(1024, 768)));
        Assert.Equal((1792, 1024), AttachmentStore.ImageSize(WebP("VP8X")));
        Assert.Equal((1024, 1024), AttachmentStore.ImageSize(WebP("VP8 ")));
        Assert.Equal((1, 1), AttachmentStore.ImageSize(Convert.FromBase64String("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")));
        Assert.Null(AttachmentStore.ImageSize(Jpeg(1024, 768)[..8]));
        Assert.Null(AttachmentStore.ImageSize("%PDF-1.4"u8));
    }

    [Theory]
    [InlineData("file-AbC1-cat photo.png", "cat photo.png")]
    [InlineData("dalle-generations/file-9Q6M27DFTGcywXpWWm1ZaX-2b1c4d.webp", "2b1c4d.webp")]
    [InlineData("user-u1/file_00000000a1b2-스크린샷.png", "스크린샷.png")]
    [InlineData("file_00000000dat3.dat", "file_00000000dat3.dat")]
    public void TheDisplayNameDropsTheIdTheExportPutsInFront(string path, string name)
    {
        Assert.Equal(name, AttachmentStore.DisplayName(path));
    }

    // SOI, an APP0 segment, then the frame header: FFC0, length, precision, height, width.
    private static byte[] Jpeg(int width, int height) =>
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    ];

    private static byte[] Gif(int width, int height) => [.. "GIF89a"u8, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0, 0];

    // VP8X: canvas 1792 x 1024 (stored less one, 24 bits each); VP8: 1024 x 1024 (14 bits each, after the start code).
    private static byte[] WebP(string chunk)
    {
        var bytes = new byte[32];
        "RIFF"u8.CopyTo(bytes);
        "WEBP"u8.CopyTo(bytes.AsSpan(8));
        Encoding.ASCII.GetBytes(chunk).CopyTo(bytes, 12);
        if (chunk == "VP8X")
        {
            bytes[24] = (1791 & 0xFF); bytes[25] = 1791 >> 8;
            bytes[27] = (1023 & 0xFF); bytes[28] = 1023 >> 8;
        }
        else
        {
            bytes[23] = 0x9D; bytes[24] = 0x01; bytes[25] = 0x2A;
            bytes[26] = 0x00; bytes[27] = 0x04; bytes[28] = 0x00; bytes[29] = 0x04;
        }
        return bytes;
    }
}
