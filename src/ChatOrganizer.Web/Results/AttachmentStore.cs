using System.Buffers.Binary;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

// The files of a job's export ZIP (images, uploads, DALL·E generations), copied out of the upload when it is read so
// they outlive it, and handed back only to the job's own session. Stored under numbers, never under names from the ZIP.
public sealed class AttachmentStore(IDbContextFactory<ChatOrganizerDb> dbs, DataFolder folder, JobLogWriter log)
{
    // The export's map of .dat files to their names (2026): read by the reader, not a file of anyone's.
    public const string AssetNamesFile = "conversation_asset_file_names.json";

    // Enough of a file's start to find a JPEG's size behind its EXIF block in most photos.
    private const int HeadBytes = 64 * 1024;

    private static readonly FileExtensionContentTypeProvider Extensions = new();

    // Image types a browser may show inline: raster formats only (SVG can carry script).
    public static readonly IReadOnlySet<string> InlineImageTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "image/png", "image/jpeg", "image/gif", "image/webp",
    };

    // Copies every file of the export (once per job: a read step run again finds them stored) and returns each by its
    // path in the export. Inflating counts toward the upload's ZIP limits, like its conversations; a damaged file is
    // left out with a warning in the job's log, and its pointers say it is not in the export.
    public async Task<IReadOnlyDictionary<string, KeptFile>> KeepAsync(string jobId, ExportReader reader, CancellationToken cancellationToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var stored = await db.Attachments.AsNoTracking().Where(a => a.JobId == jobId).ToListAsync(cancellationToken);
            if (stored.Count > 0 || reader.AttachmentFiles.Count == 0) return ByPath(stored);
        }

        var jobFolder = folder.AttachmentFolder(jobId);
        DataFolder.CreatePrivate(Path.GetDirectoryName(jobFolder)!);
        DataFolder.CreatePrivate(jobFolder);
        var rows = new List<JobAttachment>();
        var number = 0;
        var head = new byte[HeadBytes];
        foreach (var file in reader.AttachmentFiles)
        {
            if (Path.GetFileName(file.Path) == AssetNamesFile || file.Path.Length > ChatOrganizerDb.Lengths.ExportPath) continue;
            number++;
            var target = folder.AttachmentPath(jobId, number);
            try
            {
                int read;
                long bytes;
                await using (var source = await reader.OpenAttachmentAsync(file, cancellationToken))
                await using (var copy = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    read = await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
                    await copy.WriteAsync(head.AsMemory(0, read), cancellationToken);
                    await source.CopyToAsync(copy, cancellationToken);
                    bytes = copy.Length;
                }
                var type = ContentTypeOf(file.Path, head.AsSpan(0, read));
                var size = InlineImageTypes.Contains(type) ? ImageSize(head.AsSpan(0, read)) : null;
                rows.Add(new JobAttachment
                {
                    JobId = jobId, Number = number, ExportPath = file.Path, ContentType = type, Bytes = bytes, Width = size?.Width, Height = size?.Height,
                });
            }
            catch (Exception e) when (e is ExportFormatException or InvalidDataException)
            {
                File.Delete(target);
                await log.WriteAsync(jobId, JobLogLevel.Warning, $"The export's file {file.Path} could not be kept ({e.Message}); the conversations show it as not in the export.", cancellationToken);
            }
        }

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            db.Attachments.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
        }
        return ByPath(rows);
    }

    // The files kept of the job's export so far, by their path in it: none until the read step has kept them all.
    public async Task<IReadOnlyDictionary<string, KeptFile>> KeptAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return ByPath(await db.Attachments.AsNoTracking().Where(a => a.JobId == jobId).ToListAsync(cancellationToken));
    }

    // The file and what to serve it as; null when the job is not this session's or holds no such file.
    public async Task<(JobAttachment Attachment, string Path)?> FindAsync(string ownerId, string jobId, int number, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken)) return null;
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.JobId == jobId && a.Number == number, cancellationToken);
        var path = folder.AttachmentPath(jobId, number);
        return attachment is null || !File.Exists(path) ? null : (attachment, path);
    }

    // A kept file's bytes, for the transcripts ZIP (whose caller has checked the owner); null when it is gone.
    public Stream? OpenRead(string jobId, int number)
    {
        var path = folder.AttachmentPath(jobId, number);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan) : null;
    }

    // The file's name for a person: the export's name without the file-AbC1- id it puts in front.
    public static string DisplayName(string exportPath)
    {
        var name = Path.GetFileName(exportPath);
        if (name.StartsWith("file-", StringComparison.Ordinal) || name.StartsWith("file_", StringComparison.Ordinal))
        {
            var dash = name.IndexOf('-', 5);
            if (dash > 0 && dash + 1 < name.Length) return name[(dash + 1)..];
        }
        return name;
    }

    private static Dictionary<string, KeptFile> ByPath(IEnumerable<JobAttachment> rows) =>
        rows.ToDictionary(r => r.ExportPath, r => new KeptFile(r.Number, r.ContentType, r.Width, r.Height), StringComparer.Ordinal);

    // The first bytes say what an image really is (a .dat asset, a .webp that is a PNG); anything else goes by its name,
    // and is only ever sent as a download.
    internal static string ContentTypeOf(string path, ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return "image/png";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith("GIF8"u8)) return "image/gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        var type = Extensions.TryGetContentType(DisplayName(path), out var known) ? known : "application/octet-stream";
        // A name that says image but bytes that do not: not an image this app shows.
        return InlineImageTypes.Contains(type) ? "application/octet-stream" : type;
    }

    // Width and height from a PNG, GIF, WebP or JPEG header; null when the start of the file does not say.
    internal static (int Width, int Height)? ImageSize(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 24 && head[0] == 0x89 && head[12..16].SequenceEqual("IHDR"u8))
        {
            return Checked(BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
        }
        if (head.Length >= 10 && head.StartsWith("GIF8"u8))
        {
            return Checked(BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
        }
        if (head.Length >= 30 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            var chunk = head[12..16];
            if (chunk.SequenceEqual("VP8 "u8)) return Checked(BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
            if (chunk.SequenceEqual("VP8L"u8) && head[20] == 0x2F)
            {
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
                return Checked((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
            }
            if (chunk.SequenceEqual("VP8X"u8)) return Checked((head[24] | head[25] << 8 | head[26] << 16) + 1, (head[27] | head[28] << 8 | head[29] << 16) + 1);
            return null;
        }
        if (head.Length >= 4 && head[0] == 0xFF && head[1] == 0xD8) return JpegSize(head);
        return null;
    }

    // Walks the JPEG's segments to its frame header (SOF0 to SOF15 but the DHT, JPG and DAC markers).
    private static (int, int)? JpegSize(ReadOnlySpan<byte> jpeg)
    {
        var at = 2;
        while (at + 9 <= jpeg.Length)
        {
            if (jpeg[at] != 0xFF) return null;
            var marker = jpeg[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return Checked(BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(jpeg[(at + 5)..]));
            }
            if (length < 2) return null;
            at += 2 + length;
        }
        return null;
    }

    private static (int, int)? Checked(int width, int height) => width is > 0 and <= 65535 && height is > 0 and <= 65535 ? (width, height) : null;
}

// A file kept from the export: its number under the job, what it is served as, and an image's size when its header says.
public sealed record KeptFile(int Number, string ContentType, int? Width, int? Height);
