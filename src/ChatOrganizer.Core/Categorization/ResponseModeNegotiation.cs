namespace ChatOrganizer.Categorization;

// Which ResponseMode one endpoint and model answer in: found once, remembered in the store, and shared
// by every run of the process (a job's work items run at the same time). While it is not known, one request at a time
// probes it, from the remembered mode or strict JSON schema down the chain, and the others wait for that request's
// answer.
//
// No run pays for more than one refused request. When a refusal says what works instead (OpenAI's gpt-4 refusing
// structured outputs takes function calls), the run goes on to it. When it does not (a local server built without
// a feature), the runs begun so far answer in plain text, which nothing refuses, and the next mode is remembered as
// the one the next run tries once. Each AcquireAsync must be followed by exactly one of Answered,
// Refused or Release.
internal sealed class ResponseModeNegotiation(IResponseModeStore store, string endpoint, string model)
{
    private readonly SemaphoreSlim _probe = new(1, 1);
    private readonly Lock _state = new();
    private readonly List<ResponseMode> _refused = [];
    private bool _loaded;
    private bool _remembered;
    private ResponseMode _trying = ResponseMode.JsonSchema;
    private ResponseMode? _decided;
    private int _runs;

    // Runs numbered up to this one have had their refusal without learning what works: they answer in plain text.
    private int _plainTextThrough;

    public string Model { get; } = model;

    // One run's share: its number, for "runs begun so far".
    public RunModes BeginRun() => new(Interlocked.Increment(ref _runs));

    // The mode requests are expected to use, for estimates: the known one, else the one to be tried first.
    public async Task<ResponseMode> ExpectedAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        lock (_state) return _decided ?? _trying;
    }

    // The mode for one request of run; waits while another request is finding out.
    public async Task<ModeLease> AcquireAsync(RunModes run, CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (KnownFor(run) is { } known) return known;
        }
        await _probe.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
            lock (_state)
            {
                if (KnownFor(run) is { } known)
                {
                    _probe.Release();
                    return known;
                }
                return new ModeLease(_trying, Probe: true); // keeps the probe until it settles
            }
        }
        catch
        {
            _probe.Release();
            throw;
        }
    }

    private ModeLease? KnownFor(RunModes run) =>
        _decided is { } known ? new ModeLease(known, Probe: false)
        : run.Number <= _plainTextThrough ? new ModeLease(ResponseMode.PlainText, Probe: false, Interim: true)
        : null;

    // The endpoint answered in the lease's mode: it works, and is remembered.
    public async Task AnsweredAsync(ModeLease lease)
    {
        if (!lease.Probe) return;
        lock (_state) _decided = lease.Mode;
        try
        {
            await RememberAsync(new RememberedMode(lease.Mode));
        }
        finally
        {
            _probe.Release();
        }
    }

    // The endpoint refused the lease's mode. The next one down the chain is tried at once if the refusal says it works;
    // otherwise the runs begun so far answer in plain text and the next run tries it.
    public async Task RefusedAsync(ModeLease lease, bool nextModeKnown)
    {
        RememberedMode? tentative = null;
        lock (_state)
        {
            // A known mode refused means the endpoint changed: it is found again from there. Several requests in
            // flight on it may all be refused; only the first moves the chain on.
            if (!lease.Interim && (lease.Probe || _decided == lease.Mode))
            {
                _decided = null;
                _remembered = false;
                if (!_refused.Contains(lease.Mode)) _refused.Add(lease.Mode);
                _trying = lease.Mode == ResponseMode.PlainText ? ResponseMode.PlainText : lease.Mode + 1;
                if (!nextModeKnown && _trying != ResponseMode.PlainText)
                {
                    _plainTextThrough = _runs;
                    tentative = new RememberedMode(_trying, Settled: false);
                }
            }
        }
        try
        {
            if (tentative is not null) await RememberAsync(tentative);
        }
        finally
        {
            if (lease.Probe) _probe.Release();
        }
    }

    // The request failed for another reason (a rate limit, a timeout): the mode is still to be found.
    public void Release(ModeLease lease)
    {
        if (lease.Probe) _probe.Release();
    }

    // What a run tells a person about the mode it answers in.
    public CategorizationEvent.ResponseModeChosen Describe(ModeLease lease)
    {
        lock (_state)
        {
            return new CategorizationEvent.ResponseModeChosen(Model, lease.Mode, [.. _refused.Where(m => m < lease.Mode).Order()], _remembered,
                lease.Probe, TriedNextRun: lease.Interim && _decided is null ? _trying : null);
        }
    }

    private async Task RememberAsync(RememberedMode mode)
    {
        try
        {
            await store.PutAsync(endpoint, Model, mode, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not remembered: the next process finds it again, at the price of the same refusals.
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (_loaded) return;
        }
        RememberedMode? remembered = null;
        try
        {
            remembered = await store.GetAsync(endpoint, Model, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // An unreadable memory is no memory: the mode is found again.
        }
        lock (_state)
        {
            if (_loaded) return;
            _loaded = true;
            if (remembered is null || _decided is not null) return;
            _trying = remembered.Mode;
            _remembered = true;
            if (remembered.Settled)
            {
                _decided = remembered.Mode;
            }
            else
            {
                // An earlier run was refused the modes above this one; this run tries it once.
                for (var above = ResponseMode.JsonSchema; above < remembered.Mode; above++)
                    if (!_refused.Contains(above)) _refused.Add(above);
            }
        }
    }
}

// Probe: This request finds out whether the mode works; the others wait for it.
// Interim: Plain text for a run that has had its refusal; the mode is still to be found by a later run.
internal readonly record struct ModeLease(ResponseMode Mode, bool Probe, bool Interim = false);

// One run's place in a ResponseModeNegotiation, numbered in the order runs began.
internal sealed record RunModes(int Number);
