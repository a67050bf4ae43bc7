// The calling side of wRPC 0.0.1 over NATS (protocol spec §1.2):
//   1. encode the params into one buffer; publish the first max_payload − |Rc| − |headers| bytes on
//      `{prefix}.wrpc.0.0.1.{instance}.{function}` with reply Rc (and the headers);
//   2. wait for the handshake on Rc; its reply subject is the server's inbox Rs (a 503 status there
//      means nothing serves the function);
//   3. publish the rest of the params on `Rs.params` in max_payload messages, then an empty message;
//      send pending futures/streams of the params on `Rs.params.<path>`;
//   4. read `Rc.results` until the results decode; their pending values arrive on `Rc.results.<path>`.
// All invocations of one client share one inbox subscription; see WrpcInbox and WrpcMailbox.
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;

namespace Lattice.Node.Bridge.Wrpc;

public sealed class WrpcClient : IAsyncDisposable
{
    private readonly WrpcClientOptions _options;
    private readonly WrpcPublisher _publisher;
    private readonly WrpcAsyncSender _sender;
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private WrpcInbox? _inbox;

    public WrpcClient(INatsConnection nats, WrpcClientOptions? options = null)
    {
        _options = options ?? new WrpcClientOptions();
        _publisher = new WrpcPublisher(nats ?? throw new ArgumentNullException(nameof(nats)));
        _sender = new WrpcAsyncSender(_publisher, _options.Codec, _options.Logger);
    }

    public WrpcClientOptions Options => _options;

    /// <summary>
    /// Calls <paramref name="function"/> served under <paramref name="prefix"/> (wasmCloud: <c>{lattice}.{target id}</c>)
    /// and returns its results. Pending futures/streams in the params must come from <see cref="WrpcOutgoing"/>;
    /// results with pending values need <see cref="CallAsync"/> instead, which lets them be read.
    /// </summary>
    /// <exception cref="WrpcNotFoundException">Nothing serves the function.</exception>
    /// <exception cref="WrpcTimeoutException">No handshake or no results within <see cref="WrpcClientOptions.Timeout"/>.</exception>
    /// <exception cref="WrpcRemoteException">The server failed or stopped the results early.</exception>
    /// <exception cref="WrpcProtocolException">The server's answer does not follow the protocol.</exception>
    /// <exception cref="WrpcEncodeException">The params do not fit the function's types.</exception>
    public async Task<WitValue[]> InvokeAsync(string prefix, WrpcFunction function, IReadOnlyList<WitValue> parameters, NatsHeaders? headers = null,
        CancellationToken cancellationToken = default)
    {
        await using var call = await CallAsync(prefix, function, parameters, headers, cancellationToken).ConfigureAwait(false);
        if (call.HasPendingResults)
            throw new InvalidOperationException($"{function} returned pending futures or streams: use CallAsync to read them");
        await call.ParamsSent.WaitAsync(cancellationToken).ConfigureAwait(false);
        return call.Results;
    }

