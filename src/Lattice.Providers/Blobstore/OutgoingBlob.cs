// The object behind an `outgoing-value` handle, in the calling instance's store: the body a guest
// writes through the value's output-stream, on its way to the provider in chunks.
//
// Guests do it in either order: wasmCloud's examples call write-data first and then write the body,
// others write first. Before write-data the bytes wait here (at most MaxPending, so a guest cannot
// buffer an unbounded object in the host); once write-data has opened an upload session they leave
// in chunks of BlobProtocol.ChunkSize as they are written; `finish` sends the rest and commits.
// A value dropped without finish aborts its upload.
using Lattice.Actors.Providers;
using Lattice.Capabilities;
using Lattice.Wasi;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Providers.Blobstore;

internal sealed class OutgoingBlob
{
    /// <summary>The most bytes a guest may write before it calls write-data.</summary>
    public const int MaxPending = 8 * 1024 * 1024;

    private readonly MemoryStream _pending = new();
    private StreamChannel? _channel;
    private string? _session;
    private ulong _sent;
    private string? _failure;
    private bool _finished;

    /// <summary>True once outgoing-value-write-body handed out the stream (it may be taken only once).</summary>
    public bool BodyTaken { get; set; }

    /// <summary>True once write-data named the object this value goes to.</summary>
    public bool Started => _session is not null;

    /// <summary>How many bytes the stream accepts now (its check-write).</summary>
    public long Permit()
    {
        ThrowIfUnusable();
        if (_session is not null) return ChunkSize;
        var room = MaxPending - _pending.Length;
        if (room <= 0) throw StreamException.Failed($"the blobstore buffers at most {MaxPending} bytes before write-data names the object; call write-data first");
        return Math.Min(room, ChunkSize);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        ThrowIfUnusable();
        if (_session is null && _pending.Length + bytes.Length > MaxPending)
            throw StreamException.Failed($"the blobstore buffers at most {MaxPending} bytes before write-data names the object; call write-data first");
        _pending.Write(bytes);
        if (_session is not null) SendFullChunks();
    }

    /// <summary>write-data opened <paramref name="session"/>: what was written so far leaves now.</summary>
    public void Start(StreamChannel channel, string session)
    {
        _channel = channel;
        _session = session;
        SendFullChunks();
    }

    /// <summary>Sends the rest and commits; the error text, or null when the object is stored (or was never started).</summary>
    public string? Finish()
    {
        if (_finished) return "this outgoing-value was already finished";
        if (_failure is { } failure)
        {
            Abort(); // the upload cannot complete: let the provider drop it now rather than when it idles out
            return failure;
        }
        _finished = true;
        if (_session is null) return null; // nothing named the object: the value is discarded, as wasmCloud does
        try
        {
            if (_pending.Length > 0) SendChunk(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
            _pending.SetLength(0);
        }
        catch (StreamException e) { return e.Message; }
        return _channel!.Send(new ProviderRequest(WriteCommit, [_session], Number: _sent)).Error;
    }

    /// <summary>The guest dropped the value without finishing it: tell the provider to drop the upload (best effort).</summary>
    public void Abort()
    {
        if (_session is null || _finished) return;
        _finished = true;
        try { _channel!.Send(new ProviderRequest(WriteAbort, [_session])); }
        catch (Exception) { /* the provider forgets idle uploads by itself */ }
    }

    private void ThrowIfUnusable()
    {
        if (_failure is { } failure) throw StreamException.Failed(failure);
        if (_finished) throw StreamException.Closed();
    }

    private void SendFullChunks()
    {
        var buffer = _pending.GetBuffer();
        var length = (int)_pending.Length;
        var at = 0;
        while (length - at >= ChunkSize)
        {
            SendChunk(buffer.AsSpan(at, ChunkSize));
            at += ChunkSize;
        }
        if (at == 0) return;
        Buffer.BlockCopy(buffer, at, buffer, 0, length - at);
        _pending.SetLength(length - at);
    }

    private void SendChunk(ReadOnlySpan<byte> chunk)
    {
        var result = _channel!.Send(new ProviderRequest(WriteChunk, [_session!], chunk.ToArray(), _sent));
        if (result.Error is { } error)
        {
            _failure = error;
            throw StreamException.Failed(error);
        }
        _sent += (ulong)chunk.Length;
    }
}

/// <summary>The output-stream of an outgoing-value.</summary>
internal sealed class BlobOutputStream(OutgoingBlob blob) : OutputStream
{
    public override long CheckWrite() => blob.Permit();

    public override void Write(ReadOnlySpan<byte> bytes) => blob.Write(bytes);
}
