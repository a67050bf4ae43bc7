// wasi:http 0.2: `types` and `outgoing-handler`, defined on the linker like every WASI interface
// (once, at WasiHost.Version; imports of any 0.2.x link to them).
//
// The WIT functions are thin: each finds its object in the store's resource table and asks it (the
// objects and their rules are in HttpFields, HttpMessages, IncomingBody, OutgoingBody, the futures).
// Bodies are wasi:io streams from WasiStreams' own types, so a guest polls an HTTP body, a clock and
// stdin together. Handles passed as `own` (a constructor's headers, `finish`, `set`, `handle`) are
// taken out of the table: the guest gave them up. A handle of the wrong type is a guest bug and
// traps; everything the WIT lets fail (a second `consume`, a bad header) returns its error value.
//
// Serving (calling a component's incoming-handler export) is IncomingHandler; outgoing requests go
// to the store's IOutgoingHttp, and are denied without one.
using Lattice.Wasm;
using Lattice.Wit;

namespace Lattice.Wasi.Http;

public static class WasiHttp
{
    internal static readonly HostResourceType FieldsType = new("fields");
    internal static readonly HostResourceType IncomingRequestType = new("incoming-request");
    internal static readonly HostResourceType OutgoingRequestType = new("outgoing-request");
    internal static readonly HostResourceType RequestOptionsType = new("request-options");
    internal static readonly HostResourceType ResponseOutparamType = new("response-outparam");
    internal static readonly HostResourceType IncomingResponseType = new("incoming-response");
    internal static readonly HostResourceType IncomingBodyType = new("incoming-body");
    internal static readonly HostResourceType FutureTrailersType = new("future-trailers");
    internal static readonly HostResourceType OutgoingResponseType = new("outgoing-response");
    internal static readonly HostResourceType OutgoingBodyType = new("outgoing-body");
    internal static readonly HostResourceType FutureIncomingResponseType = new("future-incoming-response");

    /// <summary>
    /// Lets the instance of <paramref name="store"/> make outgoing HTTP requests through <paramref name="handler"/>
    /// (call before instantiating, or at any time between calls). Without it every request is denied.
    /// </summary>
    public static void UseOutgoing(ComponentStore store, IOutgoingHttp handler) => store.SetFeature(handler);

    internal static void Define(ComponentLinker linker)
    {
        var types = linker.Instance(WasiHost.Interface("http", "types"));
        DefineFields(types);
        DefineRequests(types);
        DefineResponses(types);
        DefineBodies(types);
        types.Func("http-error-code", (call, args) =>
            WasiIoError.Get(call.Resources, args[0]).Detail is HttpErrorCode code ? WitValue.Some(code.ToWit()) : WitValue.None);

        linker.Instance(WasiHost.Interface("http", "outgoing-handler")).Func("handle", Send);
    }

    private static void DefineFields(LinkerInstance types)
    {
        types.Resource("fields", FieldsType);
        types.Func("[constructor]fields", (call, _) => call.Resources.Own(FieldsType, new HttpFields()));
        types.Func("[static]fields.from-list", (call, args) =>
        {
            var entries = ((WitList)args[0]).Items.Select(e => (WitTuple)e).Select(t => (t.Items[0].AsString(), t.Items[1].AsBytes().ToArray()));
            var fields = HttpFields.FromList(entries, out var error);
            return fields is null ? WitValue.Err(HeaderErrorValue(error!.Value)) : WitValue.Ok(call.Resources.Own(FieldsType, fields));
        });
        types.Func("[method]fields.get", (call, args) =>
            WitValue.List(Fields(call, args[0]).Get(args[1].AsString()).Select(v => WitValue.Bytes(v)).ToList()));
        types.Func("[method]fields.has", (call, args) => WitValue.Bool(Fields(call, args[0]).Has(args[1].AsString())));
        types.Func("[method]fields.set", (call, args) =>
        {
            var values = ((WitList)args[2]).Items.Select(v => v.AsBytes().ToArray()).ToList();
            return HeaderResult(Fields(call, args[0]).Set(args[1].AsString(), values));
        });
        types.Func("[method]fields.delete", (call, args) => HeaderResult(Fields(call, args[0]).Delete(args[1].AsString())));
        types.Func("[method]fields.append", (call, args) =>
            HeaderResult(Fields(call, args[0]).Append(args[1].AsString(), args[2].AsBytes().ToArray())));
        types.Func("[method]fields.entries", (call, args) => WitValue.List(
            Fields(call, args[0]).Entries.Select(e => WitValue.Tuple(WitValue.String(e.Name), WitValue.Bytes(e.Value))).ToList()));
        types.Func("[method]fields.clone", (call, args) => call.Resources.Own(FieldsType, Fields(call, args[0]).Clone()));
    }

