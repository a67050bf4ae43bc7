// Write sessions of components that write to a wasmCloud blobstore provider. Our binding writes an
// object as a session (write-begin, write-chunk at increasing offsets, write-commit or write-abort);
// the wire has one call that takes the whole object as a stream (write-container-data). The bridge
// keeps each session's bytes until commit and then streams them in one call:
//   - nothing reaches the provider before commit, so an aborted or abandoned write leaves no
//     partial object behind (a wasmCloud host streams as the guest writes; when the guest drops the
//     value the stream just ends and the provider stores what it got);
//   - the bytes stay in memory up to SpillBytes, past that in a temporary file that deletes itself
//     when closed, so a large object does not sit in the bridge's memory;
//   - at most MaxOpen sessions at once (the oldest is dropped to make room) and a session unused for
//     IdleLimit is dropped, so a guest that never finishes cannot pile up buffers.
// Sessions belong to one WrpcClient (one bridge run): they end with it.
using System.Runtime.CompilerServices;
using Lattice.Providers.Blobstore;

namespace Lattice.Node.Bridge.Providers;

internal sealed class BlobUploads
{
    public const int MaxOpen = 64;
    public const int SpillBytes = 4 * 1024 * 1024;
    public static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(10);

    private static readonly ConditionalWeakTable<object, BlobUploads> PerClient = new();

    private readonly Dictionary<string, BlobUpload> _open = [];

    /// <summary>The sessions of <paramref name="owner"/> (the bridge's wRPC client).</summary>
    public static BlobUploads For(object owner) => PerClient.GetValue(owner, _ => new BlobUploads());

    public int Count
    {
        get { lock (_open) return _open.Count; }
    }

    public string Begin(string sourceId, string target, string container, string obj)
    {
        var id = Guid.NewGuid().ToString("N");
        var dropped = new List<BlobUpload>();
        lock (_open)
        {
            var now = DateTime.UtcNow;
            foreach (var idle in _open.Where(kv => now - kv.Value.LastUsed > IdleLimit).Select(kv => kv.Key).ToList())
            {
                dropped.Add(_open[idle]);
                _open.Remove(idle);
            }
            if (_open.Count >= MaxOpen)
            {
                var oldest = _open.MinBy(kv => kv.Value.LastUsed).Key;
                dropped.Add(_open[oldest]);
                _open.Remove(oldest);
            }
            _open[id] = new BlobUpload(sourceId, target, container, obj);
        }
        foreach (var upload in dropped) upload.Dispose();
        return id;
    }

    /// <summary>The open session <paramref name="id"/> of <paramref name="sourceId"/>; throws <see cref="BlobRequestException"/> if there is none.</summary>
    public BlobUpload Get(string id, string sourceId)
    {
        lock (_open)
        {
            return _open.TryGetValue(id, out var upload) && upload.SourceId == sourceId ? upload : throw NoSuchUpload();
        }
    }

    /// <summary>Ends session <paramref name="id"/> for its commit: the caller owns (and disposes) what it returns.</summary>
    public BlobUpload Take(string id, string sourceId)
    {
        lock (_open)
        {
            if (!_open.TryGetValue(id, out var upload) || upload.SourceId != sourceId) throw NoSuchUpload();
            _open.Remove(id);
            return upload;
        }
    }

    public void Abort(string id, string sourceId)
    {
        BlobUpload? upload;
        lock (_open)
        {
            if (!_open.TryGetValue(id, out upload) || upload.SourceId != sourceId) return;
            _open.Remove(id);
        }
        upload.Dispose();
    }

    private static BlobRequestException NoSuchUpload() =>
        new("no such upload (it was finished, aborted, idle too long, or the NATS bridge restarted)");
}

/// <summary>One object on its way to the provider: its bytes so far, in memory or (past SpillBytes) in a temporary file.</summary>
internal sealed class BlobUpload(string sourceId, string target, string container, string obj) : IDisposable
{
    private Stream _data = new MemoryStream();

    public string SourceId { get; } = sourceId;
    public string Target { get; } = target;
    public string Container { get; } = container;
    public string Object { get; } = obj;
    public ulong Length { get; private set; }
    public DateTime LastUsed { get; private set; } = DateTime.UtcNow;

    public void Append(ulong offset, ReadOnlySpan<byte> chunk)
    {
        lock (this)
        {
            if (offset != Length)
                throw new BlobRequestException($"chunk at offset {offset}, but the upload of {WrpcBlobstore.Show(Object)} has {Length} bytes so far");
            if (_data is MemoryStream memory && memory.Length + chunk.Length > BlobUploads.SpillBytes) _data = Spill(memory);
            _data.Write(chunk);
            Length += (ulong)chunk.Length;
            LastUsed = DateTime.UtcNow;
        }
    }

    /// <summary>The bytes from the start, in chunks of at most <see cref="BlobProtocol.ChunkSize"/> (wasmCloud's host sends 64 KiB too).</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _data.Position = 0;
        while (true)
        {
            var chunk = new byte[BlobProtocol.ChunkSize];
            var n = await _data.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0) yield break;
            yield return chunk.AsMemory(0, n);
        }
    }

    public void Dispose() => _data.Dispose();

    private static FileStream Spill(MemoryStream memory)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lattice-blob-upload-{Guid.NewGuid():N}");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        memory.Position = 0;
        memory.CopyTo(file);
        return file;
    }
}

/// <summary>A blobstore request the bridge refuses itself (a bad session, a malformed request); its message is the error text.</summary>
internal sealed class BlobRequestException(string message) : Exception(message);
