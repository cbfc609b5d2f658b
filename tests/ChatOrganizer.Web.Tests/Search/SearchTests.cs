using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Pages;
using ChatOrganizer.Web.Tests.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Search;

// Full-text search as a person uses it, on both providers: an export is uploaded and read by the real job, then
// searched through the API and the page. Korean, Chinese and Japanese are ordinary input here.
public abstract class SearchTests : IAsyncLifetime
{
    private static readonly DateTimeOffset March2024 = new(2024, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset July2025 = new(2025, 7, 2, 18, 30, 0, TimeSpan.Zero);

    private ChatOrganizerApp _app = null!;
    private HttpClient _client = null!;
    private string _session = null!;

    protected abstract Task<ChatOrganizerApp> CreateAppAsync();

    public async Task InitializeAsync()
    {
        _app = (await CreateAppAsync())
            .With("RateLimits:Default:PermitLimit", "100000")
            .With("RateLimits:Default:AddressPermitLimit", "100000")
            .With("RateLimits:Polling:PermitLimit", "100000")
            .With("RateLimits:Polling:AddressPermitLimit", "100000");
        _session = Guid.NewGuid().ToString("N");
        _client = _app.CreateSessionClient(_session);
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static byte[] Export(params JsonObject[] conversations) => System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(conversations));

    private async Task<string> ReadAsync(byte[] export)
    {
        var job = await _client.UploadAsync(export, "month");
        var done = await _client.WaitUntilEndedAsync(job.Id);
        Assert.Equal(JobStatus.Done, done.Status);
        await AfterReadAsync(_app);
        return job.Id;
    }

    // What a search finds is the same however far the SQLite indexer has come: SqliteSearchTests search once it has
    // caught up, SqliteUnindexedSearchTests with it never run.
    protected virtual Task AfterReadAsync(ChatOrganizerApp app) => Task.CompletedTask;

    // Messages of the session's jobs a search is expected to find by the scan, not the index.
    protected virtual bool Unindexed => false;

    private async Task<SearchResults> SearchAsync(string query, string extra = "")
    {
        using var response = await _client.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}{extra}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<SearchResults>(JobApi.Json))!;
        Assert.Equal(Unindexed, results.Pending > 0);
        return results;
    }

    [Fact]
    public async Task AKoreanTwoSyllableWordFindsTheMessageWhereItIsPartOfALongerWord()
    {
        var jobId = await ReadAsync(Export(
            ExportJson.Conversation("ko-1", "새 채팅", "주식투자에서 분산은 왜 중요한가요?", "위험을 줄이기 때문입니다."),
            ExportJson.Conversation("ko-2", "여행 계획", "오사카 여행 일정을 짜 주세요.", "첫째 날은 도톤보리입니다.")));

        var results = await SearchAsync("주식");

        var hit = Assert.Single(results.Hits);
        Assert.Equal((jobId, 0, "ko-1-user"), (hit.JobId, hit.Index, hit.NodeId));
        Assert.Contains(hit.Snippet, p => p is { Match: true, Text: "주식" });
        Assert.Equal("주식투자에서 분산은 왜 중요한가요?", string.Concat(hit.Snippet.Select(p => p.Text)));
        Assert.Equal($"/jobs/{jobId}/conversations/0#m-ko-1-user", hit.Link);
        // Longer Korean words too, in any locale of the database; the same syllables in another order are another word.
        Assert.Equal(["ko-1-user"], (await SearchAsync("주식투자")).Hits.Select(h => h.NodeId));
        Assert.Equal(["ko-2-user"], (await SearchAsync("오사카 일정을")).Hits.Select(h => h.NodeId));
        Assert.Empty((await SearchAsync("투자주식")).Hits);
    }

    [Fact]
    public async Task AChineseWordAndAJapaneseWordFindTheirConversationsAndNothingElse()
    {
        await ReadAsync(Export(
            ExportJson.Conversation("zh-1", "理财", "我想学习投资理财，应该从哪里开始？", "可以先了解指数基金。"),
            ExportJson.Conversation("ja-1", "旅行", "京都で紅葉を見るならどこがいいですか。", "東福寺がおすすめです。"),
            ExportJson.Conversation("en-1", "Money", "How do I start investing?", "Index funds are a start.")));

        Assert.Equal(["zh-1-user"], (await SearchAsync("投资")).Hits.Select(h => h.NodeId));
        Assert.Equal(["ja-1-answer"], (await SearchAsync("おすすめ")).Hits.Select(h => h.NodeId));
        Assert.Equal(["ja-1-user"], (await SearchAsync("紅葉")).Hits.Select(h => h.NodeId));
        Assert.Empty((await SearchAsync("株式")).Hits);
    }

    [Fact]
    public async Task EveryWordMustBeInTheSameMessageIgnoringCaseAndATitleMatchOpensTheConversationAtTheTop()
    {
        await ReadAsync(Export(
            ExportJson.Conversation("c-1", "Rotating logs", "How do I rotate a log file with LOGROTATE?", "Use logrotate daily."),
            ExportJson.Conversation("c-2", "Cron", "How do I run a job daily?", "Use cron.")));

        Assert.Equal(["c-1-user"], (await SearchAsync("logrotate FILE")).Hits.Select(h => h.NodeId));
        Assert.Empty((await SearchAsync("logrotate cron")).Hits);
        var title = Assert.Single((await SearchAsync("rotating")).Hits);
        Assert.Null(title.NodeId);
        Assert.EndsWith("/conversations/0", title.Link, StringComparison.Ordinal);
        // Two-letter words have an index of their own: whole words, not inside others.
        Assert.Equal(["c-1-user", "c-2-user"], (await SearchAsync("do")).Hits.Select(h => h.NodeId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ATermIsFoundAsWrittenNotAsItsPiecesScatteredOverAText()
    {
        await ReadAsync(Export(
            ExportJson.Conversation("r-1", "Rent", "The rent is due, and the bike is under the fender.", "Pay it on the first."),
            ExportJson.Conversation("r-2", "Templates", "How do I render a template?", "Call render() with a model."),
            ExportJson.Conversation("r-3", "Thanks", "Great job 😀👍 thanks", "You are welcome.")));

        // "rent", "fender" and "under" hold every trigram of "render" (ren, end, nde, der), but not "render".
        Assert.Equal(["r-2-answer"], (await SearchAsync("render")).Hits.Select(h => h.NodeId));
        // Two emoji are two characters (four UTF-16 units): too short for the trigram index, found by the scan.
        Assert.Equal(["r-3-user"], (await SearchAsync("😀👍")).Hits.Select(h => h.NodeId));
    }

    [Fact]
    public async Task FiltersByMonthJobAndModelNarrowTheHits()
    {
        var first = await ReadAsync(Export(
            ExportJson.Conversation("m-1", "Spring garden", "Which tomatoes grow well in pots?", "Cherry tomatoes.", March2024),
            ExportJson.Conversation("m-2", "Summer garden", "When do I water tomatoes?", "In the morning.", July2025)));
        var second = await ReadAsync(Export(ExportJson.Conversation("m-3", "Salad", "A salad with tomatoes?", "Add basil.", July2025)));

        Assert.Equal(3, (await SearchAsync("tomatoes")).Hits.Count);
        Assert.Equal(["Spring garden"], (await SearchAsync("tomatoes", "&month=2024-03")).Hits.Select(h => h.Title));
        Assert.Equal(["Salad"], (await SearchAsync("tomatoes", $"&job={second}")).Hits.Select(h => h.Title));
        Assert.Equal(["Summer garden"], (await SearchAsync("tomatoes", $"&job={first}&month=2025-07")).Hits.Select(h => h.Title));
        Assert.Equal(3, (await SearchAsync("tomatoes", "&model=gpt-4o")).Hits.Count);
        Assert.Empty((await SearchAsync("tomatoes", "&model=gpt-3.5-turbo")).Hits);
        Assert.Empty((await SearchAsync("tomatoes", "&category=Cooking")).Hits);
        // Newest job first.
        Assert.Equal(second, (await SearchAsync("tomatoes")).Hits[0].JobId);
    }

    [Fact]
    public async Task ManyMatchesGiveOneHitPerConversationNewestFirstAndAFilterFindsTheOldestBelowThemAll()
    {
        // 400 conversations, the word in the title and both messages of each: 1,200 matching rows, read a page at a time.
        var many = Enumerable.Range(0, 400).Select(i => ExportJson.Conversation(
            $"p-{i:D3}", $"Lantern {i:D3}", $"How bright is lantern {i}?", $"Lantern {i} is bright.", i == 0 ? March2024 : July2025)).ToArray();
        await ReadAsync(Export(many));

        var all = await SearchAsync("lantern", "&limit=200");
        Assert.Equal(Enumerable.Range(200, 200).Reverse().Select(i => $"Lantern {i:D3}"), all.Hits.Select(h => h.Title));
        Assert.True(all.More);
        var oldest = await SearchAsync("lantern", "&month=2024-03");
        Assert.Equal(["Lantern 000"], oldest.Hits.Select(h => h.Title));
        Assert.False(oldest.More);
    }

    [Fact]
    public async Task TheSnippetIsEscapedHtmlWithTheMatchesMarkedOnTheApiAndThePage()
    {
        await ReadAsync(Export(ExportJson.Conversation("x-1", "Escaping", "Why does <script>alert('logrotate')</script> run?", "Because it is not escaped.")));

        var hit = Assert.Single((await SearchAsync("logrotate")).Hits);
        var page = await _client.PageAsync("/search?q=logrotate");

        Assert.Equal("Why does &lt;script&gt;alert(&#x27;<mark>logrotate</mark>&#x27;)&lt;/script&gt; run?", hit.SnippetHtml);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.Contains("<mark>logrotate</mark>", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"{hit.Link}\"", page, StringComparison.Ordinal);
    }

    // Until the index reaches them, the page says how many of the person's messages are searched by the scan.
    [Fact]
    public async Task TheSearchPageSaysHowManyMessagesAreStillBeingIndexed()
    {
        await ReadAsync(Export(ExportJson.Conversation("p-1", "Pending", "Tell me about logrotate", "It rotates logs.")));

        var page = await _client.PageAsync("/search?q=logrotate");

        Assert.Contains("<mark>logrotate</mark>", page, StringComparison.Ordinal);
        Assert.Equal(Unindexed, page.Contains("3 messages of your newest jobs are still being indexed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheViewerHasTheAnchorAHitLinksTo()
    {
        await ReadAsync(Export(ExportJson.Conversation("v-1", "Anchors", "Where is the anchor?", "Right here, 여기에 있습니다.")));

        var hit = Assert.Single((await SearchAsync("여기")).Hits);
        var viewer = await _client.PageAsync(hit.Link.Split('#')[0]);

        Assert.Contains($"id=\"{hit.Link.Split('#')[1]}\"", viewer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingAJobDeletesItsSearchIndexWithIt()
    {
        var gone = await ReadAsync(Export(ExportJson.Conversation("d-1", "Gone", "주식 quarterly report", "삭제됩니다.")));
        var kept = await ReadAsync(Export(ExportJson.Conversation("d-2", "Kept", "주식 annual report", "남습니다.")));

        using (var response = await _client.DeleteAsync(new Uri($"/api/jobs/{gone}", UriKind.Relative))) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal([kept], (await SearchAsync("주식")).Hits.Select(h => h.JobId));
        Assert.Equal([kept], (await SearchAsync("report")).Hits.Select(h => h.JobId));
        await using var db = _app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        Assert.Equal(0, await db.SearchEntries.CountAsync(e => e.JobId == gone));
        await AssertIndexMatchesItsRowsAsync(db);
    }

    protected virtual Task AssertIndexMatchesItsRowsAsync(ChatOrganizerDb db) => Task.CompletedTask;

    [Theory]
    [InlineData("", "Type a word to look for (q).")]
    [InlineData("tomatoes&month=2024-13", "\"2024-13\" is not a month: write it yyyy-MM, e.g. 2024-03.")]
    [InlineData("tomatoes&limit=0", "The limit can be 1 to 200.")]
    public async Task ABadSearchAnswers400WithASentence(string query, string title)
    {
        using var response = await _client.GetAsync(new Uri($"/api/search?q={query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherSessionFindsNothingOfThisOne()
    {
        await ReadAsync(Export(ExportJson.Conversation("s-1", "Secret plans", "비밀 계획 secret", "네.")));
        using var stranger = _app.CreateSessionClient(Guid.NewGuid().ToString("N"));

        var theirs = await stranger.GetFromJsonAsync<SearchResults>(new Uri("/api/search?q=secret", UriKind.Relative), JobApi.Json);

        Assert.Empty(theirs!.Hits);
        Assert.Equal(0, theirs.Pending);
        Assert.DoesNotContain("Secret plans", await stranger.PageAsync("/search?q=%EB%B9%84%EB%B0%80"), StringComparison.Ordinal);
        Assert.Single((await SearchAsync("비밀")).Hits);
        // Not even how many messages of this session are not indexed yet: its own status says, theirs does not.
        Assert.Equal(0, (await stranger.GetFromJsonAsync<SearchStatus>(new Uri("/api/search/status", UriKind.Relative), JobApi.Json))!.Pending);
        Assert.Equal(Unindexed ? 3 : 0, (await _client.GetFromJsonAsync<SearchStatus>(new Uri("/api/search/status", UriKind.Relative), JobApi.Json))!.Pending);
    }
}

public sealed class SqliteSearchTests : SearchTests
{
    protected override Task<ChatOrganizerApp> CreateAppAsync() => Task.FromResult(new ChatOrganizerApp());

    protected override Task AfterReadAsync(ChatOrganizerApp app) => app.Services.GetRequiredService<SearchIndexer>().CatchUpAsync(CancellationToken.None);

    // Case is ignored beyond ASCII on SQLite (a PostgreSQL database in the C locale folds ASCII letters only), in the
    // index and in the scan of the rows it does not reach yet.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CapitalsOfOtherScriptsAreFoundInLowerCase(bool indexed)
    {
        using var app = indexed ? new ChatOrganizerApp() : new ChatOrganizerApp().WithoutSearchIndexer();
        using var client = app.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var job = await client.UploadAsync(System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(
            [ExportJson.Conversation("de-1", "Nachbarn", "ÄRGER MIT DEN NACHBARN, was tun?", "Reden hilft."),
             ExportJson.Conversation("ru-1", "Заметки", "ЗАМЕТКИ К УРОКУ по истории", "Хорошо.")])), "month");
        Assert.Equal(JobStatus.Done, (await client.WaitUntilEndedAsync(job.Id)).Status);
        if (indexed) await app.Services.GetRequiredService<SearchIndexer>().CatchUpAsync(CancellationToken.None);

        foreach (var (query, node) in new[] { ("ärger", "de-1-user"), ("nachbarn", "de-1-user"), ("заметки", "ru-1-user") })
        {
            var results = await client.GetFromJsonAsync<SearchResults>(new Uri($"/api/search?q={Uri.EscapeDataString(query)}", UriKind.Relative), JobApi.Json);
            Assert.Equal([node], results!.Hits.Where(h => h.NodeId is not null).Select(h => h.NodeId));
            Assert.Equal(indexed ? 0 : 6, results.Pending); // two titles, four messages
        }
    }

    // Rows deleted before the indexer reached them leave nothing behind, and it indexes what is left when it runs.
    [Fact]
    public async Task TheIndexerCatchesUpWithWhatWasStoredAndDeletedWhileItWasNotRunning()
    {
        using var app = new ChatOrganizerApp().WithoutSearchIndexer();
        using var client = app.CreateSessionClient(Guid.NewGuid().ToString("N"));
        async Task<string> Read(string id, string text)
        {
            var job = await client.UploadAsync(System.Text.Encoding.UTF8.GetBytes(ExportJson.Array([ExportJson.Conversation(id, id, text, "네.")])), "month");
            Assert.Equal(JobStatus.Done, (await client.WaitUntilEndedAsync(job.Id)).Status);
            return job.Id;
        }
        var gone = await Read("c-1", "주식 quarterly report");
        var kept = await Read("c-2", "주식 annual report");
        using (var response = await client.DeleteAsync(new Uri($"/api/jobs/{gone}", UriKind.Relative))) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal(3, await app.Services.GetRequiredService<SearchIndexer>().CatchUpAsync(CancellationToken.None));

        var results = await client.GetFromJsonAsync<SearchResults>(new Uri("/api/search?q=report", UriKind.Relative), JobApi.Json);
        Assert.Equal([kept], results!.Hits.Select(h => h.JobId));
        Assert.Equal(0, results.Pending);
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        await IndexHoldsExactlyItsRowsAsync(db);
    }

    // A search within a job is driven by the full-text index (the job's rows bounded by rowid), never by walking the job's
    // rows in the (JobId, Id) index and asking FTS5 about each: that plan took over 100 s for "the" in a job of 20,000
    // conversations (bench search). SQLite's plan does not depend on how many rows there are (no statistics are kept).
    [Theory]
    [InlineData("the")]
    [InlineData("주식")]
    [InlineData("주식 market")]
    public async Task ASearchWithinAJobIsPlannedFromTheFullTextIndex(string query)
    {
        using var app = new ChatOrganizerApp();
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        var sql = SearchQuery.SqliteSql(SearchTerms.Parse(query), new SearchRequest(query, JobId: "job"), command, before: 100, span: true);
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in new (string, object)[] { ("owner", "me"), ("job", "job"), ("before", 100L), ("low", 1L), ("high", 99L), ("page", 256) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        }

        Assert.DoesNotContain(plan, step => step.Contains("IX_search_entries_JobId_Id", StringComparison.Ordinal));
        var index = plan.FindIndex(step => step.Contains("VIRTUAL TABLE", StringComparison.Ordinal));
        var entries = plan.FindIndex(step => step.StartsWith("SEARCH e ", StringComparison.Ordinal));
        Assert.True(index >= 0 && index < entries, string.Join(" | ", plan));
    }

    protected override Task AssertIndexMatchesItsRowsAsync(ChatOrganizerDb db) => IndexHoldsExactlyItsRowsAsync(db);

    // FTS5's own check of its structure, and the rows the trigram and short-term indexes find for words of the tests are
    // exactly those of the table that hold them, up to the index's mark: nothing of a deleted row is found.
    internal static async Task IndexHoldsExactlyItsRowsAsync(ChatOrganizerDb db)
    {
        var mark = await db.Database.SqlQueryRaw<long>("SELECT \"IndexedUpTo\" AS \"Value\" FROM search_index_state").SingleAsync();
        await db.Database.ExecuteSqlRawAsync("INSERT INTO search_fts(search_fts) VALUES ('integrity-check');");
        await db.Database.ExecuteSqlRawAsync("INSERT INTO search_short(search_short) VALUES ('integrity-check');");
        var indexed = await db.Database.SqlQueryRaw<long>("SELECT rowid AS \"Value\" FROM search_fts WHERE search_fts MATCH '\"rep\" AND \"por\" AND \"ort\"'").ToListAsync();
        var stored = await db.SearchEntries.Where(e => e.Id <= mark && e.Text.Contains("report")).Select(e => e.Id).ToListAsync();
        Assert.Equal(stored.Order(), indexed.Order());
        var short_ = await db.Database.SqlQueryRaw<long>("SELECT rowid AS \"Value\" FROM search_short WHERE search_short MATCH '\"주식\"'").ToListAsync();
        var storedShort = await db.SearchEntries.Where(e => e.Id <= mark && e.ShortTerms != null && e.ShortTerms.Contains("주식")).Select(e => e.Id).ToListAsync();
        Assert.Equal(storedShort.Order(), short_.Order());
    }
}

// Every search of SearchTests with the SQLite indexer never run: the read jobs' rows are all found by the scan.
public sealed class SqliteUnindexedSearchTests : SearchTests
{
    protected override Task<ChatOrganizerApp> CreateAppAsync() => Task.FromResult(new ChatOrganizerApp().WithoutSearchIndexer());

    protected override bool Unindexed => true;

    protected override Task AssertIndexMatchesItsRowsAsync(ChatOrganizerDb db) => SqliteSearchTests.IndexHoldsExactlyItsRowsAsync(db);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSearchTests(PostgresFixture postgres) : SearchTests
{
    protected override async Task<ChatOrganizerApp> CreateAppAsync() =>
        new ChatOrganizerApp().With("Storage:PostgresConnectionString", await postgres.Server.CreateDatabaseAsync());

    // The planner knows how many rows a read added (ANALYZE at its end) instead of the empty tables the migrations made.
    [Fact]
    public async Task AReadJobLeavesTheSearchTablesAnalyzed()
    {
        using var app = await CreateAppAsync();
        using var client = app.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var job = await client.UploadAsync(System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(
            [.. Enumerable.Range(0, 30).Select(i => (JsonNode)ExportJson.Conversation($"p-{i}", $"Plan {i}", $"Question {i}", $"Answer {i}"))])), "month");
        Assert.Equal(JobStatus.Done, (await client.WaitUntilEndedAsync(job.Id)).Status);

        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        var rows = await db.SearchEntries.CountAsync();
        var estimated = await db.Database.SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'search_entries'").SingleAsync();
        Assert.Equal(rows, (int)estimated);
    }
}
