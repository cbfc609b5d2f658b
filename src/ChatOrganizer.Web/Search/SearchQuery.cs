using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Search;

// Full-text search over every conversation of a session's jobs: titles and visible messages. Every term must be in
// the same title or message, found anywhere inside words (so "주식" finds "주식투자에서", "log" finds "logrotate"),
// ignoring case. Newest first (jobs in the order they were read, messages from the last): one hit per conversation, at
// its last matching message.
//
// SQLite: an FTS5 trigram index over the texts for terms of three characters or more, and an FTS5 word index over
// SearchEntry.ShortTerms for two-character terms (CJK bigrams, short words); a term of one character is
// looked for by a scan. The indexes keep no positions (cheap to write): the trigram one finds the texts holding every
// trigram of a term, and the term itself is then confirmed in each text read. They are filled behind the read step
// (SearchIndexer): the rows they do not reach yet, always the newest, are searched first by a scan that finds what the
// indexes would. PostgreSQL: ILIKE (with a pg_trgm index when the extension could be created) and an array index
// over the short terms. The tables and indexes are created by the FullTextSearch migration.
public sealed class SearchQuery(ChatOrganizerDb db)
{
    // Rows asked for at first, and at most in one query: one hit per conversation takes several matching messages, and
    // filters pass rows over, so each further page is four times larger.
    private const int FirstPage = 256;
    private const int MaxPage = 16_384;

    // A job of the session that is preparing (JobPreparation) is waited for: a search right after its results came
    // would not find most of its conversations yet.
    public async Task<SearchResults> FindAsync(string ownerId, SearchRequest request, CancellationToken cancellationToken)
    {
        var preparing = await JobPreparation.WaitForSessionAsync(db, ownerId, JobPreparation.Patience, cancellationToken)
            ? 0
            : await JobPreparation.PreparingAsync(db, ownerId, cancellationToken);
        return await SearchAsync(ownerId, request, cancellationToken) with { Preparing = preparing };
    }

    private async Task<SearchResults> SearchAsync(string ownerId, SearchRequest request, CancellationToken cancellationToken)
    {
        var terms = SearchTerms.Parse(request.Query);
        var postgres = db.Database.IsNpgsql();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // SQLite: the rows above the index's mark are searched first, by a scan; then the indexes, below it.
            var unindexed = postgres ? null : await SearchIndexer.StateAsync(db, ownerId, cancellationToken);
            if (unindexed is not null) ((Microsoft.Data.Sqlite.SqliteConnection)connection).CreateFunction<string, string, bool>(ContainsFunction, Contains, isDeterministic: true);
            var scanning = unindexed is { Pending: > 0 };
            var hits = new List<SearchHit>();
            var seen = new HashSet<(string, int)>();
            long? before = null;
            // A job's rows lie between its first and last: FTS5 (or the primary key) starts and stops there instead of
            // passing over every other job's matches for a word that job lacks.
            (long Low, long High)? span = null;
            if (request.JobId is { } onlyJob)
            {
                await using var bounds = connection.CreateCommand();
                // Each bound a query of its own: SQLite reads one min() or max() off the (JobId, Id) index, both at once by a scan.
                var job = postgres ? "@job" : "$job";
                bounds.CommandText = $"""
                    SELECT (SELECT min("Id") FROM search_entries WHERE "JobId" = {job}), (SELECT max("Id") FROM search_entries WHERE "JobId" = {job})
                    """;
                Add(bounds, "job", onlyJob);
                await using var range = await bounds.ExecuteReaderAsync(cancellationToken);
                if (!await range.ReadAsync(cancellationToken) || range.IsDBNull(0)) return new SearchResults(request.Query, [], More: false, Pending(unindexed));
                span = (range.GetInt64(0), range.GetInt64(1));
            }
            // Newest first, a page at a time, each query ending in a LIMIT (PostgreSQL plans a LIMIT as a top-N, not a
            // sort of every match) and going on below the last row read.
            for (var page = FirstPage; ; page = Math.Min(page * 4, MaxPage))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = postgres ? PostgresSql(terms, request, command, before, span is not null)
                    : SqliteSql(terms, request, command, before, span is not null, scanning ? unindexed!.Value.IndexedUpTo : null);
                Add(command, "owner", ownerId);
                if (request.JobId is { } jobId) Add(command, "job", jobId);
                if (request.Model is { } model) Add(command, "model", model);
                if (request.Category is { } category) Add(command, "category", category);
                if (request.MonthStart is { } from)
                {
                    Add(command, "from", from);
                    Add(command, "to", from.AddMonths(1));
                }
                if (before is { } below) Add(command, "before", below);
                if (span is { } within)
                {
                    Add(command, "low", within.Low);
                    Add(command, "high", within.High);
                }
                Add(command, "page", page);

                var rows = 0;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    before = reader.GetInt64(9);
                    var text = reader.GetString(3);
                    if (!postgres && !terms.Long.All(t => text.Contains(t, StringComparison.OrdinalIgnoreCase))) continue;
                    var key = (reader.GetString(0), reader.GetInt32(1));
                    if (!seen.Add(key)) continue;
                    if (hits.Count == request.Limit) return new SearchResults(request.Query, hits, More: true, Pending(unindexed));
                    var nodeId = reader.IsDBNull(2) ? null : reader.GetString(2);
                    hits.Add(new SearchHit(
                        key.Item1,
                        reader.GetString(4),
                        key.Item2,
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                        reader.IsDBNull(7) ? null : reader.GetString(7),
                        reader.IsDBNull(8) ? null : reader.GetString(8),
                        nodeId,
                        Snippet.Of(text, terms)));
                }
                if (rows < page && scanning)
                {
                    // Every row above the mark is looked at: on to the indexes.
                    scanning = false;
                    before = unindexed!.Value.IndexedUpTo + 1;
                    continue;
                }
                if (rows < page) return new SearchResults(request.Query, hits, More: false, Pending(unindexed));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static int Pending((long IndexedUpTo, int Pending)? unindexed) => unindexed?.Pending ?? 0;

