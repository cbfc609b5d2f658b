using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Web.Tests.Jobs;

// An export of three plain subjects, six conversations each, in the order bread, python, travel, bread...
internal static class TopicalExport
{
    public static readonly string[] Subjects = ["bread", "python", "travel"];

    private static readonly (string Title, string Question, string Answer)[][] Conversations =
    [
        [
            ("Sourdough bread rising", "My sourdough bread dough does not rise overnight, what is wrong with the starter?", "Feed the starter and keep the dough warm."),
            ("Rye bread recipe", "A rye bread recipe with flour, yeast and salt, and how long to bake it in the oven", "Bake the rye loaf for 45 minutes."),
            ("Banana bread too dry", "My banana bread comes out dry from the oven, how much butter and flour should the loaf have?", "Use more butter and ripe bananas."),
            ("Kneading bread dough", "How long should I knead bread dough by hand before the yeast proof?", "Knead the dough about ten minutes."),
            ("Brioche bread at home", "Brioche bread with butter and eggs: oven temperature and baking time for the loaf", "Bake the brioche at 180 degrees."),
            ("Gluten free bread flour", "Which gluten free flour makes a bread loaf that rises and bakes well?", "Mix rice flour and psyllium for the dough."),
        ],
        [
            ("Python KeyError in pandas", "pandas raises KeyError when I read a csv column in python, traceback below", "The column name has a space in it."),
            ("Python list comprehension", "How do I write a python list comprehension that filters a list of dicts?", "Use [d for d in items if d['ok']]."),
            ("Python virtualenv pip", "pip installs the python package outside my virtualenv, how do I fix the interpreter?", "Activate the venv before pip install."),
            ("Python TypeError function", "TypeError in my python function: unsupported operand for int and str", "Convert the str with int() first."),
            ("Python asyncio await", "How do I await many python coroutines with asyncio gather and catch an exception?", "Use asyncio.gather with return_exceptions."),
            ("Python unit test mock", "Mock a python function in a pytest unit test so the database call is skipped", "Use unittest.mock.patch on the function."),
        ],
        [
            ("Trip to Kyoto", "Plan a five day trip to Kyoto and Osaka with temples, hotels and the train pass", "Day one: Fushimi Inari, then the hotel."),
            ("Visa for Japan travel", "Do I need a visa to travel to Japan for two weeks as a tourist, and what about the flight?", "Many passports travel visa free for 90 days."),
            ("Lisbon weekend travel", "Weekend travel in Lisbon: which neighbourhoods, hotel and tram for a trip?", "Stay in Alfama and take tram 28."),
            ("Packing for a trip", "A packing list for a two week trip with one carry on bag and the flight rules", "Pack light layers and a small toiletry bag."),
            ("Cheap flights to Rome", "How do I find cheap flights and a hotel for a trip to Rome in spring travel season?", "Book midweek flights two months ahead."),
            ("Iceland road trip travel", "Iceland ring road trip in summer: car rental, hotels and travel time per day", "Plan eight days with a 4x4 rental car."),
        ],
    ];

    // Index i is subject i % 3 (Subjects); extra conversations follow, from index 18.
    public static byte[] Json(params (string Title, string Question, string Answer)[] extra)
    {
        var all = new JsonArray();
        for (var i = 0; i < 18 + extra.Length; i++)
        {
            var (title, question, answer) = i < 18 ? Conversations[i % 3][i / 3] : extra[i - 18];
            all.Add(ExportJson.Conversation($"conv-{i:D2}", title, question, answer, new DateTimeOffset(2024, 1 + i % 12, 10, 12, 0, 0, TimeSpan.Zero)));
        }
        return System.Text.Encoding.UTF8.GetBytes(all.ToJsonString());
    }

    public static string SubjectOf(int index) => Subjects[index % 3];
}

// The offline engine's token vectors, distilled once per test process before a test starts its clock.
internal static class OfflineReady
{
    // Distilling takes 10 s on a quiet machine and minutes on a shared one: the job's own wait then measures only the job.
    public static Task WarmAsync(ChatOrganizerApp app) =>
        Task.Run(() => app.Services.GetRequiredService<ChatOrganizer.Categorization.Offline.OfflineEngine>().Tokens.PrepareVocabulary());
}
