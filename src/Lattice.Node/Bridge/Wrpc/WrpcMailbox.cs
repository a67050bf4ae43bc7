// The messages of one invocation, by subject. The inbox hands every message under `{inbox}.{id}` to
// the mailbox `id`; the mailbox queues it by the rest of the subject (`` for the handshake, `results`,
// `params.0.1`, ...). A queue exists as soon as either side needs it, so a message that arrives
// before anyone reads its subject (a peer may publish an async value before we decoded the value
// that announces it) waits in its queue instead of being dropped. What waits unread is bounded: past
// the limit the whole invocation fails, so a peer cannot make us buffer without end.
namespace Lattice.Node.Bridge.Wrpc;

internal sealed class WrpcMailbox : IDisposable
{
    private readonly WrpcInbox _inbox;
    private readonly long _limit;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, WrpcFrameQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WrpcFrameQueue>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _buffered;
    private Exception? _failure;
    private bool _closed;

    public WrpcMailbox(WrpcInbox inbox, string id, long limit)
    {
        _inbox = inbox;
        _limit = limit;
        Id = id;
        Subject = inbox.Subject + "." + id;
        _lookup = _queues.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    internal string Id { get; }

    /// <summary>This invocation's inbox subject (Rc for a client, Rs for a server).</summary>
    public string Subject { get; }

    /// <summary>The queue of <c>{Subject}.{suffix}</c> (the handshake for an empty suffix). Each subject is read once.</summary>
    public WrpcFrameQueue Claim(string suffix)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_queues.TryGetValue(suffix, out var queue))
            {
                queue = new WrpcFrameQueue(this, _failure);
                _queues.Add(suffix, queue);
            }
            if (queue.Claimed) throw new InvalidOperationException($"{Subject}.{suffix} is already being read");
            queue.Claimed = true;
            return queue;
        }
    }

    internal void Deliver(ReadOnlySpan<char> suffix, WrpcFrame frame)
    {
        lock (_lock)
        {
            if (_closed || _failure is not null)
            {
                frame.Dispose();
                return;
            }
            if (!_lookup.TryGetValue(suffix, out var queue))
            {
                queue = new WrpcFrameQueue(this, null);
                _queues.Add(suffix.ToString(), queue);
            }
            if (Interlocked.Add(ref _buffered, frame.Length) > _limit)
            {
                frame.Dispose();
                FailLocked(new WrpcProtocolException(Subject, $"the peer sent more than {_limit} bytes that were not read yet"));
                return;
            }
            queue.Write(frame);
        }
    }

    internal void Consumed(int bytes)
    {
        // Not under the mailbox lock: readers call this while holding their queue's lock.
        Interlocked.Add(ref _buffered, -bytes);
    }

    /// <summary>Ends every queue with <paramref name="error"/>: readers see it instead of waiting.</summary>
    public void Fail(Exception error)
    {
        lock (_lock) FailLocked(error);
    }

    private void FailLocked(Exception error)
    {
        if (_failure is not null) return;
        _failure = error;
        foreach (var queue in _queues.Values) queue.Complete(error);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            foreach (var queue in _queues.Values) queue.Complete(null);
        }
        _inbox.Remove(this);
    }
}

/// <summary>
/// The frames of one subject of an invocation, in arrival order, for one reader at a time. A small
/// queue of its own rather than a Channel: most subjects see one or two frames, and a call should
/// not cost a channel per subject.
/// </summary>
internal sealed class WrpcFrameQueue
{
    private readonly WrpcMailbox _owner;
    private Queue<WrpcFrame>? _frames;
    private TaskCompletionSource<WrpcFrame>? _waiter;
    private bool _completed;
    private Exception? _error;

    internal WrpcFrameQueue(WrpcMailbox owner, Exception? failed)
    {
        _owner = owner;
        if (failed is not null) Complete(failed);
    }

    internal bool Claimed { get; set; }

    internal void Write(WrpcFrame frame)
    {
        TaskCompletionSource<WrpcFrame> waiter;
        lock (this)
        {
            if (_completed)
            {
                frame.Dispose();
                return;
            }
            if (_waiter is null)
            {
                (_frames ??= new Queue<WrpcFrame>(4)).Enqueue(frame);
                return;
            }
            waiter = _waiter;
            _waiter = null;
        }
        // Its continuation runs on the thread pool, never inside the inbox loop.
        waiter.SetResult(frame);
    }

    internal void Complete(Exception? error)
    {
        TaskCompletionSource<WrpcFrame>? waiter;
        lock (this)
        {
            if (_completed) return;
            _completed = true;
            _error = error;
            waiter = _waiter;
            _waiter = null;
            // Frames nobody will read go back to the pool.
            if (_frames is not null)
                while (_frames.TryDequeue(out var frame)) frame.Dispose();
        }
        waiter?.SetException(Closed());
    }

    /// <summary>The next frame; the caller disposes it. Throws the invocation's failure, or ObjectDisposed once it is closed.</summary>
    public ValueTask<WrpcFrame> ReadAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<WrpcFrame> waiter;
        lock (this)
        {
            if (_frames is not null && _frames.TryDequeue(out var frame))
            {
                _owner.Consumed(frame.Length);
                return new ValueTask<WrpcFrame>(frame);
            }
            if (_completed) return ValueTask.FromException<WrpcFrame>(Closed());
            if (_waiter is not null) throw new InvalidOperationException($"{_owner.Subject}: one reader at a time");
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<WrpcFrame>(cancellationToken);
            waiter = _waiter = new TaskCompletionSource<WrpcFrame>(this, TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return WaitAsync(waiter, cancellationToken);
    }

    private async ValueTask<WrpcFrame> WaitAsync(TaskCompletionSource<WrpcFrame> waiter, CancellationToken cancellationToken)
    {
        WrpcFrame frame;
        using (cancellationToken.UnsafeRegister(static (state, token) =>
               {
                   var waiter = (TaskCompletionSource<WrpcFrame>)state!;
                   ((WrpcFrameQueue)waiter.Task.AsyncState!).Cancel(waiter, token);
               }, waiter))
        {
            frame = await waiter.Task.ConfigureAwait(false);
        }
        _owner.Consumed(frame.Length);
        return frame;
    }

    private void Cancel(TaskCompletionSource<WrpcFrame> waiter, CancellationToken token)
    {
        lock (this)
        {
            // A frame may have been handed over just before: then the read completes with it.
            if (!ReferenceEquals(_waiter, waiter)) return;
            _waiter = null;
        }
        waiter.SetCanceled(token);
    }

    private Exception Closed() => _error ?? new ObjectDisposedException(_owner.Subject, "the invocation is closed");
}
