// The object behind an `incoming-value` handle: a byte range of one object, fetched from the
// provider one chunk at a time as the guest reads it (consume-async), or gathered at once when the
// guest asks for the whole value as a list (consume-sync, bounded by the instance's memory limit).
// get-data already fetched the first chunk, which is how a missing object is an error of get-data.
using System.Globalization;
using Lattice.Actors.Providers;
using Lattice.Capabilities;
using Lattice.Wasi;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Providers.Blobstore;

internal sealed class IncomingBlob
{
    private readonly BlobContainer _container;
    private readonly string _object;
    private readonly string _stamp;
    private readonly ulong _end;
    private ulong _next;
    private ReadOnlyMemory<byte> _buffered;

    private IncomingBlob(BlobContainer container, string obj, string stamp, ulong start, ulong end, ReadOnlyMemory<byte> first)
    {
        _container = container;
        _object = obj;
        _stamp = stamp;
        _end = end;
        _buffered = first;
        _next = start + (ulong)first.Length;
        Size = end - start;
    }

    /// <summary>The container the value was read from (its channel fetches the rest).</summary>
    public BlobContainer Container => _container;

    /// <summary>The number of bytes of the value (the range, cut at the object's end).</summary>
    public ulong Size { get; }

    /// <summary>get-data: the range [start, end] (inclusive, as the interface says) of an object; null and an error text if it cannot be read.</summary>
    public static IncomingBlob? Open(StreamChannel channel, BlobContainer container, string obj, ulong start, ulong end, out string? error)
    {
        error = null;
        if (start > end)
        {
            error = $"invalid range: start {start} is after end {end}";
            return null;
        }
        var first = (int)Math.Min((ulong)ChunkSize, end - start == ulong.MaxValue ? ulong.MaxValue : end - start + 1);
        var result = channel.Send(new ProviderRequest(Read, [container.Name, obj, first.ToString(CultureInfo.InvariantCulture), ""], Number: start));
        if (result.Error is { } e)
        {
            error = e;
            return null;
        }
        var size = result.Number;
        var stop = Math.Min(end == ulong.MaxValue ? ulong.MaxValue : end + 1, size);
        if (start >= stop) return new IncomingBlob(container, obj, "", start, start, ReadOnlyMemory<byte>.Empty);
        var data = (result.Payload ?? []).AsMemory();
        if ((ulong)data.Length > stop - start) data = data[..(int)(stop - start)];
        return new IncomingBlob(container, obj, result.Items?.FirstOrDefault() ?? "", start, stop, data);
    }

    /// <summary>Up to <paramref name="max"/> next bytes; empty at the end. Throws <see cref="StreamException"/> when the provider fails.</summary>
    public ReadOnlyMemory<byte> Next(StreamChannel channel, int max)
    {
        if (!_buffered.IsEmpty)
        {
            var n = Math.Min(max, _buffered.Length);
            var chunk = _buffered[..n];
            _buffered = _buffered[n..];
            return chunk;
        }
        if (_next >= _end || max <= 0) return ReadOnlyMemory<byte>.Empty;
        var want = (int)Math.Min((ulong)Math.Min(max, ChunkSize), _end - _next);
        var result = channel.Send(new ProviderRequest(Read, [_container.Name, _object, want.ToString(CultureInfo.InvariantCulture), _stamp], Number: _next));
        if (result.Error is { } error) throw StreamException.Failed(error);
        var data = result.Payload ?? [];
        if (data.Length == 0) throw StreamException.Failed($"object {BlobPaths.Show(_object)} ended before byte {_end}");
        if (data.Length > want) data = data[..want];
        _next += (ulong)data.Length;
        return data;
    }

    public bool AtEnd => _buffered.IsEmpty && _next >= _end;
}

/// <summary>The input-stream of a consumed incoming-value.</summary>
internal sealed class BlobInputStream(IncomingBlob blob, StreamChannel channel) : InputStream
{
    public override ReadOnlyMemory<byte> Read(int maxBytes)
    {
        if (blob.AtEnd) throw StreamException.Closed();
        return blob.Next(channel, maxBytes);
    }
}
