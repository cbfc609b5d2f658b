using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Benchmarks;

// viewer-size: how heavy the viewer's page is for a long conversation (issue 13: 294 messages made 365 KB of
// HTML with a "Reasoning" box per part). The app runs as a process (this build's, or another's with --web-dll,
// to measure a commit before a change), reads LongConversationExport (300 messages, 75 answers with
// reasoning) by month, and the page is fetched as a browser would; its bytes and what it holds are printed.
// No timing: it needs no quiet machine.
internal static partial class ViewerSizeBenchmark
{
    public static Command Command()
    {
        var command = new Command("viewer-size", "The viewer's HTML for a 300-message conversation, on the app as a process.");
        var webDll = BenchOptions.Path("--web-dll", "another build's ChatOrganizer.Web.dll (another commit's), to measure before a change");
        command.Add(webDll);
        command.SetAction(parsed => RunAsync(parsed.GetValue(webDll)));
        return command;
    }

    private static async Task<int> RunAsync(string? webDll)
    {
        await using var run = await AppRun.StartAsync(fake: null, webDll: webDll);
        var job = await run.UploadAsync(new StringContent(LongConversationExport.Json()), mode: "month");
        await run.WaitAsync(job, p => p.GetProperty("status").GetString() is "done" or "failed" or "cancelled", TimeSpan.FromMinutes(5));

        // In export order the long conversation is the second (index 1).
        var html = await run.Client.GetStringAsync(new Uri($"/jobs/{job}/conversations/1", UriKind.Relative));
        Console.WriteLine($"viewer-size: {LongConversationExport.Title}, 300 messages ({webDll ?? "this build"})");
        Console.WriteLine($"  HTML bytes            {Encoding.UTF8.GetByteCount(html):N0}");
        Console.WriteLine($"  elements .message     {Regex.Count(html, "<li class=\"message ")}");
        Console.WriteLine($"  reasoning controls    {Regex.Count(html, "<details class=\"thoughts\"")}");
        Console.WriteLine($"  outline links         {OutlineLink().Count(html)}");
        return 0;
    }

    [GeneratedRegex("<li><a href=\"#m-")]
    private static partial Regex OutlineLink();
}
