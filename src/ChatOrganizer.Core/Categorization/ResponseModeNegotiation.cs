namespace ChatOrganizer.Categorization;

/// <summary>
/// Which <see cref="ResponseMode"/> one endpoint and model answer in: found once, remembered in the store, and shared
/// by every run of the process (a job's work items run at the same time). While it is not known, one request at a time
/// probes it, from the remembered mode or strict JSON schema down the chain, and the others wait for that request's
/// answer: finding it costs one refused request for each mode the endpoint lacks, once, not once per request.
/// </summary>
/// <remarks>Each <see cref="AcquireAsync"/> must be followed by exactly one of Answered, Refused or Release.</remarks>
internal sealed class ResponseModeNegotiation(IResponseModeStore store, string endpoint, string model)
{
    private readonly SemaphoreSlim _probe = new(1, 1);
    private readonly Lock _state = new();
    private readonly List<ResponseMode> _refused = [];
    private bool _loaded;
    private bool _remembered;
    private ResponseMode _trying = ResponseMode.JsonSchema;
    private ResponseMode? _decided;

    public string Model { get; } = model;

    /// <summary>The mode requests are expected to use, for estimates: the known one, else the one to be tried first.</summary>
    public async Task<ResponseMode> ExpectedAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        lock (_state) return _decided ?? _trying;
    }

    /// <summary>The mode for one request; waits while another request is finding out.</summary>
    public async Task<ModeLease> AcquireAsync(CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (_decided is { } known) return new ModeLease(known, Probe: false);
        }
        await _probe.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
            lock (_state)
            {
                if (_decided is { } known)
                {
                    _probe.Release();
                    return new ModeLease(known, Probe: false);
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

    /// <summary>The endpoint answered in the lease's mode: it works, and is remembered.</summary>
    public async Task AnsweredAsync(ModeLease lease)
    {
        if (!lease.Probe) return;
        lock (_state) _decided = lease.Mode;
        try
        {
            await store.PutAsync(endpoint, Model, lease.Mode, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not remembered: the next process finds it again, at the price of the same refusals.
        }
        finally
        {
            _probe.Release();
        }
    }

    /// <summary>The endpoint refused the lease's mode: the next one down the chain is tried, by one request at a time.</summary>
    public void Refused(ModeLease lease)
    {
        lock (_state)
        {
            // A known mode refused means the endpoint changed: it is found again from there. Several requests in
            // flight on it may all be refused; only the first moves the chain on.
            if (lease.Probe || _decided == lease.Mode)
            {
                _decided = null;
                _remembered = false;
                if (!_refused.Contains(lease.Mode)) _refused.Add(lease.Mode);
                _trying = lease.Mode == ResponseMode.PlainText ? ResponseMode.PlainText : lease.Mode + 1;
            }
        }
        if (lease.Probe) _probe.Release();
    }

    /// <summary>The request failed for another reason (a rate limit, a timeout): the mode is still to be found.</summary>
    public void Release(ModeLease lease)
    {
        if (lease.Probe) _probe.Release();
    }

    /// <summary>What a run tells a person about the mode it answers in.</summary>
    public CategorizationEvent.ResponseModeChosen Describe(ModeLease lease)
    {
        lock (_state) return new CategorizationEvent.ResponseModeChosen(Model, lease.Mode, [.. _refused.Where(m => m < lease.Mode)], _remembered, lease.Probe);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        lock (_state)
        {
            if (_loaded) return;
        }
        ResponseMode? remembered = null;
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
            if (remembered is { } mode && _decided is null)
            {
                _decided = mode;
                _trying = mode;
                _remembered = true;
            }
        }
    }
}

/// <param name="Probe">This request finds out whether the mode works; the others wait for it.</param>
internal readonly record struct ModeLease(ResponseMode Mode, bool Probe);
