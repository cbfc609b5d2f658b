namespace ChatOrganizer.Categorization;

// What one run's requests cost in tokens, by the number of conversations in them: the instructions, schema and
// framing around the digests (each digest brings its own count, made when it was built), and the answer's limit.
// Counted with the model's tokenizer, so for OpenAI models a batch's planned tokens are the tokens it sends.
internal sealed class RequestCost
{
    // Hidden reasoning is billed as output and counts against max_completion_tokens: room for it at the lowest
    // effort; an answer cut off anyway is split and asked again.
    public const int ReasoningAllowance = 8_000;

    // Tokens the endpoint adds that are not ours to count (a function's formatting, say), and a mode found to
    // differ from the planned one, must still fit a small context window.
    private const int ContextMargin = 64;

    private readonly CategorySet _set;
    private readonly ResponseMode _mode;
    private readonly int[] _overhead; // 0: not measured yet (no request costs nothing)
    private readonly int _answerEntry;
    private readonly bool _reasons;

    // Examples the person filed cost every request this much at most (five short ones).
    public const int MaxExampleTokens = 600;

    // examples: The person's labelled conversations: a few go into every request's instructions, in the room
    // a full batch of full digests leaves under the ceiling, so they never make a batch smaller or a run longer.
    // digestBudget: The most tokens a digest has in this run.
    public RequestCost(CategorySet set, ResponseMode mode, TokenCounter counter, ModelFamily family, int maxRequestTokens, int batchSize,
        IReadOnlyList<Offline.LabelledExample>? examples = null, int digestBudget = 0)
    {
        _set = set;
        _mode = mode;
        Counter = counter;
        _reasons = family.Reasons;
        _overhead = new int[batchSize + 1];
        _answerEntry = CategorizationPrompt.AnswerEntryTokens(set, counter);
        Ceiling = family.ContextWindow is { } window
            ? Math.Min(maxRequestTokens, window - MaxOutputTokens(batchSize) - ContextMargin)
            : maxRequestTokens;
        if (examples is { Count: > 0 })
        {
            var room = Ceiling - Measure(batchSize) - batchSize * (digestBudget + EntryScaffoldTokens);
            Examples = CategorizationPrompt.ChooseExamples(examples, set, counter, Math.Min(MaxExampleTokens, room));
        }
    }

    // What every request of the run shows of the person's own filing.
    public IReadOnlyList<PromptExample> Examples { get; } = [];

    public TokenCounter Counter { get; }

    // Input tokens a request may have: the setting, or less where the model's context window is small (gpt-4's 8,192).
    public int Ceiling { get; }

    public int Overhead(int count)
    {
        if (count >= _overhead.Length) return Measure(count);
        var measured = Volatile.Read(ref _overhead[count]);
        if (measured == 0) Volatile.Write(ref _overhead[count], measured = Measure(count));
        return measured;
    }

    public static int Conversation(ConversationDigest digest) => digest.Tokens;

    // A digest's JSON key and quotes around its title and text, in its line of the user message.
    private const int EntryScaffoldTokens = 20;

    // An answer entry with a long category name, for budgets worked out before the set's own is measured.
    private const int TypicalAnswerEntryTokens = 24;

    // The digest budget for a model: the configured one, or less where BatchSize digests, the prompt and the answer
    // would not fit the model's context window (gpt-4's 8,192 tokens), so batches keep their size.
    public static int DigestBudgetFor(string? model, CategorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var family = ModelFamily.Of(model);
        if (family.ContextWindow is not { } window) return options.DigestTokenBudget;
        var answer = 50 + TypicalAnswerEntryTokens * options.BatchSize * 3 / 2 + (family.Reasons ? ReasoningAllowance : 0);
        var room = Math.Min(window - answer - ContextMargin, options.MaxRequestTokens) - CategorizationPrompt.TypicalOverheadTokens;
        return Math.Clamp(room / options.BatchSize - EntryScaffoldTokens, MinDigestBudget, options.DigestTokenBudget);
    }

    // Below this a digest says too little to categorize by; a batch closes early instead.
    private const int MinDigestBudget = 100;

    // An entry per conversation with room to spare (JSON mode and plain text may add words around it).
    public int MaxOutputTokens(int count) => 50 + _answerEntry * count * 3 / 2 + (_reasons ? ReasoningAllowance : 0);

    public int ExpectedOutputTokens(int conversations) => _answerEntry * conversations;

    private int Measure(int count)
    {
        var schema = CategorizationPrompt.Schema(count, _set);
        return Counter.Count(CategorizationPrompt.SystemMessage(_set, _mode, schema, Examples)) + CategorizationPrompt.HeaderTokens(Counter)
            + CategorizationPrompt.FramingTokens + CategorizationPrompt.FormatTokens(schema, _mode, Counter);
    }
}
