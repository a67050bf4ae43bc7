// Which paths of a function's params or results can carry async data, as patterns with `*` for list
// and stream elements. A transport subscribes to `Rs.params.<path>` / `Rc.results.<path>` for each
// before the handshake (the Rust transport drops messages on subjects it did not subscribe to first).
// The rules follow wrpc-introspect's async_paths_tyid.
namespace Lattice.Wit.Wrpc;

public static class WrpcAsyncPaths
{
    /// <summary>Patterns for a params or results tuple: each starts with the position in the tuple.</summary>
    public static IReadOnlyList<WrpcPath> Of(IReadOnlyList<WitType> types, WrpcOptions? options = null)
    {
        options ??= WrpcOptions.Default;
        var paths = new List<WrpcPath>();
        for (var i = 0; i < types.Count; i++)
        {
            var (nested, isAsync) = Walk(types[i], options);
            foreach (var p in nested) Add(paths, p.Prepend(i));
            if (isAsync) Add(paths, new WrpcPath(i));
        }
        return paths;
    }

    /// <summary>Patterns relative to one value of <paramref name="type"/> (the value itself is the empty path).</summary>
    public static IReadOnlyList<WrpcPath> OfValue(WitType type, WrpcOptions? options = null)
    {
        var (nested, isAsync) = Walk(type, options ?? WrpcOptions.Default);
        if (isAsync) Add(nested, WrpcPath.Root);
        return nested;
    }

    /// <summary>True when values of <paramref name="type"/> can have parts sent on their own paths.</summary>
    public static bool HasAsync(WitType type, WrpcOptions? options = null)
    {
        var (nested, isAsync) = Walk(type, options ?? WrpcOptions.Default);
        return isAsync || nested.Count > 0;
    }

    // Nested paths below the value, and whether the value itself is async.
    private static (List<WrpcPath> Nested, bool IsAsync) Walk(WitType type, WrpcOptions options)
    {
        var paths = new List<WrpcPath>();
        switch (type)
        {
            case ListType l:
                Elements(paths, l.Element, options);
                return (paths, false);
            case OptionType o:
                return Walk(o.Inner, options);
            case ResultType r:
            {
                var isAsync = false;
                foreach (var t in new[] { r.Ok, r.Err })
                {
                    if (t is null) continue;
                    var (n, a) = Walk(t, options);
                    foreach (var p in n) Add(paths, p);
                    isAsync |= a;
                }
                return (paths, isAsync);
            }
            case VariantType v:
            {
                var isAsync = false;
                foreach (var c in v.Cases)
                {
                    if (c.Payload is null) continue;
                    var (n, a) = Walk(c.Payload, options);
                    foreach (var p in n) Add(paths, p);
                    isAsync |= a;
                }
                return (paths, isAsync);
            }
            case TupleType t:
                Members(paths, t.Types, options);
                return (paths, false);
            case RecordType rec:
                Members(paths, rec.Fields.Select(f => f.Type).ToList(), options);
                return (paths, false);
            case AsyncValueType { Kind: WitKind.Future } f:
                return (f.Element is null ? paths : Walk(f.Element, options).Nested, true);
            case AsyncValueType s:
                if (s.Element is not null) Elements(paths, s.Element, options);
                return (paths, true);
            case HandleType h:
                return (paths, options.IsByteStream?.Invoke(h) == true);
            default:
                return (paths, false);
        }
    }

    private static void Elements(List<WrpcPath> paths, WitType element, WrpcOptions options)
    {
        var (n, a) = Walk(element, options);
        foreach (var p in n) Add(paths, p.Prepend(WrpcPath.Any));
        if (a) Add(paths, new WrpcPath(WrpcPath.Any));
    }

    private static void Members(List<WrpcPath> paths, IReadOnlyList<WitType> types, WrpcOptions options)
    {
        for (var i = 0; i < types.Count; i++)
        {
            var (n, a) = Walk(types[i], options);
            foreach (var p in n) Add(paths, p.Prepend(i));
            if (a) Add(paths, new WrpcPath(i));
        }
    }

    private static void Add(List<WrpcPath> paths, WrpcPath path)
    {
        if (!paths.Contains(path)) paths.Add(path);
    }
}
