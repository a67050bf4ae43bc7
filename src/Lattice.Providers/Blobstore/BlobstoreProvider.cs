// wasi:blobstore@0.2.0-draft (blobstore, container, types) as the lattice provider kind
// `blobstore-fs`.
//
// In the calling instance, `container`, `outgoing-value`, `incoming-value` and
// `stream-object-names` are resources of its store; data travels to the provider as the small
// requests of BlobProtocol. As in wasmCloud, every call of all three interfaces goes through the
// component's link on `wasi:blobstore/blobstore` (a container remembers the channel of the
// blobstore binding that opened it), so one link naming `blobstore` is all a component needs.
// Object bodies move through wasi:io streams in chunks. Failures are the interface's error string,
// never a trap.
using Lattice.Actors.Providers;
using Lattice.Capabilities;
using Lattice.Model;
using Lattice.Wasi;
using Lattice.Wasm;
using Lattice.Wit;
using static Lattice.Providers.Blobstore.BlobProtocol;

namespace Lattice.Providers.Blobstore;

public sealed class BlobstoreProvider : ICapabilityProvider
{
    public static readonly HostResourceType ContainerType = new("container");
    public static readonly HostResourceType NamesType = new("stream-object-names");
    public static readonly HostResourceType IncomingType = new("incoming-value");

    /// <summary>Dropping an unfinished outgoing-value aborts its upload at the provider.</summary>
    public static readonly HostResourceType OutgoingType = new("outgoing-value", (store, rep) =>
    {
        if (store.Resources.Remove(rep) is OutgoingBlob blob) blob.Abort();
    });

    public string Kind => "blobstore-fs";

    public IReadOnlyList<string> Interfaces { get; } = ["wasi:blobstore/blobstore", "wasi:blobstore/container", "wasi:blobstore/types"];

    public IProviderBackend Open(ProviderContext context) => new FileBlobstore(context);

    public void Bind(LinkerInstance target, WitInterfaceName iface, IProviderChannel channel)
    {
        switch (iface.Interface)
        {
            case "blobstore": BindBlobstore(target, channel); break;
            case "container": BindContainer(target); break;
            case "types": BindTypes(target); break;
        }
    }

    private static void BindBlobstore(LinkerInstance blobstore, IProviderChannel channel)
    {
        blobstore.Func("create-container", (call, args) => OpenContainer(call, channel, CreateContainer, args[0].AsString()));
        blobstore.Func("get-container", (call, args) => OpenContainer(call, channel, GetContainer, args[0].AsString()));
        blobstore.Func("delete-container", (call, args) =>
            Answer(channel.Send(call, new ProviderRequest(DeleteContainer, [args[0].AsString()])), _ => null));
        blobstore.Func("container-exists", (call, args) =>
            Answer(channel.Send(call, new ProviderRequest(ContainerExists, [args[0].AsString()])), r => WitValue.Bool(r.Found)));
        blobstore.Func("copy-object", (call, args) => Answer(channel.Send(call, Transfer(CopyObject, args[0], args[1])), _ => null));
        blobstore.Func("move-object", (call, args) => Answer(channel.Send(call, Transfer(MoveObject, args[0], args[1])), _ => null));
    }

    private static WitValue OpenContainer(HostCall call, IProviderChannel channel, string operation, string name)
    {
        var result = channel.Send(call, new ProviderRequest(operation, [name]));
        return result.Error is { } error ? Error(error) : WitValue.Ok(call.Resources.Own(ContainerType, new BlobContainer(name, channel)));
    }

    private static ProviderRequest Transfer(string operation, WitValue source, WitValue destination)
    {
        var src = (WitRecord)source;
        var dest = (WitRecord)destination;
        return new ProviderRequest(operation, [src["container"].AsString(), src["object"].AsString(), dest["container"].AsString(), dest["object"].AsString()]);
    }