    private static void DefineRequests(LinkerInstance types)
    {
        types.Resource("incoming-request", IncomingRequestType);
        types.Func("[method]incoming-request.method", (call, args) => HttpWit.Method(In(call, args[0]).Head.Method));
        types.Func("[method]incoming-request.path-with-query", (call, args) => HttpWit.OptionalString(In(call, args[0]).Head.PathWithQuery));
        types.Func("[method]incoming-request.scheme", (call, args) =>
            In(call, args[0]).Head.Scheme is { } s ? WitValue.Some(HttpWit.Scheme(s)) : WitValue.None);
        types.Func("[method]incoming-request.authority", (call, args) => HttpWit.OptionalString(In(call, args[0]).Head.Authority));
        types.Func("[method]incoming-request.headers", (call, args) => call.Resources.Own(FieldsType, In(call, args[0]).Headers));
        types.Func("[method]incoming-request.consume", (call, args) =>
            In(call, args[0]).Consume() is { } body ? WitValue.Ok(call.Resources.Own(IncomingBodyType, body)) : WitValue.Err());

        types.Resource("outgoing-request", OutgoingRequestType);
        types.Func("[constructor]outgoing-request", (call, args) =>
            call.Resources.Own(OutgoingRequestType, new OutgoingRequest(Take<HttpFields>(call, FieldsType, args[0]))));
        types.Func("[method]outgoing-request.body", (call, args) =>
            Out(call, args[0]).TakeBody() is { } body ? WitValue.Ok(call.Resources.Own(OutgoingBodyType, body)) : WitValue.Err());
        types.Func("[method]outgoing-request.method", (call, args) => HttpWit.Method(Out(call, args[0]).Method));
        types.Func("[method]outgoing-request.set-method", (call, args) =>
        {
            var method = HttpWit.Method(args[1]);
            if (!HttpWit.IsValidMethod(method)) return WitValue.Err();
            Out(call, args[0]).Method = method;
            return WitValue.UnitOk;
        });
        types.Func("[method]outgoing-request.path-with-query", (call, args) => HttpWit.OptionalString(Out(call, args[0]).PathWithQuery));
        types.Func("[method]outgoing-request.set-path-with-query", (call, args) =>
        {
            var path = HttpWit.OptionalString(args[1]);
            if (path is not null && !HttpWit.IsValidPathWithQuery(path)) return WitValue.Err();
            Out(call, args[0]).PathWithQuery = path;
            return WitValue.UnitOk;
        });
        types.Func("[method]outgoing-request.scheme", (call, args) =>
            Out(call, args[0]).Scheme is { } s ? WitValue.Some(HttpWit.Scheme(s)) : WitValue.None);
        types.Func("[method]outgoing-request.set-scheme", (call, args) =>
        {
            var scheme = args[1] is WitOption { Value: { } v } ? HttpWit.Scheme(v) : null;
            if (scheme is not null && !HttpWit.IsValidScheme(scheme)) return WitValue.Err();
            Out(call, args[0]).Scheme = scheme;
            return WitValue.UnitOk;
        });
        types.Func("[method]outgoing-request.authority", (call, args) => HttpWit.OptionalString(Out(call, args[0]).Authority));
        types.Func("[method]outgoing-request.set-authority", (call, args) =>
        {
            var authority = HttpWit.OptionalString(args[1]);
            if (authority is not null && !HttpWit.IsValidAuthority(authority)) return WitValue.Err();
            Out(call, args[0]).Authority = authority;
            return WitValue.UnitOk;
        });
        types.Func("[method]outgoing-request.headers", (call, args) => call.Resources.Own(FieldsType, Out(call, args[0]).Headers));

        types.Resource("request-options", RequestOptionsType);
        types.Func("[constructor]request-options", (call, _) => call.Resources.Own(RequestOptionsType, new RequestOptions()));
        DefineTimeout(types, "connect-timeout", o => o.Connect, (o, t) => o.Connect = t);
        DefineTimeout(types, "first-byte-timeout", o => o.FirstByte, (o, t) => o.FirstByte = t);
        DefineTimeout(types, "between-bytes-timeout", o => o.BetweenBytes, (o, t) => o.BetweenBytes = t);
    }

