namespace ChatOrganizer.Web.Jobs;

// The read steps running in this process, and the search index filled behind them (SearchIndexer), for work in the
// background that gives way to them: distilling the offline token vectors holds the model's layers for tens of seconds,
// and beside a read it took the app over the 300 MB a job may use (a 20,000-conversation job by month on a fresh data
// folder peaked at 443 MB).
public sealed class ReadsUnderWay(TimeProvider time)
{
    // What a read leaves behind (its garbage, the search index filled after it) is given back before the model's memory
    // is taken.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private int _count;
    private long? _lastEnded;
    private TaskCompletionSource _none = Completed();

    public bool Any
    {
        get
        {
            lock (_lock) return _count > 0;
        }
    }

    // Counts a read until disposed.
    public IDisposable Begin()
    {
        lock (_lock)
        {
            if (_count++ == 0) _none = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return new Read(this);
    }

    // When no read is running, nor has for a few seconds.
    public async Task WhenQuietAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task none;
            long? ended;
            lock (_lock)
            {
                none = _none.Task;
                ended = _lastEnded;
            }
            await none.WaitAsync(cancellationToken);
            var since = ended is { } at ? time.GetElapsedTime(at) : Quiet;
            if (since >= Quiet)
            {
                lock (_lock)
                {
                    if (_count == 0 && _lastEnded == ended) return;
                }
                continue;
            }
            await Task.Delay(Quiet - since, time, cancellationToken);
        }
    }

    private void End()
    {
        lock (_lock)
        {
            _lastEnded = time.GetTimestamp();
            if (--_count == 0) _none.TrySetResult();
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private sealed class Read(ReadsUnderWay reads) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) reads.End();
        }
    }
}
