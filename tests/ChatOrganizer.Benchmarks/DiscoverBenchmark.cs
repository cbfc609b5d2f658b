using System.CommandLine;
using System.Diagnostics;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;

namespace ChatOrganizer.Benchmarks;

// `bench discover [--data DIR]`: how well "discover topics" finds the labelled set's ten categories with no categories
// given (purity and adjusted Rand index against the labels, against a random assignment of as many topics in the same
// run), overall and for the mixed-language set.
// `bench discover --export X.zip [--limit N]`: time and peak resident memory of discovering the topics of an export,
// reading it included (gen_export.py --conversations 20000 --words 120).
internal static class DiscoverBenchmark
{
    public static Command Command()
    {
        var command = new Command("discover", "Topics found with no categories: purity on the labelled set against random clusters, or with --export time and memory on an export.");
        var data = BenchOptions.LabelledSet();
        var export = BenchOptions.Path("--export", "an export (gen_export.py): time and peak memory of discovering its topics");
        var limit = BenchOptions.Positive("--limit", "at most this many conversations of the export", int.MaxValue);
        var similar = new Option<bool>("--similar") { Description = "cosine of same- and different-category pairs on the labelled set, and what the similar-conversations floor keeps" };
        command.Add(data);
        command.Add(export);
        command.Add(limit);
        command.Add(similar);
        command.SetAction(parsed => RunAsync(parsed.GetValue(data)!, parsed.GetValue(export), parsed.GetValue(limit), parsed.GetValue(similar)));
        return command;
    }

