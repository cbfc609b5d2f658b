using ChatOrganizer.Export;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

/// <summary>
/// The files of a job's export ZIP (images, uploads, DALL·E generations), copied out of the upload when it is read so
/// they outlive it, and handed back only to the job's own session. Stored under numbers, never under names from the ZIP.
/// </summary>
public sealed class AttachmentStore(IDbContextFactory<ChatOrganizerDb> dbs, DataFolder folder)
{
    private static readonly FileExtensionContentTypeProvider Extensions = new();

    /// <summary>Image types a browser may show inline: raster formats only (SVG can carry script).</summary>
    public static readonly IReadOnlySet<string> InlineImageTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "image/png", "image/jpeg", "image/gif", "image/webp",
    };

    /// <summary>
    /// Copies every file of the export (once per job: a read step run again finds them stored) and returns the number of
    /// each by its path in the export. Inflating counts toward the upload's ZIP limits, like its conversations.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> KeepAsync(string jobId, ExportReader reader, CancellationToken cancellationToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var stored = await db.Attachments.AsNoTracking().Where(a => a.JobId == jobId)
                .ToDictionaryAsync(a => a.ExportPath, a => a.Number, StringComparer.Ordinal, cancellationToken);
            if (stored.Count > 0 || reader.AttachmentFiles.Count == 0) return stored;
        }

        var jobFolder = folder.AttachmentFolder(jobId);
        DataFolder.CreatePrivate(Path.GetDirectoryName(jobFolder)!);
        DataFolder.CreatePrivate(jobFolder);
        var rows = new List<JobAttachment>();
        var number = 0;
        foreach (var file in reader.AttachmentFiles)
        {
            if (file.Path.EndsWith("conversation_asset_file_names.json", StringComparison.Ordinal)) continue;
            number++;
            var head = new byte[16];
            long bytes;
            await using (var source = await reader.OpenAttachmentAsync(file, cancellationToken))
            await using (var target = new FileStream(folder.AttachmentPath(jobId, number), FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                var read = await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
                await target.WriteAsync(head.AsMemory(0, read), cancellationToken);
                await source.CopyToAsync(target, cancellationToken);
                bytes = target.Length;
                head = head[..read];
            }
            rows.Add(new JobAttachment { JobId = jobId, Number = number, ExportPath = Truncate(file.Path), ContentType = ContentTypeOf(file.Path, head), Bytes = bytes });
        }

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            db.Attachments.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
        }
        return rows.ToDictionary(r => r.ExportPath, r => r.Number, StringComparer.Ordinal);
    }

    /// <summary>The file and what to serve it as; null when the job is not this session's or holds no such file.</summary>
    public async Task<(JobAttachment Attachment, string Path)?> FindAsync(string ownerId, string jobId, int number, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken)) return null;
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.JobId == jobId && a.Number == number, cancellationToken);
        var path = folder.AttachmentPath(jobId, number);
        return attachment is null || !File.Exists(path) ? null : (attachment, path);
    }

    /// <summary>The file's name for a person: the export's name without the <c>file-AbC1-</c> id it puts in front.</summary>
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

    private static string Truncate(string path) => path.Length <= ChatOrganizerDb.Lengths.ExportPath ? path : path[..ChatOrganizerDb.Lengths.ExportPath];
}
