namespace ChatOrganizer.Testing;

// The checkout's root (where ChatOrganizer.sln, appsettings.json and wwwroot/ are).
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ChatOrganizer.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No ChatOrganizer.sln above {AppContext.BaseDirectory}.");
    }
}