    private static void BindContainer(LinkerInstance container)
    {
        container.Resource("container", ContainerType);
        container.Resource("stream-object-names", NamesType);

        container.Func("[method]container.name", (call, args) => WitValue.Ok(WitValue.String(Container(call, args[0]).Name)));
        container.Func("[method]container.info", (call, args) =>
        {
            var c = Container(call, args[0]);
            return Answer(c.Channel.Send(call, new ProviderRequest(GetContainer, [c.Name])), r => WitValue.Record(
                ("name", WitValue.String(c.Name)), ("created-at", WitValue.U64(r.Number))));
        });
        container.Func("[method]container.get-data", (call, args) =>
        {
            var c = Container(call, args[0]);
            var blob = IncomingBlob.Open(new StreamChannel(c.Channel, call.Store, call.Name), c, args[1].AsString(), args[2].AsU64(), args[3].AsU64(), out var error);
            return blob is null ? Error(error!) : WitValue.Ok(call.Resources.Own(IncomingType, blob));
        });
        container.Func("[method]container.write-data", (call, args) =>
        {
            var c = Container(call, args[0]);
            var blob = call.Resources.Get<OutgoingBlob>(OutgoingType, args[2]);
            if (blob.Started) return Error("write-data was already called for this outgoing-value");
            var begun = c.Channel.Send(call, new ProviderRequest(WriteBegin, [c.Name, args[1].AsString()]));
            if (begun.Error is { } error) return Error(error);
            if (begun.Items is not [var session, ..]) return Error("the blobstore provider opened no upload session");
            try { blob.Start(new StreamChannel(c.Channel, call.Store, call.Name), session); }
            catch (StreamException e) { return Error(e.Message); }
            return WitValue.Ok();
        });
        container.Func("[method]container.list-objects", (call, args) =>
        {
            var names = new ObjectNameStream(Container(call, args[0]));
            return names.Fetch(call) is { } error ? Error(error) : WitValue.Ok(call.Resources.Own(NamesType, names));
        });
        container.Func("[method]container.delete-object", (call, args) =>
        {
            var c = Container(call, args[0]);
            return Answer(c.Channel.Send(call, new ProviderRequest(DeleteObjects, [c.Name, args[1].AsString()])), _ => null);
        });
        container.Func("[method]container.delete-objects", (call, args) =>
        {
            var c = Container(call, args[0]);
            var names = args[1] is WitList list ? list.Items.Select(n => n.AsString()).ToList() : [];
            foreach (var batch in Batches(names))
            {
                var result = c.Channel.Send(call, new ProviderRequest(DeleteObjects, [c.Name, .. batch]));
                if (result.Error is { } error) return Error(error);
            }
            return WitValue.Ok();
        });
        container.Func("[method]container.has-object", (call, args) =>
        {
            var c = Container(call, args[0]);
            return Answer(c.Channel.Send(call, new ProviderRequest(HasObject, [c.Name, args[1].AsString()])), r => WitValue.Bool(r.Found));
        });
        container.Func("[method]container.object-info", (call, args) =>
        {
            var c = Container(call, args[0]);
            var name = args[1].AsString();
            return Answer(c.Channel.Send(call, new ProviderRequest(ObjectInfo, [c.Name, name])), r => WitValue.Record(
                ("name", WitValue.String(name)),
                ("container", WitValue.String(c.Name)),
                ("created-at", WitValue.U64(ulong.TryParse(r.Items?.FirstOrDefault(), out var t) ? t : 0)),
                ("size", WitValue.U64(r.Number))));
        });
        container.Func("[method]container.clear", (call, args) =>
        {
            var c = Container(call, args[0]);
            return Answer(c.Channel.Send(call, new ProviderRequest(Clear, [c.Name])), _ => null);
        });

        container.Func("[method]stream-object-names.read-stream-object-names", (call, args) =>
        {
            var (names, end, error) = call.Resources.Get<ObjectNameStream>(NamesType, args[0]).Read(call, args[1].AsU64());
            return error is not null ? Error(error) : WitValue.Ok(WitValue.Tuple(WitValue.List(names.Select(WitValue.String).ToList()), WitValue.Bool(end)));
        });
        container.Func("[method]stream-object-names.skip-stream-object-names", (call, args) =>
        {
            var (skipped, end, error) = call.Resources.Get<ObjectNameStream>(NamesType, args[0]).Skip(call, args[1].AsU64());
            return error is not null ? Error(error) : WitValue.Ok(WitValue.Tuple(WitValue.U64(skipped), WitValue.Bool(end)));
        });
    }

