// The serving side of wRPC 0.0.1 over NATS (protocol spec §1.2, §1.6). Each export is one
// subscription on `{prefix}.wrpc.0.0.1.{instance}.{function}` (a queue subscription when a group is
// given; wasmCloud uses the prefix as the group), so a function we do not serve gets NATS's 503 no
// responders, which wasmCloud reads as "not found". For each message:
//   1. open a mailbox Rs on our inbox, then answer the handshake: an empty message to the caller's
//      reply subject Rc, with reply Rs;
//   2. decode the params from the first payload and then `Rs.params` until they are complete;
//   3. run the handler; write the results on `Rc.results` in max_payload messages, an empty message,
//      then the data of pending results on `Rc.results.<path>`.
// Anything wrong with an invocation (bytes that do not decode, a client that goes quiet, a handler
// that throws, results that do not fit the types) ends `Rc.results` with an empty message carrying
// our one-line `wrpc-error` header. A message without a usable reply subject cannot be answered and
// is only logged. No input reaches further than its own invocation.
using System.Collections.Concurrent;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

public sealed class WrpcServer : IAsyncDisposable
{
    private readonly WrpcServerOptions _options;
    private readonly WrpcPublisher _publisher;
    private readonly WrpcAsyncSender _sender;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly ConcurrentDictionary<WrpcServing, byte> _servings = new();
    private WrpcInbox? _inbox;
    private long _nextCall;

    public WrpcServer(INatsConnection nats, WrpcServerOptions? options = null)
    {
        _options = options ?? new WrpcServerOptions();
        _publisher = new WrpcPublisher(nats ?? throw new ArgumentNullException(nameof(nats)));
        _log = _options.Logger;
        _sender = new WrpcAsyncSender(_publisher, _options.Codec, _log);
    }

    /// <summary>Invocations being handled right now.</summary>
    public int ActiveInvocations => _running.Count;

    internal int OpenMailboxes => _inbox?.OpenMailboxes ?? 0;

    /// <summary>
    /// Serves <paramref name="exports"/> under <paramref name="prefix"/> (wasmCloud: <c>{lattice}.{component id}</c>,
    /// with the same string as <paramref name="queueGroup"/>). Returns once NATS has the subscriptions;
    /// dispose the result to stop serving them.
    /// </summary>
    public async Task<WrpcServing> ServeAsync(string prefix, IEnumerable<WrpcExport> exports, string? queueGroup = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!WrpcSubjects.IsTokens(prefix, allowEmpty: true)) throw new ArgumentException($"'{prefix}' is not a valid subject prefix", nameof(prefix));
        if (queueGroup is not null && !WrpcSubjects.IsTokens(queueGroup, allowEmpty: false)) throw new ArgumentException($"'{queueGroup}' is not a valid queue group", nameof(queueGroup));
        var list = exports.ToList();
        var duplicate = list.GroupBy(e => e.Function.SubjectFor(prefix)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"{duplicate.Key} is exported twice", nameof(exports));

