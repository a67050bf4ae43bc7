// The two ways a WASI stream operation can fail, as one exception type stream implementations throw.
//
// `stream-error` is either `closed` (the normal end: EOF, or the reader went away) or
// `last-operation-failed(error)`; streams signal both by throwing, and WasiStreams turns the
// exception into the variant. Throwing keeps the stream interface small (return the bytes, or
// throw), and an end of stream happens once per stream, so the cost does not matter.
namespace Lattice.Wasi;

public sealed class StreamException : Exception
{
    private StreamException(string message, IoError? error) : base(message) => Error = error;

    /// <summary>The failure to report as <c>last-operation-failed</c>; null means the stream is closed.</summary>
    public IoError? Error { get; }

    public bool IsClosed => Error is null;

    public static StreamException Closed() => new("stream closed", null);

    public static StreamException Failed(IoError error) => new(error.Message, error);

    public static StreamException Failed(string message, object? detail = null) => Failed(new IoError(message, detail));
}
