namespace ChatOrganizer.Testing;

// Waiting for what happens in the background (jobs, Hangfire, other processes) by polling it.
public static class Eventually
{
    // How long a test waits for background work to get somewhere: generous, since tests share two cores with each
    // other and with whatever else the machine runs, and a wait that holds returns as soon as it does.
    public static readonly TimeSpan BackgroundWork = TimeSpan.FromMinutes(2);

    // Reads until condition holds and returns that value; a timeout says what was last read.
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Still {describe(value)} after {timeout.TotalSeconds:0} s.");
            await Task.Delay(100);
        }
    }

    // Waits until condition holds; a timeout names what.
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(() => Task.FromResult(condition()), holds => holds, timeout ?? BackgroundWork, _ => $"waiting for {what}");
}
