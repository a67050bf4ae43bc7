namespace Lattice.Wit.Wrpc;

/// <summary>
/// Bytes that are not a valid encoding of the expected type. The message is one line: where in the
/// value (<c>results[0].ok.items[3].name</c>), what is wrong, and the byte offset in the stream.
/// </summary>
public sealed class WrpcDecodeException(string path, string problem, long offset)
    : Exception($"{path}: {problem} (at byte {offset})")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
    public long Offset { get; } = offset;
}

/// <summary>A value that does not fit the type it is encoded as (or cannot be sent at all), with the path to the bad part.</summary>
public sealed class WrpcEncodeException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
