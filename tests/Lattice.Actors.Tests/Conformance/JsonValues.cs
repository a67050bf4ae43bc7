using Lattice.Wit;

namespace Lattice.Tests.Conformance;

/// <summary>Structural equality of WIT values as the corpus compares them (NaN equals NaN).</summary>
internal static class JsonValues
{
    public static bool Equal(WitValue? a, WitValue? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Kind != b.Kind) return false;
        return (a, b) switch
        {
            (WitPrimitive x, WitPrimitive y) when x.Kind == WitKind.F32 => x.Bits == y.Bits || (float.IsNaN(x.AsSingle) && float.IsNaN(y.AsSingle)),
            (WitPrimitive x, WitPrimitive y) when x.Kind == WitKind.F64 => x.Bits == y.Bits || (double.IsNaN(x.AsDouble) && double.IsNaN(y.AsDouble)),
            (WitPrimitive x, WitPrimitive y) => x.Bits == y.Bits,
            (WitString x, WitString y) => x.Value == y.Value,
            (_, _) when a.Kind == WitKind.List && a is not WitList && b is not WitList => a.AsBytes().Span.SequenceEqual(b.AsBytes().Span),
            (WitBytes x, WitList y) => Items(x.Value.ToArray().Select(v => WitValue.U8(v)).ToList(), y.Items),
            (WitList x, WitBytes y) => Items(x.Items, y.Value.ToArray().Select(v => WitValue.U8(v)).ToList()),
            (WitList x, WitList y) => Items(x.Items, y.Items),
            (WitTuple x, WitTuple y) => Items(x.Items, y.Items),
            (WitRecord x, WitRecord y) => x.Fields.Count == y.Fields.Count
                && x.Fields.Zip(y.Fields).All(p => p.Item1.Name == p.Item2.Name && Equal(p.Item1.Value, p.Item2.Value)),
            (WitVariant x, WitVariant y) => x.Case == y.Case && Equal(x.Payload, y.Payload),
            (WitEnum x, WitEnum y) => x.Case == y.Case,
            (WitFlags x, WitFlags y) => x.Set.Order().SequenceEqual(y.Set.Order()),
            (WitOption x, WitOption y) => Equal(x.Value, y.Value),
            (WitResult x, WitResult y) => x.IsOk == y.IsOk && Equal(x.Payload, y.Payload),
            _ => false,
        };
    }

    private static bool Items(IReadOnlyList<WitValue> a, IReadOnlyList<WitValue> b) =>
        a.Count == b.Count && a.Zip(b).All(p => Equal(p.Item1, p.Item2));
}