    // A long term in a row the trigram index does not reach yet: found as the index and the check after it find it
    // (anywhere, ignoring case beyond ASCII too, which SQLite's LIKE does not).
    private const string ContainsFunction = "chatorganizer_contains";

    private static bool Contains(string text, string term) => text.Contains(term, StringComparison.OrdinalIgnoreCase);

    private const string Columns = """
        e."JobId", e."Index", e."NodeId", e."Text", j."FileName", c."Title", c."CreateTime", c."Model", r."Category", e."Id"
        """;

    private const string Joins = """
        JOIN jobs j ON j."Id" = e."JobId"
        JOIN conversations c ON c."JobId" = e."JobId" AND c."Index" = e."Index"
        LEFT JOIN results r ON r."JobId" = e."JobId" AND r."Index" = e."Index"
        """;

    // indexedUpTo: The index's mark, when the rows above it are searched (by a scan).
    internal static string SqliteSql(SearchTerms terms, SearchRequest request, DbCommand command, long? before, bool span, long? indexedUpTo = null)
    {
        var sql = new StringBuilder();
        var where = new List<string>();
        string rowid;
        if (indexedUpTo is { } mark)
        {
            // Each term as its index would find it: a long one anywhere in the text, a short one among the short terms
            // (space-separated, Latin ones in lower case).
            sql.Append("SELECT ").Append(Columns).Append(" FROM search_entries e ");
            where.Add("e.\"Id\" > $indexed");
            Add(command, "indexed", mark);
            for (var i = 0; i < terms.Long.Count; i++)
            {
                // SQLite's own LIKE where it ignores case as the index does (ASCII), several times faster than a call out.
                var ascii = System.Text.Ascii.IsValid(terms.Long[i]);
                where.Add(ascii ? $"e.\"Text\" LIKE $long{i} ESCAPE '\\'" : $"{ContainsFunction}(e.\"Text\", $long{i})");
                Add(command, $"long{i}", ascii ? Like(terms.Long[i]) : terms.Long[i]);
            }
            for (var i = 0; i < terms.Short.Count; i++)
            {
                where.Add($"instr(' ' || e.\"ShortTerms\" || ' ', $short{i}) > 0");
                Add(command, $"short{i}", " " + terms.Short[i].ToLowerInvariant() + " ");
            }
            rowid = "e.\"Id\"";
        }
        // Driven by the index that narrows most: the trigram one when any term is long enough, else the short terms'.
        else if (terms.Long.Count > 0)
        {
            sql.Append("SELECT ").Append(Columns).Append(" FROM search_fts f JOIN search_entries e ON e.\"Id\" = f.rowid ");
            where.Add("search_fts MATCH $long");
            Add(command, "long", Fts5(terms.Long.SelectMany(Trigrams).Distinct(StringComparer.OrdinalIgnoreCase)));
            if (terms.Short.Count > 0)
            {
                // Per row, a seek in the short terms' index (not all of a common short term's rows gathered first).
                where.Add("EXISTS (SELECT 1 FROM search_short WHERE search_short MATCH $short AND search_short.rowid = e.\"Id\")");
                Add(command, "short", Fts5(terms.Short));
            }
            rowid = "f.rowid";
        }
        else if (terms.Short.Count > 0)
        {
            sql.Append("SELECT ").Append(Columns).Append(" FROM search_short s JOIN search_entries e ON e.\"Id\" = s.rowid ");
            where.Add("search_short MATCH $short");
            Add(command, "short", Fts5(terms.Short));
            rowid = "s.rowid";
        }
        else
        {
            sql.Append("SELECT ").Append(Columns).Append(" FROM search_entries e ");
            rowid = "e.\"Id\"";
        }
        for (var i = 0; i < terms.Scanned.Count; i++)
        {
            // SQLite's LIKE ignores case for ASCII only; a one-character term of another script is matched as written.
            where.Add($"e.\"Text\" LIKE $like{i} ESCAPE '\\'");
            Add(command, $"like{i}", Like(terms.Scanned[i]));
        }
        // On the driving index's rowid, so that FTS5 starts there instead of skipping the rows above it.
        if (before is not null) where.Add($"{rowid} < $before");
        if (span) where.Add($"{rowid} BETWEEN $low AND $high");
        sql.Append(Joins);
        // Driven by an FTS5 index, the job's rows are bounded by rowid already (span), and SQLite must not walk the job's
        // rows by their (JobId, Id) index instead, asking FTS5 about each (a unary + keeps that index out of the plan).
        Filters(where, request, '$', rowid == "e.\"Id\"" ? "e.\"JobId\"" : "+e.\"JobId\"");
        sql.Append(" WHERE ").AppendJoin(" AND ", where).Append(" ORDER BY ").Append(rowid).Append(" DESC LIMIT $page");
        return sql.ToString();
    }

