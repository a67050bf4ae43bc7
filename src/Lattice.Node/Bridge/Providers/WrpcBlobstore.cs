// wasi:blobstore requests to a wasmCloud blobstore provider (blobstore-fs, -s3, -azure, -nats...),
// as BlobstoreProvider's binding makes them (BlobProtocol), sent as the wire calls a wasmCloud 1.x
// host makes (BlobWire: `wrpc:blobstore/blobstore@0.2.0`, falling back to 0.1.0). The answers take
// the form FileBlobstore gives, so the binding cannot tell the difference, and the provider's error
// strings are the error texts the guest reads.
//
//   ours               wire
//   create-container   create-container (Number = 0: the wire gives no creation time; the binding does not read it)
//   get-container      get-container-info (created-at; the provider's error when missing)
//   delete-container   delete-container          container-exists  container-exists
//   clear              clear-container           has-object        has-object
//   object-info        get-object-info           delete-objects    delete-objects
//   copy-object        copy-object               move-object       move-object
//   list-objects       list-container-objects without limit/offset: the provider's order is its own
//                      (blobstore-fs: directory order), so each page reads the whole stream of names,
//                      keeps those after `after`, sorts them and returns a page (O(n) per page, at
//                      most MaxListed names)
//   read               get-object-info, then get-container-data(start = offset, end = offset + count)
//                      for exactly the bytes asked (wasmCloud's providers read end − start bytes;
//                      one that reads end inclusively sends a byte more, which is dropped)
//   write-*            kept in the bridge (BlobUploads) and streamed by write-container-data at commit;
//                      write-begin asks container-exists so a missing container fails at write-data
//                      as with our own backends
//
// Version stamps: the wire has none. A read's stamp is "size:created-at" from get-object-info, asked
// before every range; a reader notices an object replaced by one of another size or creation time,
// but not a same-size rewrite in place within the provider's time resolution (blobstore-fs keeps a
// rewritten file's creation time), nor a change between the info and the data call. Our own
// backends stamp with the last write time and check both in one step.
using System.Globalization;
using System.Text;
using Lattice.Actors;
using Lattice.Actors.Providers;
using Lattice.Node.Bridge.Wrpc;
using Lattice.Wit;
using Lattice.Wit.Wrpc;
using NATS.Client.Core;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Node.Bridge.Providers;

internal static class WrpcBlobstore
{
    /// <summary>The most names one listing reads from the provider.</summary>
    public const int MaxListed = 1_000_000;

