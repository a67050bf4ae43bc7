// wasi:io/streams: the WIT methods of input-stream and output-stream over our C# stream objects.
//
// Only the non-blocking primitives live in the stream classes; everything "blocking-" is written
// once here as "try, and if not possible yet wait on the stream's pollable", bounded by the store's
// call deadline. Stream failures become the `stream-error` variant (never a trap); a handle that is
// not a stream of the right type is a guest bug and traps.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi;

public static class WasiStreams
{
    /// <summary><c>wasi:io/streams.input-stream</c>: the objects behind it are <see cref="InputStream"/>s.</summary>
    public static readonly HostResourceType InputStreamType = new("input-stream");

    /// <summary><c>wasi:io/streams.output-stream</c>: the objects behind it are <see cref="OutputStream"/>s.</summary>
    public static readonly HostResourceType OutputStreamType = new("output-stream");

    /// <summary>The most bytes one read or skip returns (a guest may ask for up to 2^64).</summary>
    public const int MaxChunk = 4 * 1024 * 1024;

    public static WitResource Own(ResourceTable table, InputStream stream) => table.Own(InputStreamType, stream);

    public static WitResource Own(ResourceTable table, OutputStream stream) => table.Own(OutputStreamType, stream);

    /// <summary>The <c>stream-error</c> variant for <paramref name="e"/> (creating the error resource if it failed).</summary>
    public static WitValue StreamError(ResourceTable table, StreamException e) =>
        e.Error is { } error
            ? WitValue.Variant("last-operation-failed", WasiIoError.Own(table, error))
            : WitValue.Variant("closed");