    private static void DefineTimeout(LinkerInstance types, string name, Func<RequestOptions, TimeSpan?> get, Action<RequestOptions, TimeSpan?> set)
    {
        types.Func($"[method]request-options.{name}", (call, args) =>
            get(Options(call, args[0])) is { } t ? WitValue.Some(WitValue.U64(ToNanoseconds(t))) : WitValue.None);
        types.Func($"[method]request-options.set-{name}", (call, args) =>
        {
            set(Options(call, args[0]), args[1] is WitOption { Value: { } ns } ? FromNanoseconds(ns.AsU64()) : null);
            return WitValue.UnitOk;
        });
    }

    private static void DefineResponses(LinkerInstance types)
    {
        types.Resource("response-outparam", ResponseOutparamType);
        types.Func("[static]response-outparam.set", (call, args) =>
        {
            var outparam = Take<ResponseOutparam>(call, ResponseOutparamType, args[0]);
            var response = (WitResult)args[1];
            if (response.IsOk) outparam.Exchange.Respond(Take<OutgoingResponse>(call, OutgoingResponseType, response.Payload!));
            else outparam.Exchange.Respond(HttpErrorCode.FromWit(response.Payload!));
            return null;
        });

        types.Resource("outgoing-response", OutgoingResponseType);
        types.Func("[constructor]outgoing-response", (call, args) =>
            call.Resources.Own(OutgoingResponseType, new OutgoingResponse(Take<HttpFields>(call, FieldsType, args[0]))));
        types.Func("[method]outgoing-response.status-code", (call, args) => WitValue.U16(Response(call, args[0]).Status));
        types.Func("[method]outgoing-response.set-status-code", (call, args) =>
        {
            var status = (ushort)((WitPrimitive)args[1]).Bits;
            if (status is < 100 or > 999) return WitValue.Err();
            Response(call, args[0]).Status = status;
            return WitValue.UnitOk;
        });
        types.Func("[method]outgoing-response.headers", (call, args) => call.Resources.Own(FieldsType, Response(call, args[0]).Headers));
        types.Func("[method]outgoing-response.body", (call, args) =>
            Response(call, args[0]).TakeBody() is { } body ? WitValue.Ok(call.Resources.Own(OutgoingBodyType, body)) : WitValue.Err());

        types.Resource("incoming-response", IncomingResponseType);
        types.Func("[method]incoming-response.status", (call, args) => WitValue.U16(Upstream(call, args[0]).Status));
        types.Func("[method]incoming-response.headers", (call, args) => call.Resources.Own(FieldsType, Upstream(call, args[0]).Headers));
        types.Func("[method]incoming-response.consume", (call, args) =>
            Upstream(call, args[0]).Consume() is { } body ? WitValue.Ok(call.Resources.Own(IncomingBodyType, body)) : WitValue.Err());

        types.Resource("future-incoming-response", FutureIncomingResponseType);
        types.Func("[method]future-incoming-response.subscribe", (call, args) =>
            WasiPoll.Own(call.Resources, call.Resources.Get<FutureIncomingResponse>(FutureIncomingResponseType, args[0]).Subscribe()));
        types.Func("[method]future-incoming-response.get", (call, args) =>
            call.Resources.Get<FutureIncomingResponse>(FutureIncomingResponseType, args[0]).Get(call.Resources));
    }