    private static string PostgresSql(SearchTerms terms, SearchRequest request, DbCommand command, long? before, bool span)
    {
        var where = new List<string>();
        var likes = terms.Long.Concat(terms.Scanned).ToList();
        for (var i = 0; i < likes.Count; i++)
        {
            where.Add($"e.\"Text\" ILIKE @like{i} ESCAPE '\\'");
            Add(command, $"like{i}", Like(likes[i]));
        }
        // A longer CJK term's two-character pieces are in the short terms too: the array index narrows it down even where
        // pg_trgm sees no trigrams in it (a database in the C locale counts no Hangul or Han as letters), ILIKE decides.
        var pieces = terms.Short.Select(t => t.ToLowerInvariant()).Concat(terms.Long.SelectMany(CjkPieces)).Distinct(StringComparer.Ordinal).ToArray();
        if (pieces.Length > 0)
        {
            where.Add("string_to_array(e.\"ShortTerms\", ' ') @> @short");
            Add(command, "short", pieces);
        }
        if (before is not null) where.Add("e.\"Id\" < @before");
        if (span) where.Add("e.\"Id\" BETWEEN @low AND @high");
        Filters(where, request, '@', "e.\"JobId\"");
        return $"SELECT {Columns} FROM search_entries e {Joins} WHERE {string.Join(" AND ", where)} ORDER BY e.\"Id\" DESC LIMIT @page";
    }

