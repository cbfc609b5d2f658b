namespace ChatOrganizer.Categorization;

// The run cannot go on: the key was refused, the model does not exist, the endpoint cannot be reached. The
// message is a sentence a person understands and never holds the key; results yielded before it stand.
//
// Carries no inner exception on purpose: the SDK's messages quote the server's, and some servers quote the key.
public sealed class CategorizationRunFailedException(string message, CategorizationFailure failure, int? httpStatus = null)
    : Exception(message)
{
    public CategorizationFailure Failure { get; } = failure;
    public int? HttpStatus { get; } = httpStatus;
}

public enum CategorizationFailure
{
    KeyRejected,
    AccessDenied,
    ModelNotFound,
    EndpointNotFound,
    QuotaExhausted,
    EndpointUnreachable,
    RequestsRejected,
}
