using Lattice.Wit;

namespace Lattice.Tests.Wasm;

/// <summary>Structural equality of WIT values, for round-trip assertions.</summary>
internal static class WitValueAssert
{
    public static void Equal(WitValue? expected, WitValue? actual, string path = "value")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected?.Kind.ToString() ?? "null"}, got {actual?.Kind.ToString() ?? "null"}");
            return;
        }
        Assert.True(expected.Kind == actual.Kind, $"{path}: expected kind {expected.Kind}, got {actual.Kind}");
        switch (expected)
        {
            case WitPrimitive p:
                Assert.True(p.Bits == ((WitPrimitive)actual).Bits, $"{path}: expected {p}, got {actual}");
                break;
            case WitString s:
                Assert.Equal(s.Value, ((WitString)actual).Value);
                break;
            case WitBytes b:
                Assert.True(b.Value.Span.SequenceEqual(actual.AsBytes().Span), $"{path}: bytes differ");
                break;
            case WitList l:
                Items(l.Items, ((WitList)actual).Items, path);
                break;
            case WitTuple t:
                Items(t.Items, ((WitTuple)actual).Items, path);
                break;
            case WitRecord r:
                var ar = (WitRecord)actual;
                Assert.Equal(r.Fields.Select(f => f.Name), ar.Fields.Select(f => f.Name));
                for (var i = 0; i < r.Fields.Count; i++) Equal(r.Fields[i].Value, ar.Fields[i].Value, $"{path}.{r.Fields[i].Name}");
                break;
            case WitVariant v:
                Assert.Equal(v.Case, ((WitVariant)actual).Case);
                Equal(v.Payload, ((WitVariant)actual).Payload, $"{path}({v.Case})");
                break;
            case WitEnum e:
                Assert.Equal(e.Case, ((WitEnum)actual).Case);
                break;
            case WitFlags f:
                Assert.Equal(f.Set.Order(), ((WitFlags)actual).Set.Order());
                break;
            case WitOption o:
                Equal(o.Value, ((WitOption)actual).Value, path + "?");
                break;
            case WitResult res:
                Assert.Equal(res.IsOk, ((WitResult)actual).IsOk);
                Equal(res.Payload, ((WitResult)actual).Payload, path + (res.IsOk ? ".ok" : ".err"));
                break;
            default:
                throw new InvalidOperationException($"cannot compare {expected.GetType().Name}");
        }
    }

    private static void Items(IReadOnlyList<WitValue> expected, IReadOnlyList<WitValue> actual, string path)
    {
        Assert.True(expected.Count == actual.Count, $"{path}: expected {expected.Count} items, got {actual.Count}");
        for (var i = 0; i < expected.Count; i++) Equal(expected[i], actual[i], $"{path}[{i}]");
    }
}