    // Every two neighbouring characters of each CJK run of two or more in a term: what SearchText.ShortTerms stored for
    // any text the term is in.
    private static IEnumerable<string> CjkPieces(string term)
    {
        for (var i = 0; i + 1 < term.Length; i++)
        {
            if (SearchText.IsCjk(term[i]) && SearchText.IsCjk(term[i + 1])) yield return term.Substring(i, 2);
        }
    }

    // Parameters are written $x in SQLite's SQL and @x in PostgreSQL's; both providers take the name without its sign.
    private static void Filters(List<string> where, SearchRequest request, char sign, string jobColumn)
    {
        where.Add($"j.\"OwnerId\" = {sign}owner");
        if (request.JobId is not null) where.Add($"{jobColumn} = {sign}job");
        if (request.Model is not null) where.Add($"c.\"Model\" = {sign}model");
        if (request.Category is not null) where.Add($"r.\"Category\" = {sign}category");
        if (request.MonthStart is not null) where.Add($"c.\"CreateTime\" >= {sign}from AND c.\"CreateTime\" < {sign}to");
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // Every three neighbouring characters (code points, as FTS5's trigram tokenizer counts them) of a term: the tokens
    // of the trigram index, which keeps no positions and so cannot look for a term as a phrase of them.
    private static IEnumerable<string> Trigrams(string term)
    {
        var runes = term.EnumerateRunes().Select(r => r.ToString()).ToList();
        for (var i = 0; i + 3 <= runes.Count; i++) yield return string.Concat(runes[i], runes[i + 1], runes[i + 2]);
    }

    // Each term a quoted FTS5 string, all of them required: no term is read as query syntax.
    private static string Fts5(IEnumerable<string> terms) => string.Join(" AND ", terms.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));

    private static string Like(string term) =>
        "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}

// What a person searched for, with its filters.
// Month: yyyy-MM: conversations started that month (UTC).
public sealed record SearchRequest(string Query, string? Category = null, string? Month = null, string? JobId = null, string? Model = null, int Limit = SearchRequest.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxQueryLength = 200;

    internal DateTime? MonthStart => Month is null ? null : DateTime.ParseExact(Month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    // The request from the query string; empty filters are no filters.
    // Throws RequestRejectedException No words to look for, too long a query, a month not written yyyy-MM, a limit out of range.
    public static SearchRequest From(string? q, string? category, string? month, string? job, string? model, int? limit = null)
    {
        var query = q?.Trim() ?? "";
        if (query.Length == 0) throw new RequestRejectedException(StatusCodes.Status400BadRequest, "Type a word to look for (q).");
        if (query.Length > MaxQueryLength) throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"A search can be up to {MaxQueryLength} characters long.");
        if (SearchTerms.Parse(query).Count == 0) throw new RequestRejectedException(StatusCodes.Status400BadRequest, "Type a word to look for (q): quotes and spaces alone find nothing.");
        var theMonth = Blank(month);
        if (theMonth is not null && !DateTime.TryParseExact(theMonth, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"\"{(theMonth.Length > 20 ? theMonth[..20] : theMonth)}\" is not a month: write it yyyy-MM, e.g. 2024-03.");
        }
        if (limit is < 1 or > MaxLimit) throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"The limit can be 1 to {MaxLimit}.");
        return new SearchRequest(query, Blank(category), theMonth, Blank(job), Blank(model), limit ?? DefaultLimit);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

// The words of a query, by the index that finds them.
// Long: Three characters (code points) or more: the trigram index.
// Short: Two CJK characters, or a two-character word of another script: the short terms' index.
// Scanned: The rest (one character, two of mixed kinds): looked for by a scan of the texts.
public sealed record SearchTerms(IReadOnlyList<string> Long, IReadOnlyList<string> Short, IReadOnlyList<string> Scanned)
{
    public const int MaxTerms = 8;

    public int Count => Long.Count + Short.Count + Scanned.Count;

    public IEnumerable<string> All => Long.Concat(Short).Concat(Scanned);

    public static SearchTerms Parse(string query)
    {
        var words = query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Trim('"'))
            .Where(w => w.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MaxTerms)
            .ToList();
        bool ShortWord(string w) => w.Length == 2 &&
            ((SearchText.IsCjk(w[0]) && SearchText.IsCjk(w[1])) || w.All(c => char.IsLetterOrDigit(c) && !SearchText.IsCjk(c)));
        // Characters as the trigram tokenizer counts them: an emoji is one, not two.
        bool Long(string w) => w.EnumerateRunes().Take(3).Count() == 3;
        return new SearchTerms(
            [.. words.Where(Long)],
            [.. words.Where(ShortWord)],
            [.. words.Where(w => !Long(w) && !ShortWord(w))]);
    }
}

// The part of a text around the first match, cut at spaces, with every occurrence of a term marked.
public static class Snippet
{
    private const int Before = 60;
    private const int Length = 220;