    private static void BindTypes(LinkerInstance types)
    {
        types.Resource("outgoing-value", OutgoingType);
        types.Resource("incoming-value", IncomingType);

        types.Func("[static]outgoing-value.new-outgoing-value", (call, _) => call.Resources.Own(OutgoingType, new OutgoingBlob()));
        types.Func("[method]outgoing-value.outgoing-value-write-body", (call, args) =>
        {
            var blob = call.Resources.Get<OutgoingBlob>(OutgoingType, args[0]);
            if (blob.BodyTaken) return WitValue.Err();
            blob.BodyTaken = true;
            return WitValue.Ok(WasiStreams.Own(call.Resources, new BlobOutputStream(blob)));
        });
        types.Func("[static]outgoing-value.finish", (call, args) =>
        {
            var blob = Take<OutgoingBlob>(call, OutgoingType, args[0]);
            return blob.Finish() is { } error ? Error(error) : WitValue.Ok();
        });

        types.Func("[static]incoming-value.incoming-value-consume-sync", (call, args) =>
        {
            var blob = Take<IncomingBlob>(call, IncomingType, args[0]);
            if (blob.Size > (ulong)call.Store.Limits.MemoryBytes)
                return Error($"the value has {blob.Size} bytes, more than this instance's memory may hold; use incoming-value-consume-async");
            var bytes = new byte[blob.Size];
            var at = 0;
            try
            {
                var stream = new StreamChannel(blob.Container.Channel, call.Store, call.Name);
                while (!blob.AtEnd)
                {
                    var chunk = blob.Next(stream, ChunkSize);
                    chunk.Span.CopyTo(bytes.AsSpan(at));
                    at += chunk.Length;
                }
            }
            catch (StreamException e) { return Error(e.Message); }
            return WitValue.Ok(WitValue.Bytes(bytes.AsMemory(0, at)));
        });
        types.Func("[static]incoming-value.incoming-value-consume-async", (call, args) =>
        {
            var blob = Take<IncomingBlob>(call, IncomingType, args[0]);
            return WitValue.Ok(WasiStreams.Own(call.Resources, new BlobInputStream(blob, new StreamChannel(blob.Container.Channel, call.Store, call.Name))));
        });
        types.Func("[method]incoming-value.size", (call, args) => WitValue.U64(call.Resources.Get<IncomingBlob>(IncomingType, args[0]).Size));
    }

    private static BlobContainer Container(HostCall call, WitValue handle) => call.Resources.Get<BlobContainer>(ContainerType, handle);

    /// <summary>An <c>own</c> argument: the guest gave the handle up, so its entry leaves the table.</summary>
    private static T Take<T>(HostCall call, HostResourceType type, WitValue handle) where T : class
    {
        var value = call.Resources.Get<T>(type, handle);
        call.Resources.Remove(handle.AsResource().Rep);
        return value;
    }

    /// <summary>Names in requests of at most <see cref="BlobProtocol.PageBytes"/> characters.</summary>
    private static IEnumerable<List<string>> Batches(IReadOnlyList<string> names)
    {
        var batch = new List<string>();
        var chars = 0;
        foreach (var name in names)
        {
            if (batch.Count > 0 && chars + name.Length > PageBytes)
            {
                yield return batch;
                batch = [];
                chars = 0;
            }
            batch.Add(name);
            chars += name.Length;
        }
        if (batch.Count > 0) yield return batch;
    }

    private static WitValue Answer(ProviderResult result, Func<ProviderResult, WitValue?> ok) =>
        result.Error is { } error ? Error(error) : WitValue.Ok(ok(result));

    private static WitValue Error(string text) => WitValue.Err(WitValue.String(text));
}
