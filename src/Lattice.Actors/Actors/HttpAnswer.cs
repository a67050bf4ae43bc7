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

    internal HttpAnswer(int status, IReadOnlyList<HttpField> headers, Stream body, IDisposable? exchange = null, string? failure = null)
    {
        Status = status;
        Headers = headers;
        Body = body;
        _exchange = exchange;
        Failure = failure;
    }

    public int Status { get; }

    public IReadOnlyList<HttpField> Headers { get; }

    public Stream Body { get; }

    /// <summary>Why the component gave no response of its own (the body then says it in one line), or null.</summary>
    public string? Failure { get; }

    internal static HttpAnswer Failed(int status, string message) =>
        new(status, [new HttpField("content-type", "text/plain; charset=utf-8")],
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(message + "\n"), writable: false), failure: message);

    public void Dispose()
    {
        _exchange?.Dispose();
        Body.Dispose();
    }
}
