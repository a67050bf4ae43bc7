// One HTTP body in flight: a bounded queue of byte chunks between exactly one writer and one reader,
// which may be on different threads.
//
// Every body wasi:http moves goes through one of these, in either direction: a server's request
// body (pumped from a .NET stream, read by the guest's input-stream), the guest's response body
// (written by its output-stream, read by the server), and both bodies of an outgoing request. The
// guest side never blocks here: it asks (TryRead / Space) and, when it must wait, gets a pollable
// that wasi:io/poll waits on with everything else. The .NET side awaits. The bound is what gives
// backpressure: a writer may not add while the queue holds Capacity bytes, so a body of any size
// flows through a fixed amount of memory.
//
// The writer ends the body once, with Complete (optionally with trailers) or Fail (with a message
// and, when it has one, a wasi:http error code). The reader may leave early (CloseReader): the
// buffered bytes are dropped and the writer learns it from Space.
namespace Lattice.Wasi.Http;

internal enum PipeRead { Data, Pending, End, Failed }

/// <summary>Why a body ended early.</summary>
internal sealed record BodyFailure(string Message, HttpErrorCode? Code);

internal sealed class BodyPipe
{
    /// <summary>At most this many bytes wait in a body between writer and reader (plus one chunk in flight).</summary>
    public const long DefaultCapacity = 1024 * 1024;

    private readonly object _gate = new();
    private readonly Queue<ReadOnlyMemory<byte>> _chunks = new();
    private readonly long _capacity;
    private int _headOffset; // bytes of the first chunk already read
    private long _buffered;
    private bool _ended;
    private bool _readerClosed;
    private BodyFailure? _failure;
    private IReadOnlyList<HttpField>? _trailers;
    private TaskCompletionSource _changed = NewSignal();

    public BodyPipe(long capacity = DefaultCapacity) => _capacity = capacity;

    /// <summary>The most bytes this body ever held at once: how tests show that a body is never held whole.</summary>
    public long PeakBuffered { get; private set; }

    /// <summary>True once the writer completed or failed the body.</summary>
    public bool IsEnded { get { lock (_gate) return _ended; } }

    // --- writer side ---------------------------------------------------------------------

    /// <summary>How many bytes the writer may add now (0: wait for <see cref="WaitWritableAsync"/>); -1 when the reader is gone.</summary>
    public long Space
    {
        get
        {
            lock (_gate) return _readerClosed ? -1 : Math.Max(0, _capacity - _buffered);
        }
    }

    /// <summary>Ready for the writer: there is room, or writing no longer matters (reader gone, body ended).</summary>
    public bool IsWritable { get { lock (_gate) return Writable; } }

    private bool Writable => _readerClosed || _ended || _buffered < _capacity;

