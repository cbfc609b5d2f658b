namespace ChatOrganizer.Web.Tests;

/// <summary>One app per test class that only reads or keeps to its own session.</summary>
public sealed class ChatOrganizerAppFixture : IDisposable
{
    public ChatOrganizerApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