    private static async Task<int> RunAsync(string data, string? export, int limit, bool similar)
    {
        var engine = OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));
        if (similar) return SimilarityFloor(engine, data);
        return export is null ? Quality(engine, data) : await ExportAsync(engine, export, limit);
    }

    private static int Quality(OfflineEngine engine, string data)
    {
        var items = LabelledSet.Load(data).Items.Where(i => i.Set == "ten-categories" && i.Half != Half.Bank).ToList();
        Console.WriteLine($"{items.Count} labelled openings of the ten categories, {items.Select(i => i.Label).Distinct().Count()} labels");
        var ok = true;
        foreach (var (name, rows) in new[] { ("all", items), ("not English", items.Where(i => i.Language != "en").ToList()) })
        {
            var map = ConversationMap.Build(engine, [.. rows.Select(r => r.Digest)]);
            foreach (int? k in new int?[] { null, 10 })
            {
                var watch = Stopwatch.StartNew();
                var topics = map.DiscoverTopics(k);
                watch.Stop();
                var topicOf = topics.SelectMany((t, n) => t.ConversationIds.Select(id => (id, n))).ToDictionary(p => p.id, p => p.n);
                var found = rows.Select(r => topicOf[r.Digest.ConversationId]).ToArray();
                var labels = rows.Select(r => r.Label).ToArray();
                var random = new Random(5);
                var shuffled = found.OrderBy(_ => random.Next()).ToArray(); // as many topics of the same sizes, members at random
                var (purity, rand) = (Purity(found, labels), AdjustedRand(found, labels));
                var (basePurity, baseRand) = (Purity(shuffled, labels), AdjustedRand(shuffled, labels));
                Console.WriteLine($"{name,-12} k={(k is null ? $"auto ({topics.Count(t => !t.IsRest)})" : k.ToString()),-9} rest {topics.Where(t => t.IsRest).Sum(t => t.ConversationIds.Count),3}: " +
                                  $"purity {purity:P1} vs random {basePurity:P1}, adjusted Rand {rand:F3} vs random {baseRand:F3}, {watch.ElapsedMilliseconds} ms");
                ok &= purity > basePurity && rand > baseRand + 0.05;
                if (k is null) foreach (var t in topics.Take(12)) Console.WriteLine($"    {t.ConversationIds.Count,4}  {t.Name}  ({string.Join(" | ", t.ExampleTitles)})");
            }
        }
        Console.WriteLine(OfflineBenchmark.Verdict("clusters follow the labels better than random assignment", ok));
        return ok ? 0 : 2;
    }

    private static async Task<int> ExportAsync(OfflineEngine engine, string path, int limit)
    {
        var watch = Stopwatch.StartNew();
        var builder = new DigestBuilder();
        var digests = new List<ConversationDigest>();
        await using (var reader = await ExportReader.OpenAsync(path))
        {
            await foreach (var conversation in reader.ReadConversationsAsync())
            {
                digests.Add(builder.Build(conversation));
                if (digests.Count >= limit) break;
            }
        }
        var read = watch.Elapsed;
        var map = ConversationMap.Build(engine, digests);
        var embedded = watch.Elapsed;
        var topics = map.DiscoverTopics();
        watch.Stop();
        var peak = OfflineBenchmark.PeakResidentBytes();
        Console.WriteLine($"{digests.Count:N0} conversations: read {read.TotalSeconds:F1} s, embedded {(embedded - read).TotalSeconds:F1} s, " +
                          $"clustered and named {(watch.Elapsed - embedded).TotalSeconds:F1} s, {watch.Elapsed.TotalSeconds:F1} s in all; " +
                          $"{topics.Count(t => !t.IsRest)} topics, rest {topics.Where(t => t.IsRest).Sum(t => t.ConversationIds.Count):N0}");
        foreach (var t in topics) Console.WriteLine($"    {t.ConversationIds.Count,6:N0}  {t.Name}  ({string.Join(" | ", t.ExampleTitles)})");
        Console.WriteLine(OfflineBenchmark.Verdict($"peak resident memory {peak / 1e6:N0} MB, reading the export included (target < 600 MB)", peak < 600e6));
        return peak < 600e6 ? 0 : 2;
    }

    // `--similar`: where the viewer's "similar conversations" should stop. The cosines of the stored (quantized) vectors
    // of pairs of the same label against pairs of different labels, and for the five nearest of each opening (what the
    // viewer shows) the share of the same label and the share of openings left with none at each candidate floor; the
    // example bank (its topics as labels) is a second set of writing the floor was not chosen on.
    private static int SimilarityFloor(OfflineEngine engine, string data)
    {
        var all = LabelledSet.Load(data).Items;
        var ok = true;
        foreach (var (name, rows) in new[]
                 {
                     ("ten categories", all.Where(i => i.Set == "ten-categories" && i.Half != Half.Bank).ToList()),
                     ("example bank", all.Where(i => i.Half == Half.Bank).ToList()),
                 })
        {
            var map = ConversationMap.Build(engine, [.. rows.Select(r => r.Digest)]);
            var vectors = new QuantizedVectors([.. rows.Select(r => QuantizedVectors.Quantize(map.VectorOf(r.Digest.ConversationId)))]);
            var (same, different) = (new List<double>(), new List<double>());
            for (var i = 0; i < rows.Count; i++)
            {
                foreach (var (row, similarity) in vectors.Nearest(i, rows.Count))
                {
                    if (row <= i) continue;
                    (rows[i].Label == rows[row].Label ? same : different).Add(similarity);
                }
            }
            same.Sort();
            different.Sort();
            string Quartiles(List<double> v) => $"{Percentile.Of([.. v], 0.25):F2} / {Percentile.Of([.. v], 0.5):F2} / {Percentile.Of([.. v], 0.75):F2} / {Percentile.Of([.. v], 0.95):F2}";
            Console.WriteLine($"{name}: {rows.Count} openings, {rows.Select(r => r.Label).Distinct().Count()} labels; cosine quartiles and 95th percentile: " +
                              $"same label {Quartiles(same)}, different {Quartiles(different)}");
            var nearest = Enumerable.Range(0, rows.Count).Select(i => vectors.Nearest(i, 5)).ToList();
            Console.WriteLine("    floor  pairs same  shown same  shown a row  rows with none");
            foreach (var floor in new[] { 0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8 })
            {
                var pairsSame = same.Count(s => s >= floor) / (double)Math.Max(1, same.Count(s => s >= floor) + different.Count(s => s >= floor));
                var shown = nearest.SelectMany((n, i) => n.Where(x => x.Similarity >= floor).Select(x => rows[i].Label == rows[x.Row].Label)).ToList();
                var none = nearest.Count(n => !n.Any(x => x.Similarity >= floor));
                Console.WriteLine($"    {floor,5:F2}  {pairsSame,10:P1}  {shown.Count(s => s) / (double)Math.Max(1, shown.Count),10:P1}  {shown.Count / (double)rows.Count,11:F2}  {none / (double)rows.Count,14:P1}" +
                                  (floor == SimilarConversationsFloor ? "   <- the viewer's floor" : ""));
            }
            var atFloor = nearest.SelectMany((n, i) => n.Where(x => x.Similarity >= SimilarConversationsFloor).Select(x => rows[i].Label == rows[x.Row].Label)).ToList();
            ok &= atFloor.Count(s => s) > atFloor.Count / 2;
        }
        Console.WriteLine(OfflineBenchmark.Verdict($"most of what the viewer shows at its floor ({SimilarConversationsFloor:F2}) has the opening's own label", ok));
        return ok ? 0 : 2;
    }

    private static double SimilarConversationsFloor => QuantizedVectors.RelatedSimilarity;

    // Share of conversations whose topic's most common label is their own.
    private static double Purity(int[] found, string[] labels) =>
        found.Select((t, i) => (t, label: labels[i])).GroupBy(p => p.t)
            .Sum(g => g.GroupBy(p => p.label).Max(l => l.Count())) / (double)found.Length;

    // Hubert and Arabie's adjusted Rand index: 0 for chance, 1 for the labels exactly.
    private static double AdjustedRand(int[] found, string[] labels)
    {
        static double Pairs(double n) => n * (n - 1) / 2;
        var cells = found.Select((t, i) => (t, labels[i])).GroupBy(p => p).Sum(g => Pairs(g.Count()));
        var rows = found.GroupBy(t => t).Sum(g => Pairs(g.Count()));
        var columns = labels.GroupBy(l => l).Sum(g => Pairs(g.Count()));
        var expected = rows * columns / Pairs(found.Length);
        var max = (rows + columns) / 2;
        return max == expected ? 0 : (cells - expected) / (max - expected);
    }
}