    internal static void Define(ComponentLinker linker)
    {
        var streams = linker.Instance(WasiHost.Interface("io", "streams"));
        streams.Resource("input-stream", InputStreamType);
        streams.Resource("output-stream", OutputStreamType);

        streams.Func("[method]input-stream.read", (call, args) =>
        {
            var input = In(call, args[0]);
            var len = Clamp(args[1].AsU64());
            return Run(call.Resources, () => WitValue.Bytes(len == 0 ? ReadOnlyMemory<byte>.Empty : input.Read(len)));
        });
        streams.Func("[method]input-stream.blocking-read", (call, args) =>
        {
            var input = In(call, args[0]);
            var len = Clamp(args[1].AsU64());
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () => WitValue.Bytes(len == 0 ? ReadOnlyMemory<byte>.Empty : BlockingRead(input, len, limit)));
        });
        streams.Func("[method]input-stream.skip", (call, args) =>
        {
            var input = In(call, args[0]);
            var len = (long)Math.Min(args[1].AsU64(), long.MaxValue);
            return Run(call.Resources, () => WitValue.U64(len == 0 ? 0 : (ulong)input.Skip(len)));
        });
        streams.Func("[method]input-stream.blocking-skip", (call, args) =>
        {
            var input = In(call, args[0]);
            var len = (long)Math.Min(args[1].AsU64(), long.MaxValue);
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () =>
            {
                if (len == 0) return WitValue.U64(0);
                var until = DateTime.UtcNow + limit;
                while (true)
                {
                    var n = input.Skip(len);
                    if (n > 0) return WitValue.U64((ulong)n);
                    WaitFor(input.Subscribe(), until, limit);
                }
            });
        });
        streams.Func("[method]input-stream.subscribe", (call, args) => WasiPoll.Own(call.Resources, In(call, args[0]).Subscribe()));

        streams.Func("[method]output-stream.check-write", (call, args) =>
        {
            var output = Out(call, args[0]);
            return Run(call.Resources, () => WitValue.U64((ulong)Math.Max(0, output.CheckWrite())));
        });
        streams.Func("[method]output-stream.write", (call, args) =>
        {
            var output = Out(call, args[0]);
            var bytes = args[1].AsBytes();
            return Run(call.Resources, () => { output.Write(bytes.Span); return null; });
        });
        streams.Func("[method]output-stream.blocking-write-and-flush", (call, args) =>
        {
            var output = Out(call, args[0]);
            var bytes = args[1].AsBytes();
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () =>
            {
                var until = DateTime.UtcNow + limit;
                WriteAll(output, bytes.Span, until, limit);
                output.Flush();
                WaitFor(output.Subscribe(), until, limit);
                return null;
            });
        });
        streams.Func("[method]output-stream.flush", (call, args) =>
        {
            var output = Out(call, args[0]);
            return Run(call.Resources, () => { output.Flush(); return null; });
        });
        streams.Func("[method]output-stream.blocking-flush", (call, args) =>
        {
            var output = Out(call, args[0]);
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () =>
            {
                output.Flush();
                WaitFor(output.Subscribe(), DateTime.UtcNow + limit, limit);
                output.CheckWrite(); // reports a failure that happened during the flush
                return null;
            });
        });
        streams.Func("[method]output-stream.subscribe", (call, args) => WasiPoll.Own(call.Resources, Out(call, args[0]).Subscribe()));
        streams.Func("[method]output-stream.write-zeroes", (call, args) =>
        {
            var output = Out(call, args[0]);
            var len = args[1].AsU64();
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () => { WriteZeroes(output, len, DateTime.UtcNow + limit, limit); return null; });
        });
        streams.Func("[method]output-stream.blocking-write-zeroes-and-flush", (call, args) =>
        {
            var output = Out(call, args[0]);
            var len = args[1].AsU64();
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () =>
            {
                var until = DateTime.UtcNow + limit;
                WriteZeroes(output, len, until, limit);
                output.Flush();
                WaitFor(output.Subscribe(), until, limit);
                return null;
            });
        });
        streams.Func("[method]output-stream.splice", (call, args) =>
        {
            var output = Out(call, args[0]);
            var input = In(call, args[1]);
            var len = Clamp(args[2].AsU64());
            return Run(call.Resources, () => WitValue.U64(Splice(output, input, len)));
        });
        streams.Func("[method]output-stream.blocking-splice", (call, args) =>
        {
            var output = Out(call, args[0]);
            var input = In(call, args[1]);
            var len = Clamp(args[2].AsU64());
            var limit = call.Store.RemainingCallTime;
            return Run(call.Resources, () => WitValue.U64(BlockingSplice(output, input, len, DateTime.UtcNow + limit, limit)));
        });
    }

    private static InputStream In(HostCall call, WitValue handle) => call.Resources.Get<InputStream>(InputStreamType, handle);

    private static OutputStream Out(HostCall call, WitValue handle) => call.Resources.Get<OutputStream>(OutputStreamType, handle);

    private static int Clamp(ulong len) => (int)Math.Min(len, MaxChunk);

    /// <summary>Runs a stream operation: its value becomes <c>ok</c>, a stream failure the <c>stream-error</c>.</summary>
    private static WitValue Run(ResourceTable table, Func<WitValue?> op)
    {
        try { return WitValue.Ok(op()); }
        catch (StreamException e) { return WitValue.Err(StreamError(table, e)); }
        catch (IOException e) { return WitValue.Err(StreamError(table, StreamException.Failed(e.Message))); }
    }

    private static ReadOnlyMemory<byte> BlockingRead(InputStream input, int len, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var data = input.Read(len);
            if (!data.IsEmpty) return data;
            WaitFor(input.Subscribe(), until, limit);
        }
    }

    private static void WriteAll(OutputStream output, ReadOnlySpan<byte> bytes, DateTime until, TimeSpan limit)
    {
        while (!bytes.IsEmpty)
        {
            var permit = WaitForPermit(output, until, limit);
            var n = (int)Math.Min(permit, bytes.Length);
            output.Write(bytes[..n]);
            bytes = bytes[n..];
        }
    }

    private static void WriteZeroes(OutputStream output, ulong len, DateTime until, TimeSpan limit)
    {
        Span<byte> zeroes = stackalloc byte[4096];
        zeroes.Clear();
        while (len > 0)
        {
            var n = (int)Math.Min(len, (ulong)zeroes.Length);
            WriteAll(output, zeroes[..n], until, limit);
            len -= (ulong)n;
        }
    }

    /// <summary>Moves what both sides allow right now: no more than the output's permit, no more than the input has.</summary>
    private static ulong Splice(OutputStream output, InputStream input, int len)
    {
        if (len == 0) return 0;
        var permit = output.CheckWrite();
        if (permit == 0) return 0;
        var data = input.Read((int)Math.Min(len, permit));
        output.Write(data.Span);
        return (ulong)data.Length;
    }

    private static ulong BlockingSplice(OutputStream output, InputStream input, int len, DateTime until, TimeSpan limit)
    {
        if (len == 0) return 0;
        var max = (int)Math.Min(len, WaitForPermit(output, until, limit));
        var data = input.Read(max);
        while (data.IsEmpty)
        {
            WaitFor(input.Subscribe(), until, limit);
            data = input.Read(max);
        }
        output.Write(data.Span);
        return (ulong)data.Length;
    }

    private static long WaitForPermit(OutputStream output, DateTime until, TimeSpan limit)
    {
        while (true)
        {
            var permit = output.CheckWrite();
            if (permit > 0) return permit;
            WaitFor(output.Subscribe(), until, limit);
        }
    }

    /// <summary>Waits on <paramref name="pollable"/> until the shared deadline of one blocking operation.</summary>
    private static void WaitFor(Pollable pollable, DateTime until, TimeSpan limit)
    {
        if (pollable.IsReady) return;
        var left = until - DateTime.UtcNow;
        if (left <= TimeSpan.Zero)
            throw new TimeoutException($"a blocking stream operation took longer than the call deadline ({limit.TotalSeconds:0.###} s)");
        WasiPoll.Wait([pollable], left);
    }
}