        var inbox = _inbox ?? await StartAsync(cancellationToken).ConfigureAwait(false);
        var serving = new WrpcServing(_servings);
        _servings[serving] = 0;
        try
        {
            foreach (var export in list)
            {
                var subject = export.Function.SubjectFor(prefix);
                var subscription = await _publisher.Nats.SubscribeCoreAsync(subject, queueGroup, NatsRawSerializer<NatsMemoryOwner<byte>>.Default,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                serving.Add(subscription, Task.Run(() => ListenAsync(inbox, subscription, export)));
            }
            // A round trip: the NATS server has processed the subscriptions before anyone is told we serve.
            await _publisher.Nats.PingAsync(cancellationToken).ConfigureAwait(false);
            return serving;
        }
        catch
        {
            await serving.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ListenAsync(WrpcInbox inbox, INatsSub<NatsMemoryOwner<byte>> subscription, WrpcExport export)
    {
        try
        {
            await foreach (var msg in subscription.Msgs.ReadAllAsync().ConfigureAwait(false))
            {
                if (_stopping.IsCancellationRequested)
                {
                    msg.Data.Dispose();
                    continue;
                }
                var id = Interlocked.Increment(ref _nextCall);
                var task = Task.Run(() => InvokeAsync(inbox, export, msg));
                _running[id] = task;
                _ = task.ContinueWith((_, state) => _running.Remove((long)state!, out Task? _), id,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException) { }
    }

    private async Task InvokeAsync(WrpcInbox inbox, WrpcExport export, NatsMsg<NatsMemoryOwner<byte>> msg)
    {
        var subject = msg.Subject;
        var function = export.Function;
        var client = msg.ReplyTo;
        if (!WrpcSubjects.IsLiteral(client))
        {
            msg.Data.Dispose();
            _log.LogWarning("wRPC: dropped a call on {Subject} without a usable reply subject ('{ReplyTo}')", subject, client);
            return;
        }
        var results = WrpcSubjects.Results(client!);
        var stopping = _stopping.Token;
        using var mailbox = inbox.Open();
        string? failure;
        try
        {
            var paramsQueue = mailbox.Claim("params");
            await _publisher.Nats.PublishAsync(client!, headers: null, replyTo: mailbox.Subject, cancellationToken: stopping).ConfigureAwait(false);

            var reader = new WrpcValueReader(_options.Codec);
            using (msg.Data)
                if (msg.Data.Length > 0) reader.Append(msg.Data.Span);
            var (parameters, pending) = await ReadParamsAsync(reader, paramsQueue, function, stopping).ConfigureAwait(false);
            var receiver = new WrpcAsyncReceiver(mailbox, "params", subject, _options.Codec, _options.IdleTimeout);
            receiver.Add(pending);
            failure = await RunAsync(export, new WrpcIncomingCall(function, subject, parameters, msg.Headers, receiver), results, stopping).ConfigureAwait(false);
        }
        catch (Refusal r) { failure = r.Message; }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { failure = "the server is stopping"; }
        catch (Exception e)
        {
            // A transport failure (NATS gone, mailbox overflow): nothing of it is the caller's fault, but it ends the call.
            failure = $"the call could not be completed: {e.Message}";
            _log.LogWarning(e, "wRPC: {Subject} failed", subject);
        }
        if (failure is null) return;
        _log.LogInformation("wRPC: {Subject} from {ReplyTo} failed: {Reason}", subject, client, failure);
        try { await _publisher.EndAsync(results, failure, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) { _log.LogDebug(e, "wRPC: could not report the failure of {Subject}", subject); }
    }

    private async Task<(WitValue[] Values, IReadOnlyList<WrpcPendingValue> Pending)> ReadParamsAsync(WrpcValueReader reader, WrpcFrameQueue queue,
        WrpcFunction function, CancellationToken stopping)
    {
        // Made only when a message must be waited for: most params fit the first message.
        CancellationTokenSource? idle = null;
        try
        {
            while (true)
            {
                try
                {
                    if (reader.TryReadValues(function.Params, out var values, out var pending, "params")) return (values!, pending);
                }
                catch (WrpcDecodeException e) { throw new Refusal($"bad params for {function}: {e.Message}"); }
                idle ??= CancellationTokenSource.CreateLinkedTokenSource(stopping);
                idle.CancelAfter(_options.IdleTimeout);
                WrpcFrame frame;
                try { frame = await queue.ReadAsync(idle.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    throw new Refusal($"the params for {function} stopped arriving (nothing for {_options.IdleTimeout.TotalSeconds:0.###} s)");
                }
                using (frame.Payload)
                {
                    if (frame.IsEnd) reader.End();
                    else reader.Append(frame.Span);
                }
            }
        }
        finally { idle?.Dispose(); }
    }

    // Runs the handler and sends its results; returns the failure to report, or null once all is sent.
    private async Task<string?> RunAsync(WrpcExport export, WrpcIncomingCall call, string results, CancellationToken stopping)
    {
        var function = export.Function;
        IReadOnlyList<WitValue> values;
        try { values = await export.Handler(call, stopping).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { throw; }
        catch (WrpcHandlerFailure e) { return $"{function} failed: {e.Message}"; } // logged once by the caller of RunAsync
        catch (Exception e)
        {
            _log.LogWarning(e, "wRPC: the handler of {Function} failed", function);
            return $"{function} failed: {e.Message}";
        }

        using var buffer = new PooledBuffer();
        IReadOnlyList<WrpcPendingValue> pending;
        try
        {
            pending = WrpcEncoder.EncodeValues(buffer, function.Results, values ?? [], _options.Codec, "results");
            WrpcAsyncSender.CheckSources(pending, "results");
        }
        catch (WrpcEncodeException e) { return $"{function} returned results that do not fit its types: {e.Message}"; }

        await _publisher.WriteAsync(results, buffer.WrittenMemory, stopping).ConfigureAwait(false);
        await _publisher.EndAsync(results, null, stopping).ConfigureAwait(false);
        try { await _sender.SendAllAsync(results, pending, stopping).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // The results are out; the failed value's subject was closed with the reason by the sender.
            _log.LogWarning(e, "wRPC: sending the async results of {Function} failed", function);
        }
        return null;
    }

    private async Task<WrpcInbox> StartAsync(CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            return _inbox ??= await WrpcInbox.StartAsync(_publisher.Nats, _options.MaxBufferedBytes, _log, cancellationToken).ConfigureAwait(false);
        }
        finally { _starting.Release(); }
    }

    /// <summary>Stops serving, cancels the invocations in flight (their callers get an error) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        foreach (var serving in _servings.Keys) await serving.DisposeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(_running.Values).ConfigureAwait(false); }
        catch (Exception e) { _log.LogDebug(e, "wRPC: an invocation ended with an error while stopping"); }
        await _starting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_inbox is not null) await _inbox.DisposeAsync().ConfigureAwait(false);
        }
        finally { _starting.Release(); }
    }

    /// <summary>An invocation that cannot go on, with the one line its caller gets.</summary>
    private sealed class Refusal(string message) : Exception(message);
}

/// <summary>The subscriptions of one <see cref="WrpcServer.ServeAsync"/>; dispose to stop serving them (calls in flight finish).</summary>
public sealed class WrpcServing : IAsyncDisposable
{
    private readonly ConcurrentDictionary<WrpcServing, byte> _owner;
    private readonly List<(INatsSub<NatsMemoryOwner<byte>> Subscription, Task Listener)> _subscriptions = [];
    private int _disposed;

    internal WrpcServing(ConcurrentDictionary<WrpcServing, byte> owner) => _owner = owner;

    /// <summary>The invocation subjects served.</summary>
    public IReadOnlyList<string> Subjects => _subscriptions.Select(s => s.Subscription.Subject).ToList();

    internal void Add(INatsSub<NatsMemoryOwner<byte>> subscription, Task listener) => _subscriptions.Add((subscription, listener));

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _owner.TryRemove(this, out _);
        foreach (var (subscription, _) in _subscriptions)
        {
            try { await subscription.UnsubscribeAsync().ConfigureAwait(false); }
            catch (Exception e) when (e is ObjectDisposedException or NatsException) { }
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        await Task.WhenAll(_subscriptions.Select(s => s.Listener)).ConfigureAwait(false);
    }
}
