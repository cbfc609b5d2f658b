namespace ChatOrganizer.Web.Tests;

// One app per test class that only reads or keeps to its own session.
public sealed class ChatOrganizerAppFixture : IDisposable
{
    public ChatOrganizerApp App { get; } = new();

    public void Dispose() => App.Dispose();
}
