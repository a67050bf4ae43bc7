using System.Text;
using Lattice.Node.Tests.Wrpc;
using NATS.Client.Core;
using static Lattice.Node.Tests.Wrpc.SpecBytes;

namespace Lattice.Node.Tests.Bridge;

/// <summary>
/// A wasmCloud blobstore provider written from the protocol spec (§1.2 framing, §2.1 values) and the
/// upstream wire WIT `wrpc:blobstore/blobstore@0.2.0` (or `@0.1.0`, without the status futures), with
/// raw NATS and its own decoder: an in-memory store that answers every call on
/// <c>{lattice}.{id}.wrpc.0.0.1.wrpc:blobstore/blobstore@{version}.*</c> and records what it saw.
/// Like blobstore-fs it lists in its own (insertion) order, reads end − start bytes, answers
/// write-container-data's ok before it reads the data stream (0.2.0), and answers errors as strings:
/// "container not found", "object not found", and "refused by policy" for names starting with "forbidden".
/// </summary>
internal sealed class SpecBlobProvider : IAsyncDisposable
{
    /// <summary>One invocation: the function, its headers, all sync params bytes, and for a write the data stream's bytes.</summary>
    public sealed record Call(string Subject, string Function, NatsHeaders? Headers, byte[] Params, byte[]? Stream = null);

    private readonly NatsConnection _nats;
    private readonly RawInbox _calls;
    private readonly RawInbox _inbox;
    private readonly string _id;
    private readonly bool _current;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Call> _seen = [];
    private readonly Dictionary<string, Dictionary<string, byte[]>> _store = [];
    private int _count;

    private SpecBlobProvider(NatsConnection nats, RawInbox calls, RawInbox inbox, string id, bool current)
    {
        _nats = nats;
        _calls = calls;
        _inbox = inbox;
        _id = id;
        _current = current;
        _loop = Task.Run(ServeAsync);
    }

    public static async Task<SpecBlobProvider> StartAsync(NatsTestServer server, string lattice, string id, string version = "0.2.0")
    {
        var nats = await server.ConnectAsync("spec-blob-" + id);
        var calls = await RawInbox.SubscribeAsync(nats, $"{lattice}.{id}.wrpc.0.0.1.wrpc:blobstore/blobstore@{version}.*", queueGroup: $"{lattice}.{id}");
        var inbox = await RawInbox.SubscribeAsync(nats, $"_INBOX.{id}.>");
        return new SpecBlobProvider(nats, calls, inbox, id, version == "0.2.0");
    }

    /// <summary>Every call so far, in order.</summary>
    public IReadOnlyList<Call> Calls
    {
        get { lock (_seen) return [.. _seen]; }
    }

    public byte[]? Object(string container, string name)
    {
        lock (_store) return _store.TryGetValue(container, out var c) && c.TryGetValue(name, out var data) ? data : null;
    }

    /// <summary>Stores an object directly (a test's setup).</summary>
    public void Put(string container, string name, byte[] data)
    {
        lock (_store)
        {
            _store.TryAdd(container, []);
            _store[container][name] = data;
        }
    }