    private static void DefineBodies(LinkerInstance types)
    {
        types.Resource("incoming-body", IncomingBodyType);
        types.Func("[method]incoming-body.stream", (call, args) =>
            call.Resources.Get<IncomingBody>(IncomingBodyType, args[0]).TakeStream() is { } stream
                ? WitValue.Ok(WasiStreams.Own(call.Resources, stream))
                : WitValue.Err());
        types.Func("[static]incoming-body.finish", (call, args) =>
            call.Resources.Own(FutureTrailersType, Take<IncomingBody>(call, IncomingBodyType, args[0]).Finish()));

        types.Resource("future-trailers", FutureTrailersType);
        types.Func("[method]future-trailers.subscribe", (call, args) =>
            WasiPoll.Own(call.Resources, call.Resources.Get<FutureTrailers>(FutureTrailersType, args[0]).Subscribe()));
        types.Func("[method]future-trailers.get", (call, args) =>
            call.Resources.Get<FutureTrailers>(FutureTrailersType, args[0]).Get(call.Resources));

        types.Resource("outgoing-body", OutgoingBodyType);
        types.Func("[method]outgoing-body.write", (call, args) =>
            call.Resources.Get<OutgoingBody>(OutgoingBodyType, args[0]).TakeStream() is { } stream
                ? WitValue.Ok(WasiStreams.Own(call.Resources, stream))
                : WitValue.Err());
        types.Func("[static]outgoing-body.finish", (call, args) =>
        {
            var body = Take<OutgoingBody>(call, OutgoingBodyType, args[0]);
            var trailers = args[1] is WitOption { Value: { } t } ? Take<HttpFields>(call, FieldsType, t).ToList() : null;
            return body.Finish(trailers) is { } error ? WitValue.Err(error.ToWit()) : WitValue.UnitOk;
        });
    }

    /// <summary><c>outgoing-handler.handle</c>: hand the request to the store's IOutgoingHttp, or deny it.</summary>
    private static WitValue Send(HostCall call, WitValue[] args)
    {
        var request = Take<OutgoingRequest>(call, OutgoingRequestType, args[0]);
        var options = args[1] is WitOption { Value: { } o } ? Take<RequestOptions>(call, RequestOptionsType, o) : null;
        var handler = call.Store.TryFeature<IOutgoingHttp>();
        HttpErrorCode? refusal = handler is null ? HttpErrorCode.RequestDenied
            : request.Authority is null ? HttpErrorCode.RequestUriInvalid
            : null;
        if (refusal is not null)
        {
            // The guest may still hold the body: its writes fail at once instead of waiting for a reader.
            request.Body?.Pipe.CloseReader();
            return WitValue.Err(refusal.ToWit());
        }
        var body = request.Body is { } b ? new HttpBodyReader(b.Pipe) : null;
        var outgoing = new OutgoingHttpRequest(request.Head, body, options?.ToTimeouts() ?? HttpTimeouts.None);
        return WitValue.Ok(call.Resources.Own(FutureIncomingResponseType, new FutureIncomingResponse(handler!, outgoing)));
    }

    // --- handles ------------------------------------------------------------------------------

    private static HttpFields Fields(HostCall call, WitValue handle) => call.Resources.Get<HttpFields>(FieldsType, handle);
    private static IncomingRequest In(HostCall call, WitValue handle) => call.Resources.Get<IncomingRequest>(IncomingRequestType, handle);
    private static OutgoingRequest Out(HostCall call, WitValue handle) => call.Resources.Get<OutgoingRequest>(OutgoingRequestType, handle);
    private static RequestOptions Options(HostCall call, WitValue handle) => call.Resources.Get<RequestOptions>(RequestOptionsType, handle);
    private static OutgoingResponse Response(HostCall call, WitValue handle) => call.Resources.Get<OutgoingResponse>(OutgoingResponseType, handle);
    private static IncomingResponse Upstream(HostCall call, WitValue handle) => call.Resources.Get<IncomingResponse>(IncomingResponseType, handle);

    /// <summary>An <c>own</c> handle the guest passed in: the object leaves the table, the host holds it now.</summary>
    private static T Take<T>(HostCall call, HostResourceType type, WitValue handle) where T : class
    {
        var value = call.Resources.Get<T>(type, handle);
        call.Resources.Remove(handle.AsResource().Rep);
        return value;
    }

    private static WitValue HeaderResult(HeaderError? error) => error is { } e ? WitValue.Err(HeaderErrorValue(e)) : WitValue.UnitOk;

    private static WitValue HeaderErrorValue(HeaderError error) => WitValue.Variant(error switch
    {
        HeaderError.InvalidSyntax => "invalid-syntax",
        HeaderError.Forbidden => "forbidden",
        _ => "immutable",
    });

    private static ulong ToNanoseconds(TimeSpan t) => (ulong)t.Ticks * 100;

    private static TimeSpan FromNanoseconds(ulong ns) => TimeSpan.FromTicks((long)Math.Min(ns / 100, (ulong)TimeSpan.MaxValue.Ticks));
}
