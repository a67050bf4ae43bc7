// Facts about a WIT type's wire form that the decoder needs before it reads anything: the fewest
// bytes any value of the type takes (so a list count can be checked against the bytes at hand before
// anything is allocated for it), and which parts of a type carry async values (WrpcAsyncPaths).
namespace Lattice.Wit.Wrpc;

internal static class WrpcTypeFacts
{
    /// <summary>The smallest encoding of any value of <paramref name="type"/>; 0 only for types with a single, empty value.</summary>
    public static long MinSize(WitType type, WrpcOptions options) => type switch
    {
        PrimitiveType p => p.Kind switch
        {
            WitKind.F32 => 4,
            WitKind.F64 => 8,
            _ => 1,
        },
        RecordType r => Sum(r.Fields.Select(f => f.Type), options),
        TupleType t => Sum(t.Types, options),
        VariantType v => 1 + (v.Cases.Count == 0 ? 0 : v.Cases.Min(c => c.Payload is null ? 0 : MinSize(c.Payload, options))),
        FlagsType f => (f.Names.Count + 7) / 8,
        ResultType res => 1 + Math.Min(res.Ok is null ? 0 : MinSize(res.Ok, options), res.Err is null ? 0 : MinSize(res.Err, options)),
        // An input-stream handle sent as a byte stream writes nothing inline.
        HandleType h => options.IsByteStream?.Invoke(h) == true ? 0 : 1,
        _ => 1, // list, string, enum, option, future, stream: at least a count or tag byte
    };

    private static long Sum(IEnumerable<WitType> types, WrpcOptions options)
    {
        long sum = 0;
        foreach (var t in types) sum = Math.Min(sum + MinSize(t, options), long.MaxValue / 2);
        return sum;
    }
}