    /// <summary>A failure while serving (the test fails on it at dispose).</summary>
    public Exception? Fault { get; private set; }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            NatsMsg<byte[]> msg;
            try { msg = await _calls.NextAnyAsync(0.5); }
            catch (TimeoutException) { continue; }
            try { await AnswerAsync(msg); }
            catch (Exception e) { Fault ??= e; }
        }
    }

    private async Task AnswerAsync(NatsMsg<byte[]> msg)
    {
        var reply = msg.ReplyTo!;
        var rs = $"_INBOX.{_id}.{Interlocked.Increment(ref _count)}";
        await _nats.PublishAsync(reply, replyTo: rs);
        var (rest, _) = await _inbox.ReadToEndAsync(rs + ".params", 30);
        byte[] parameters = [.. msg.Data ?? [], .. rest];
        var function = msg.Subject[(msg.Subject.LastIndexOf('.') + 1)..];
        var call = new Call(msg.Subject, function, msg.Headers, parameters);
        var p = new Reader(parameters);
        var results = reply + ".results";
        switch (function)
        {
            case "create-container":
            {
                var name = p.Str();
                if (Refused(name) is { } refused) await ResultAsync(results, Err(refused));
                else
                {
                    lock (_store) _store.TryAdd(name, []);
                    await ResultAsync(results, Hex("00"));
                }
                break;
            }
            case "container-exists":
            {
                var name = p.Str();
                bool exists;
                lock (_store) exists = _store.ContainsKey(name);
                await ResultAsync(results, New().Byte(0, exists ? (byte)1 : (byte)0).ToArray());
                break;
            }
            case "get-container-info":
                await ResultAsync(results, Container(p.Str()) is null ? Err("container not found") : New().Byte(0).U(1_700_000_000).ToArray());
                break;
            case "delete-container":
            {
                var name = p.Str();
                bool removed;
                lock (_store) removed = _store.Remove(name);
                await ResultAsync(results, removed ? Hex("00") : Err("container not found"));
                break;
            }
            case "clear-container":
            {
                var name = p.Str();
                if (Container(name) is { } objects)
                {
                    lock (_store) objects.Clear();
                    await ResultAsync(results, Hex("00"));
                }
                else await ResultAsync(results, Err("container not found"));
                break;
            }
            case "copy-object" or "move-object":
            {
                var (sc, so, dc, @do) = (p.Str(), p.Str(), p.Str(), p.Str());
                var error = Lookup(sc, so, out var data) ?? (Container(dc) is null ? "container not found" : null);
                if (error is not null)
                {
                    await ResultAsync(results, Err(error));
                    break;
                }
                lock (_store)
                {
                    if (function == "move-object") _store[sc].Remove(so);
                    _store[dc][@do] = data!;
                }
                await ResultAsync(results, Hex("00"));
                break;
            }
            case "has-object":
            {
                var (c, o) = (p.Str(), p.Str());
                await ResultAsync(results, Container(c) is { } objects ? New().Byte(0, objects.ContainsKey(o) ? (byte)1 : (byte)0).ToArray() : Err("container not found"));
                break;
            }
            case "get-object-info":
            {
                var (c, o) = (p.Str(), p.Str());
                await ResultAsync(results, Lookup(c, o, out var data) is { } error ? Err(error) : New().Byte(0).U(1_700_000_000).U((ulong)data!.Length).ToArray());
                break;
            }
            case "delete-objects":
            {
                var c = p.Str();
                var names = p.Strings();
                if (Container(c) is { } objects)
                {
                    lock (_store) foreach (var n in names) objects.Remove(n);
                    await ResultAsync(results, Hex("00"));
                }
                else await ResultAsync(results, Err("container not found"));
                break;
            }
            case "list-container-objects":
            {
                var c = p.Str();
                Assert.Equal(0, p.Byte()); // limit: none (wasmCloud's host sends none too)
                Assert.Equal(0, p.Byte()); // offset: none
                if (Container(c) is not { } objects)
                {
                    await ResultAsync(results, Err("container not found"));
                    break;
                }
                string[] names;
                lock (_store) names = [.. objects.Keys];
                await ResultAsync(results, _current ? Hex("00 00 00") : Hex("00 00"));
                // Two chunks (the second may be empty: then just the end marker), insertion order.
                var half = names.Length / 2;
                var stream = New();
                foreach (var part in new[] { names[..half], names[half..] }.Where(part => part.Length > 0))
                {
                    stream.U((ulong)part.Length);
                    foreach (var n in part) stream.Str(n);
                }
                await StreamAsync(_current ? results + ".0.0" : results + ".0", stream.Byte(0).ToArray());
                if (_current) await StreamAsync(results + ".0.1", Hex("00"));
                break;
            }
            case "get-container-data":
            {
                var (c, o) = (p.Str(), p.Str());
                var (start, end) = (p.U64(), p.U64());
                if (Lookup(c, o, out var data) is { } error)
                {
                    await ResultAsync(results, Err(error));
                    break;
                }
                await ResultAsync(results, _current ? Hex("00 00 00") : Hex("00 00"));
                var slice = data![(int)Math.Min(start, (ulong)data.Length)..(int)Math.Min(end, (ulong)data.Length)];
                var stream = New();
                for (var at = 0; at < slice.Length; at += 4096) stream.Bytes(slice[at..Math.Min(at + 4096, slice.Length)]);
                await StreamAsync(_current ? results + ".0.0" : results + ".0", stream.Byte(0).ToArray());
                if (_current) await StreamAsync(results + ".0.1", Hex("00"));
                break;
            }
            case "write-container-data":
            {
                var (c, o) = (p.Str(), p.Str());
                Assert.Equal(0, p.Byte()); // the data: a pending stream, sent on params.1
                var error = Container(c) is null ? "container not found" : Refused(o);
                if (error is not null)
                {
                    await ResultAsync(results, Err(error));
                    break;
                }
                if (_current) await ResultAsync(results, Hex("00 00")); // ok(pending status future), before the data
                var (stream, _) = await _inbox.ReadToEndAsync(rs + ".params.1", 30);
                call = call with { Stream = stream };
                var data = Chunks(stream).SelectMany(chunk => chunk).ToArray();
                lock (_store) _store[c][o] = data;
                if (_current) await StreamAsync(results + ".0", Hex("00"));
                else await ResultAsync(results, Hex("00"));
                break;
            }
            default:
                await ResultAsync(results, Err($"the spec provider does not serve {function}"));
                break;
        }
        lock (_seen) _seen.Add(call);
    }

    /// <summary>The chunks of a <c>stream&lt;u8&gt;</c> sent on its path: <c>len bytes…</c> up to the end marker <c>00</c>.</summary>
    public static List<byte[]> Chunks(byte[] stream)
    {
        var chunks = new List<byte[]>();
        var at = 0;
        while (true)
        {
            var length = (int)ReadU32(stream, ref at);
            if (length == 0)
            {
                Assert.Equal(stream.Length, at); // nothing after the end marker
                return chunks;
            }
            chunks.Add(stream[at..(at + length)]);
            at += length;
        }
    }

    private static string? Refused(string name) => name.StartsWith("forbidden", StringComparison.Ordinal) ? "refused by policy" : null;

    private Dictionary<string, byte[]>? Container(string name)
    {
        lock (_store) return _store.GetValueOrDefault(name);
    }

    private string? Lookup(string container, string name, out byte[]? data)
    {
        data = null;
        lock (_store)
        {
            if (!_store.TryGetValue(container, out var objects)) return "container not found";
            return objects.TryGetValue(name, out data) ? null : "object not found";
        }
    }

    private static byte[] Err(string text) => New().Byte(1).Str(text).ToArray();

    private async Task ResultAsync(string subject, byte[] bytes) => await StreamAsync(subject, bytes);

    /// <summary>Bytes on a subject in messages that fit the test server's max_payload (64 KiB), then the empty message that ends it.</summary>
    private async Task StreamAsync(string subject, byte[] bytes)
    {
        for (var at = 0; at < bytes.Length; at += 32 * 1024)
            await _nats.PublishAsync(subject, bytes[at..Math.Min(at + 32 * 1024, bytes.Length)]);
        await _nats.PublishAsync(subject);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _calls.DisposeAsync();
        await _inbox.DisposeAsync();
        await _nats.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>A decoder for the params, from the spec's rules (independent of the codec under test).</summary>
    private sealed class Reader(byte[] bytes)
    {
        private int _at;

        public byte Byte() => bytes[_at++];

        public ulong U64()
        {
            ulong value = 0;
            var shift = 0;
            while (true)
            {
                var b = bytes[_at++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
                shift += 7;
            }
        }

        public string Str()
        {
            var length = (int)U64();
            var s = Encoding.UTF8.GetString(bytes, _at, length);
            _at += length;
            return s;
        }

        public string[] Strings() => [.. Enumerable.Range(0, (int)U64()).Select(_ => Str())];
    }
}