    /// <summary>
    /// Calls <paramref name="function"/> and returns once its results decoded; their pending futures and
    /// streams are read from the returned call, which must be disposed (that releases its subjects).
    /// </summary>
    public async Task<WrpcInvocation> CallAsync(string prefix, WrpcFunction function, IReadOnlyList<WitValue> parameters, NatsHeaders? headers = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(function);
        if (!WrpcSubjects.IsTokens(prefix, allowEmpty: true)) throw new ArgumentException($"'{prefix}' is not a valid subject prefix", nameof(prefix));
        var subject = function.SubjectFor(prefix);

        using var buffer = new PooledBuffer();
        var pending = WrpcEncoder.EncodeValues(buffer, function.Params, parameters, _options.Codec, "params");
        WrpcAsyncSender.CheckSources(pending, "params");

        var inbox = _inbox ?? await StartAsync(cancellationToken).ConfigureAwait(false);
        var mailbox = inbox.Open();
        // Only pending params need a sender that outlives this method.
        var senders = pending.Count == 0 ? null : CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        try
        {
            var handshake = mailbox.Claim("");
            var results = mailbox.Claim("results");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.Timeout);

            var data = buffer.WrittenMemory;
            var first = Math.Clamp(_publisher.MaxPayload - mailbox.Subject.Length - WrpcHeaders.WireLength(headers), 0, data.Length);
            await _publisher.PublishAsync(subject, data[..first], headers, mailbox.Subject, deadline.Token).ConfigureAwait(false);

            var serverInbox = await HandshakeAsync(handshake, subject, deadline.Token, cancellationToken).ConfigureAwait(false);
            var paramsSubject = WrpcSubjects.Params(serverInbox);
            await _publisher.WriteAsync(paramsSubject, data[first..], deadline.Token).ConfigureAwait(false);
            await _publisher.EndAsync(paramsSubject, null, deadline.Token).ConfigureAwait(false);
            var paramsSent = senders is null ? Task.CompletedTask : _sender.SendAllAsync(paramsSubject, pending, senders.Token);

            var receiver = new WrpcAsyncReceiver(mailbox, "results", subject, _options.Codec, _options.IdleTimeout);
            var values = await ReadResultsAsync(results, function, subject, receiver, deadline.Token, cancellationToken).ConfigureAwait(false);
            return new WrpcInvocation(values, receiver, mailbox, paramsSent, senders);
        }
        catch
        {
            if (senders is not null)
            {
                await senders.CancelAsync().ConfigureAwait(false);
                senders.Dispose();
            }
            mailbox.Dispose();
            throw;
        }
    }

    private async Task<string> HandshakeAsync(WrpcFrameQueue handshake, string subject, CancellationToken deadline, CancellationToken cancellationToken)
    {
        WrpcFrame frame;
        try { frame = await handshake.ReadAsync(deadline).ConfigureAwait(false); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WrpcTimeoutException(subject, $"no handshake from {subject} within {_options.Timeout.TotalSeconds:0.###} s");
        }
        using (frame.Payload)
        {
            switch (frame.Status)
            {
                case 503: throw new WrpcNotFoundException(subject);
                case 408: throw new WrpcTimeoutException(subject, $"NATS reported a timeout for {subject} (408)");
                case > 0 and (< 200 or >= 300):
                    throw new WrpcProtocolException(subject, $"the handshake for {subject} came back with status {frame.Status} {frame.Headers?.MessageText}".TrimEnd());
            }
            if (!WrpcSubjects.IsLiteral(frame.ReplyTo))
                throw new WrpcProtocolException(subject, $"the handshake for {subject} has no valid reply subject ('{frame.ReplyTo}')");
            return frame.ReplyTo!;
        }
    }

    private async Task<WitValue[]> ReadResultsAsync(WrpcFrameQueue results, WrpcFunction function, string subject, WrpcAsyncReceiver receiver,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var reader = new WrpcValueReader(_options.Codec);
        var zero = function.Results.Count == 0;
        while (true)
        {
            // A function without results still waits for the end of `results`: that is when it ran, and how a failure shows.
            if (!zero || reader.IsEnded)
            {
                try
                {
                    if (reader.TryReadValues(function.Results, out var values, out var pending, "results"))
                    {
                        receiver.Add(pending);
                        return values!;
                    }
                }
                catch (WrpcDecodeException e) when (reader.IsEnded)
                {
                    throw new WrpcRemoteException(subject, $"{subject} ended its results early: {e.Message}", e);
                }
                catch (WrpcDecodeException e)
                {
                    throw new WrpcProtocolException(subject, $"the results of {subject} do not decode: {e.Message}", e);
                }
            }
            WrpcFrame frame;
            try { frame = await results.ReadAsync(deadline).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WrpcTimeoutException(subject, $"no results from {subject} within {_options.Timeout.TotalSeconds:0.###} s");
            }
            using (frame.Payload)
            {
                if (!frame.IsEnd)
                {
                    reader.Append(frame.Span);
                    continue;
                }
                if (frame.Error is { } error) throw new WrpcRemoteException(subject, $"{subject} failed: {error}");
                reader.End();
            }
        }
    }

    private async Task<WrpcInbox> StartAsync(CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            return _inbox ??= await WrpcInbox.StartAsync(_publisher.Nats, _options.MaxBufferedBytes, _options.Logger, cancellationToken).ConfigureAwait(false);
        }
        finally { _starting.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        await _disposed.CancelAsync().ConfigureAwait(false);
        await _starting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_inbox is not null) await _inbox.DisposeAsync().ConfigureAwait(false);
        }
        finally { _starting.Release(); }
    }
}
