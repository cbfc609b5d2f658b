namespace ChatOrganizer.Categorization.Offline;

/// <summary>
/// The offline categorizer's weights and thresholds, tuned with <c>bench offline</c> on the tuning half of the labelled
/// set (tests/ChatOrganizer.Benchmarks/Evaluation) and checked on the held-out half. One place for every number.
/// </summary>
internal sealed record OfflineTuning
{
    public static OfflineTuning Default { get; } = new();

    // Reading a conversation: the title says most, then the person's messages, then the answers' starts.
    public float TitleWeight { get; init; } = 2f;
    public float AnswerWeight { get; init; } = 0.5f;

    // The English of glossed words, and Spanish or German words themselves, which the English model reads poorly.
    public float GlossWeight { get; init; } = 4f;
    public float ForeignWordWeight { get; init; } = 0.3f;

    // A category's vector: its name, description, keywords and examples, each embedded apart, then mixed.
    public float NameWeight { get; init; } = 1f;
    public float DescriptionWeight { get; init; } = 1f;
    public float KeywordsWeight { get; init; } = 1f;
    public float ExamplesWeight { get; init; } = 1f;

    // A topic of the inventory (Topics.txt) that the category's name says: its words, in the vector and as terms.
    public float TopicWeight { get; init; } = 1.5f;
    public float TopicTermWeight { get; init; } = 0.7f;

    // Keyword evidence: term weights by where the category lists them; saturates at about Saturation.
    public float NameTermWeight { get; init; } = 1.5f;
    public float KeywordTermWeight { get; init; } = 1f;
    public float DescriptionTermWeight { get; init; } = 0.4f;
    public float TitleTermBoost { get; init; } = 2f;
    public float KeywordSaturation { get; init; } = 2f;
    public float KeywordWeight { get; init; } = 0.8f;

    // A labelled example counts once its similarity passes this, and more the closer it is.
    public float ExampleFloor { get; init; } = 0.5f;
    public float ExampleWeight { get; init; } = 1f;

    // Refinement inside a run (transductive): only for runs of at least this many conversations. Off: on the labelled
    // set it did not earn its place (71.7 % without, 71.1 % with, tuning half; `bench offline --ablate`).
    public int MinRunForRefinement { get; init; } = int.MaxValue;
    public float CentringWeight { get; init; } = 0.5f;
    public float ConfidentShare { get; init; } = 0.5f;
    public float CentroidWeight { get; init; } = 0.15f;
    public float GramCentroidWeight { get; init; } = 0.2f;
    public int RefinementRounds { get; init; } = 2;

    // "Other" when the best score is below this; softmax temperature for the confidence.
    public float OtherThreshold { get; init; } = 0.1f;
    public float Temperature { get; init; } = 0.05f;

    public bool UseGlosses { get; init; } = true;
}
