namespace ChatOrganizer.Web.Jobs;

// An upload or job request that cannot be accepted, with the HTTP status and a sentence a person understands.
public sealed class RequestRejectedException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