    /// <summary>Copies <paramref name="bytes"/> in (the caller's buffer may be reused at once).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty) Add(bytes.ToArray());
    }

    /// <summary>Adds a chunk the caller hands over (it must not change it afterwards).</summary>
    public void Add(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.IsEmpty) return;
        lock (_gate)
        {
            if (_readerClosed || _ended) return;
            _chunks.Enqueue(chunk);
            _buffered += chunk.Length;
            if (_buffered > PeakBuffered) PeakBuffered = _buffered;
            Signal();
        }
    }

    /// <summary>Waits for room; false when the reader is gone or the body already ended (stop writing).</summary>
    public async Task<bool> WaitWritableAsync(CancellationToken cancel)
    {
        await WaitAsync(() => Writable, cancel).ConfigureAwait(false);
        lock (_gate) return !_readerClosed && !_ended;
    }

    public void Complete(IReadOnlyList<HttpField>? trailers = null)
    {
        lock (_gate)
        {
            if (_ended) return;
            _ended = true;
            _trailers = trailers;
            Signal();
        }
    }

    public void Fail(string message, HttpErrorCode? code = null)
    {
        lock (_gate)
        {
            if (_ended) return;
            _ended = true;
            _failure = new BodyFailure(message, code);
            Signal();
        }
    }

    // --- reader side ---------------------------------------------------------------------

    /// <summary>Ready for the reader: data is waiting, or the body ended.</summary>
    public bool IsReadable { get { lock (_gate) return Readable; } }

    private bool Readable => _chunks.Count > 0 || _ended || _readerClosed;

    public BodyFailure? Failure { get { lock (_gate) return _failure; } }

    /// <summary>True when the writer ended the body well without ever writing a byte.</summary>
    public bool EndedEmpty { get { lock (_gate) return _ended && _failure is null && PeakBuffered == 0; } }

    /// <summary>The trailers the writer completed the body with (null when none, or not ended yet).</summary>
    public IReadOnlyList<HttpField>? Trailers { get { lock (_gate) return _trailers; } }

    /// <summary>Takes up to <paramref name="max"/> bytes without waiting. Data comes before the end: a failure is reported once the bytes before it were read.</summary>
    public PipeRead TryRead(int max, out ReadOnlyMemory<byte> data)
    {
        lock (_gate)
        {
            if (_chunks.Count > 0 && max > 0)
            {
                var head = _chunks.Peek();
                var n = Math.Min(max, head.Length - _headOffset);
                data = head.Slice(_headOffset, n);
                _headOffset += n;
                if (_headOffset == head.Length)
                {
                    _chunks.Dequeue();
                    _headOffset = 0;
                }
                _buffered -= data.Length;
                Signal();
                return PipeRead.Data;
            }
            data = ReadOnlyMemory<byte>.Empty;
            if (_readerClosed) return PipeRead.End;
            if (!_ended) return PipeRead.Pending;
            return _failure is null ? PipeRead.End : PipeRead.Failed;
        }
    }

    /// <summary>Waits until <see cref="IsReadable"/>. Cancellation ends the wait quietly (pollables never fault).</summary>
    public Task WaitReadableAsync(CancellationToken cancel) => WaitAsync(() => Readable, cancel);

    /// <summary>Reads into <paramref name="buffer"/>: 0 at the end of the body; a failed body throws <see cref="HttpBodyException"/>.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            switch (TryRead(buffer.Length, out var data))
            {
                case PipeRead.Data:
                    data.CopyTo(buffer);
                    return data.Length;
                case PipeRead.End:
                    return 0;
                case PipeRead.Failed:
                    throw new HttpBodyException(Failure!.Message, Failure.Code);
            }
            await WaitAsync(() => Readable, cancel).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reads and discards the rest of the body; returns the trailers, or the failure that ended it.</summary>
    public async Task<(IReadOnlyList<HttpField>? Trailers, BodyFailure? Failure)> DrainAsync(CancellationToken cancel)
    {
        while (true)
        {
            switch (TryRead(int.MaxValue, out _))
            {
                case PipeRead.End: return (Trailers, _readerClosed ? new BodyFailure("the body was closed", null) : null);
                case PipeRead.Failed: return (null, Failure);
                case PipeRead.Pending: await WaitAsync(() => Readable, cancel).ConfigureAwait(false); break;
            }
            if (cancel.IsCancellationRequested) return (null, new BodyFailure("the body was abandoned", null));
        }
    }

    /// <summary>The reader leaves: buffered bytes are dropped, and the writer sees <see cref="Space"/> = -1.</summary>
    public void CloseReader()
    {
        lock (_gate)
        {
            if (_readerClosed) return;
            _readerClosed = true;
            _chunks.Clear();
            _headOffset = 0;
            _buffered = 0;
            Signal();
        }
    }

    public bool IsReaderClosed { get { lock (_gate) return _readerClosed; } }

    // --- signalling ------------------------------------------------------------------------

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter (they re-check their condition). Called under the lock.</summary>
    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private async Task WaitAsync(Func<bool> condition, CancellationToken cancel)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition()) return;
                changed = _changed.Task;
            }
            try { await changed.WaitAsync(cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

/// <summary>Ready when a body can be read (or ended), or written (or nobody reads it any more).</summary>
internal sealed class BodyPollable(BodyPipe pipe, bool forWriting) : Pollable
{
    public override bool IsReady => forWriting ? pipe.IsWritable : pipe.IsReadable;

    public override Task WhenReady(CancellationToken cancel) =>
        forWriting ? pipe.WaitWritableAsync(cancel) : pipe.WaitReadableAsync(cancel);
}
