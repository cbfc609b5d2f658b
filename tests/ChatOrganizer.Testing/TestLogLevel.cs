namespace ChatOrganizer.Testing;

// How much the app under test logs: warnings and up, so a passing run stays quiet. To read what a failing test's app
// did, run it again with CHATORG_TEST_LOG_LEVEL=Information (or Debug).
public static class TestLogLevel
{
    public const string Variable = "CHATORG_TEST_LOG_LEVEL";

    public static string Value { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } level ? level : "Warning";
}
