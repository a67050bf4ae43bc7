using Lattice.Wasi.Http;

namespace Lattice.Actors;

/// <summary>
/// A component's answer to one HTTP request, as a server sends it: status, headers, and a body to
/// copy to the client (read it to the end; an <see cref="HttpBodyException"/> from it means the
/// component failed mid-body, so abort the connection rather than end the response cleanly).
/// </summary>
public sealed class HttpAnswer : IDisposable
{
    private readonly IDisposable? _exchange;

    internal HttpAnswer(int status, IReadOnlyList<HttpField> headers, Stream body, IDisposable? exchange = null, string? failure = null,
        HttpErrorCode? errorCode = null)
    {
        Status = status;
        Headers = headers;
        Body = body;
        _exchange = exchange;
        Failure = failure;
        ErrorCode = errorCode;
    }

    public int Status { get; }

    public IReadOnlyList<HttpField> Headers { get; }

    public Stream Body { get; }

    /// <summary>Why the component gave no response of its own (the body then says it in one line), or null.</summary>
    public string? Failure { get; }

    /// <summary>
    /// The guest's own <c>err(error-code)</c> when that was its answer (a failure with status 500), so a
    /// caller that speaks wasi:http (wRPC) can hand it on as the code rather than as text. A code from an
    /// instance on another host keeps its case and internal-error message, not other payload details.
    /// </summary>
    public HttpErrorCode? ErrorCode { get; }

    /// <summary>
    /// A response to send: <paramref name="body"/> is copied to the client (an <see cref="HttpBodyException"/> from it
    /// aborts the connection); disposing the answer disposes <paramref name="release"/>, then the body. Headers whose
    /// name or value HTTP does not allow are dropped (they come from outside: a server could not send them).
    /// </summary>
    public static HttpAnswer Responded(int status, IReadOnlyList<HttpField> headers, Stream body, IDisposable? release = null)
    {
        if (status is < 100 or > 999) throw new ArgumentOutOfRangeException(nameof(status), status, "not an HTTP status");
        return new(status, headers.Where(h => HttpFields.IsValidName(h.Name) && HttpFields.IsValidValue(h.Value)).ToList(), body, release);
    }

    /// <summary>
    /// No response of the component's own: <paramref name="status"/> and <paramref name="message"/> (one line, also the
    /// plain-text body), with the component's <c>err(error-code)</c> when that was its answer.
    /// </summary>
    public static HttpAnswer Failed(int status, string message, HttpErrorCode? errorCode = null) =>
        new(status, [new HttpField("content-type", "text/plain; charset=utf-8")],
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message + "\n"), writable: false), failure: message, errorCode: errorCode);

    public void Dispose()
    {
        _exchange?.Dispose();
        Body.Dispose();
    }
}