    public static async Task<ProviderResult> SendAsync(WrpcClient client, string lattice, ExternalProviderCall call, CancellationToken cancellationToken)
    {
        var wire = new BlobWire(client, lattice, call);
        var request = call.Request;
        var uploads = BlobUploads.For(client);
        try
        {
            return request.Operation switch
            {
                CreateContainer => Answer(await wire.AskAsync("create-container", [Text(request, 0)], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                GetContainer => Answer(await wire.AskAsync("get-container-info", [Text(request, 0)], cancellationToken).ConfigureAwait(false),
                    v => new ProviderResult(Number: ((WitRecord)v!)["created-at"].AsU64())),
                DeleteContainer => Answer(await wire.AskAsync("delete-container", [Text(request, 0)], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                ContainerExists => Answer(await wire.AskAsync("container-exists", [Text(request, 0)], cancellationToken).ConfigureAwait(false),
                    v => new ProviderResult(Found: v!.AsBool())),
                Clear => Answer(await wire.AskAsync("clear-container", [Text(request, 0)], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                ListObjects => await ListAsync(wire, Arg(request, 0), Arg(request, 1), cancellationToken).ConfigureAwait(false),
                HasObject => Answer(await wire.AskAsync("has-object", [Id(request, 0)], cancellationToken).ConfigureAwait(false),
                    v => new ProviderResult(Found: v!.AsBool())),
                ObjectInfo => Answer(await wire.AskAsync("get-object-info", [Id(request, 0)], cancellationToken).ConfigureAwait(false), v =>
                {
                    var info = (WitRecord)v!;
                    return new ProviderResult(Number: info["size"].AsU64(), Items: [info["created-at"].AsU64().ToString(CultureInfo.InvariantCulture)]);
                }),
                DeleteObjects => Answer(await wire.AskAsync("delete-objects",
                    [Text(request, 0), WitValue.List([.. request.Args.Skip(1).Select(WitValue.String)])], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                CopyObject => Answer(await wire.AskAsync("copy-object", [Id(request, 0), Id(request, 2)], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                MoveObject => Answer(await wire.AskAsync("move-object", [Id(request, 0), Id(request, 2)], cancellationToken).ConfigureAwait(false), _ => ProviderResult.Done),
                Read => await ReadAsync(wire, request, cancellationToken).ConfigureAwait(false),
                WriteBegin => await BeginAsync(wire, uploads, call, cancellationToken).ConfigureAwait(false),
                WriteChunk => Done(() => uploads.Get(Arg(request, 0), call.SourceId).Append(request.Number, request.Payload ?? [])),
                WriteCommit => await CommitAsync(wire, uploads.Take(Arg(request, 0), call.SourceId), request.Number, cancellationToken).ConfigureAwait(false),
                WriteAbort => Done(() => uploads.Abort(Arg(request, 0), call.SourceId)),
                _ => ProviderResult.Fail($"unknown blobstore operation '{request.Operation}'"),
            };
        }
        catch (BlobRequestException e) { return ProviderResult.Fail(e.Message); }
        catch (WrpcException e) { throw new ExternalCallException(e.Message); }
        catch (WrpcEncodeException e) { throw new ExternalCallException($"cannot send {request.Operation} to '{call.Target}': {e.Message}"); }
        catch (NatsException e) { throw new ExternalCallException($"NATS: {e.Message}"); }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException)
        {
            throw new ExternalCallException($"the answer of '{call.Target}' to {request.Operation} does not fit {BlobWire.Current}: {e.Message}");
        }
    }

    /// <summary>A name for messages, as our backends show it: quoted, control characters escaped, long names shortened.</summary>
    public static string Show(string name)
    {
        var shown = new StringBuilder("'");
        foreach (var c in name.Length > 80 ? name[..80] : name)
            shown.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return shown.Append(name.Length > 80 ? "…'" : "'").ToString();
    }

    private static async Task<ProviderResult> ListAsync(BlobWire wire, string container, string after, CancellationToken cancellationToken)
    {
        var (invocation, current) = await wire.CallAsync("list-container-objects", () => [WitValue.String(container), WitValue.None, WitValue.None], cancellationToken)
            .ConfigureAwait(false);
        var names = new List<string>();
        await using (invocation.ConfigureAwait(false))
        {
            var (ok, error) = BlobWire.Outcome(invocation.Results[0]);
            if (error is not null) return ProviderResult.Fail(error);
            var (stream, status) = current ? ((WrpcStream)((WitTuple)ok!).Items[0], (WrpcFuture?)((WitTuple)ok!).Items[1]) : ((WrpcStream)ok!, null);
            var seen = 0;
            await foreach (var chunk in invocation.ReadStreamAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                foreach (var item in Items(chunk))
                {
                    if (++seen > MaxListed)
                        return ProviderResult.Fail($"container {Show(container)} holds more than {MaxListed} objects, more than a listing through the NATS bridge reads");
                    var name = item.AsString();
                    if (string.CompareOrdinal(name, after) > 0) names.Add(name);
                }
            }
            if (status is not null && await wire.StatusAsync(invocation, status, cancellationToken).ConfigureAwait(false) is { } failed)
                return ProviderResult.Fail(failed);
        }
        names.Sort(StringComparer.Ordinal);
        var page = new List<string>();
        var chars = 0;
        foreach (var name in names)
        {
            if (page.Count == PageNames || chars + name.Length > PageBytes) break;
            if (page.Count > 0 && page[^1] == name) continue; // a provider that lists a name twice
            page.Add(name);
            chars += name.Length;
        }
        var more = page.Count > 0 && string.CompareOrdinal(names[^1], page[^1]) > 0;
        return new ProviderResult(Items: [.. page], Found: more);
    }

    private static async Task<ProviderResult> ReadAsync(BlobWire wire, ProviderRequest request, CancellationToken cancellationToken)
    {
        if (!int.TryParse(Arg(request, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            return ProviderResult.Fail($"malformed read request: length '{Arg(request, 2)}'");
        var (container, name, expected) = (Arg(request, 0), Arg(request, 1), Arg(request, 3));
        var id = BlobWire.Id(container, name);
        var (info, infoError) = await wire.AskAsync("get-object-info", [id], cancellationToken).ConfigureAwait(false);
        if (infoError is not null) return ProviderResult.Fail(infoError);
        var size = ((WitRecord)info!)["size"].AsU64();
        var stamp = $"{size}:{((WitRecord)info!)["created-at"].AsU64()}";
        if (expected.Length > 0 && expected != stamp)
            return ProviderResult.Fail($"object {Show(name)} changed while it was being read");
        var offset = request.Number;
        if (offset >= size || length <= 0) return new ProviderResult(Payload: [], Number: size, Items: [stamp]);
        var count = (int)Math.Min((ulong)Math.Min(length, ChunkSize), size - offset);

        var (invocation, current) = await wire.CallAsync("get-container-data",
            () => [BlobWire.Id(container, name), WitValue.U64(offset), WitValue.U64(offset + (ulong)count)], cancellationToken).ConfigureAwait(false);
        await using (invocation.ConfigureAwait(false))
        {
            var (ok, error) = BlobWire.Outcome(invocation.Results[0]);
            if (error is not null) return ProviderResult.Fail(error);
            var (stream, status) = current ? ((WrpcStream)((WitTuple)ok!).Items[0], (WrpcFuture?)((WitTuple)ok!).Items[1]) : ((WrpcStream)ok!, null);
            var data = new byte[count];
            var at = 0;
            await foreach (var chunk in invocation.ReadStreamAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                var bytes = chunk.AsBytes();
                var n = Math.Min(bytes.Length, count - at);
                bytes.Span[..n].CopyTo(data.AsSpan(at));
                at += n;
                if (at == count) break;
            }
            if (status is not null && await wire.StatusAsync(invocation, status, cancellationToken).ConfigureAwait(false) is { } failed)
                return ProviderResult.Fail(failed);
            return new ProviderResult(Payload: at == count ? data : data[..at], Number: size, Items: [stamp]);
        }
    }

    private static async Task<ProviderResult> BeginAsync(BlobWire wire, BlobUploads uploads, ExternalProviderCall call, CancellationToken cancellationToken)
    {
        var (container, name) = (Arg(call.Request, 0), Arg(call.Request, 1));
        var (exists, error) = await wire.AskAsync("container-exists", [WitValue.String(container)], cancellationToken).ConfigureAwait(false);
        if (error is not null) return ProviderResult.Fail(error);
        if (!exists!.AsBool()) return ProviderResult.Fail($"container {Show(container)} does not exist");
        return new ProviderResult(Items: [uploads.Begin(call.SourceId, call.Target, container, name)]);
    }

    private static async Task<ProviderResult> CommitAsync(BlobWire wire, BlobUpload upload, ulong total, CancellationToken cancellationToken)
    {
        using (upload)
        {
            if (total != upload.Length)
                return ProviderResult.Fail($"the upload of {Show(upload.Object)} ended with {upload.Length} bytes, but the writer sent {total}");
            var (invocation, current) = await wire.CallAsync("write-container-data",
                () => [BlobWire.Id(upload.Container, upload.Object), WrpcOutgoing.Bytes(upload.ChunksAsync())], cancellationToken).ConfigureAwait(false);
            await using (invocation.ConfigureAwait(false))
            {
                var (ok, error) = BlobWire.Outcome(invocation.Results[0]);
                if (error is not null) return ProviderResult.Fail(error);
                try { await invocation.ParamsSent.WaitAsync(cancellationToken).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new ExternalCallException($"sending {Show(upload.Object)} to '{wire.Target}' failed: {e.Message}");
                }
                if (current && await wire.StatusAsync(invocation, (WrpcFuture)ok!, cancellationToken).ConfigureAwait(false) is { } failed)
                    return ProviderResult.Fail(failed);
                return ProviderResult.Done;
            }
        }
    }

    private static ProviderResult Answer((WitValue? Ok, string? Error) outcome, Func<WitValue?, ProviderResult> ok) =>
        outcome.Error is { } error ? ProviderResult.Fail(error) : ok(outcome.Ok);

    private static ProviderResult Done(Action action)
    {
        action();
        return ProviderResult.Done;
    }

    private static string Arg(ProviderRequest request, int index) =>
        index < request.Args.Length ? request.Args[index] : throw new BlobRequestException($"malformed {request.Operation} request: argument {index + 1} is missing");

    private static WitValue Text(ProviderRequest request, int index) => WitValue.String(Arg(request, index));

    /// <summary>The object-id of the container and object at Args[index], Args[index + 1].</summary>
    private static WitValue Id(ProviderRequest request, int index) => BlobWire.Id(Arg(request, index), Arg(request, index + 1));

    /// <summary>A decoded stream chunk's elements.</summary>
    private static IReadOnlyList<WitValue> Items(WitValue chunk) => chunk switch
    {
        WitList l => l.Items,
        WitBytes { Value.Length: 0 } => [],
        _ => throw new InvalidOperationException($"expected a list of names from the provider, got {chunk.Kind.ToString().ToLowerInvariant()}"),
    };
}