    public static IReadOnlyList<SnippetPart> Of(string text, SearchTerms terms)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var first = terms.All.Select(t => flat.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - Before);
        if (start > 0 && flat.IndexOf(' ', start) is var space and >= 0 && space < first) start = space + 1;
        var end = Math.Min(flat.Length, start + Length);
        if (end < flat.Length && flat.LastIndexOf(' ', end - 1) is var cut && cut > first) end = cut;

        var parts = new List<SnippetPart>();
        if (start > 0) parts.Add(new SnippetPart("…", false));
        var at = start;
        while (at < end)
        {
            var (position, length) = terms.All
                .Select(t => (Position: flat.IndexOf(t, at, end - at, StringComparison.OrdinalIgnoreCase), t.Length))
                .Where(m => m.Position >= 0 && m.Position + m.Length <= end)
                .OrderBy(m => m.Position).ThenByDescending(m => m.Length)
                .FirstOrDefault((-1, 0));
            if (position < 0)
            {
                parts.Add(new SnippetPart(flat[at..end], false));
                break;
            }
            if (position > at) parts.Add(new SnippetPart(flat[at..position], false));
            parts.Add(new SnippetPart(flat.Substring(position, length), true));
            at = position + length;
        }
        if (end < flat.Length) parts.Add(new SnippetPart("…", false));
        return parts;
    }

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    // The snippet as HTML: its text encoded, the matches in <mark>. Nothing of the conversation's text is markup.
    public static string Html(IEnumerable<SnippetPart> parts) =>
        string.Concat(parts.Select(p => p.Match ? $"<mark>{Encoder.Encode(p.Text)}</mark>" : Encoder.Encode(p.Text)));
}

public sealed record SnippetPart(string Text, bool Match);

// Pending: Messages of the session's jobs the full-text index does not reach yet (SQLite): found all the same, by a
// slower scan, until it catches up. Preparing: Conversations of the session's jobs not searchable yet, and not found
// (a job's read step stores their search rows behind its results, JobPreparation).
public sealed record SearchResults(string Query, IReadOnlyList<SearchHit> Hits, bool More, int Pending = 0, int Preparing = 0);

// As in SearchResults.
public sealed record SearchStatus(int Pending, int Preparing);

// NodeId: The matching message's node (the viewer's anchor); null when the title matched.
// Snippet: The matching text around the match, the matches marked.
public sealed record SearchHit(
    string JobId, string JobFileName, int Index, string? Title, DateTime? CreateTime, string? Model, string? Category, string? NodeId,
    IReadOnlyList<SnippetPart> Snippet)
{
    // The viewer, at the matching message.
    public string Link => $"/jobs/{JobId}/conversations/{Index}" + (NodeId is null ? "" : "#m-" + Uri.EscapeDataString(NodeId));

    // The snippet as safe HTML (see Search.Snippet.Html), for scripts that show it as it is.
    public string SnippetHtml => Search.Snippet.Html(Snippet);
}
