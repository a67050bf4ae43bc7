using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>
/// Compares corpus JSON values structurally, guided by the corpus type descriptor where one is known:
/// f32 at single precision, 64-bit integers whether written as numbers or strings, a variant's
/// missing "val" the same as null.
/// </summary>
internal static class JsonMatch
{
    /// <summary>Null when equal, otherwise where and how they differ.</summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual, JsonNode? type, string path = "$")
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : Differ(path, expected, actual);
        var kind = TypeKind(type);
        switch (kind)
        {
            case "f32":
                return SameFloat(expected, actual, single: true) ? null : Differ(path, expected, actual);
            case "f64":
                return SameFloat(expected, actual, single: false) ? null : Differ(path, expected, actual);
            case "u64" or "s64" or "u32" or "s32" or "u16" or "s16" or "u8" or "s8":
                return Integer(expected) is { } e && e == Integer(actual) ? null : Differ(path, expected, actual);
            case "list":
                return Items(expected, actual, _ => type!["list"], path);
            case "tuple":
                return Items(expected, actual, i => type!["tuple"]?[i], path);
            case "option":
                var inner = type!["option"];
                if (TypeKind(inner) == "option")
                    return expected is JsonObject && actual is JsonObject
                        ? Difference(expected["some"], actual["some"], inner, path + ".some")
                        : Differ(path, expected, actual);
                return Difference(expected, actual, inner, path);
            case "result":
                return Fields(expected, actual, key => type!["result"]?[key], path);
            case "record":
                return Fields(expected, actual, key => FieldType(type!["record"], key), path);
            case "variant":
                if (expected is not JsonObject || actual is not JsonObject) return Differ(path, expected, actual);
                var tag = (string?)expected["tag"];
                if (tag != (string?)actual["tag"]) return Differ(path + ".tag", expected["tag"], actual["tag"]);
                return Difference(expected["val"], actual["val"], FieldType(type!["variant"], tag!), $"{path}({tag})");
        }
        // Unknown or plain types: same shape, numbers by value.
        if (expected is JsonArray && actual is JsonArray)
            return Items(expected, actual, _ => null, path);
        if (expected is JsonObject && actual is JsonObject)
            return Fields(expected, actual, _ => null, path);
        if (expected.GetValueKind() == JsonValueKind.Number && actual.GetValueKind() == JsonValueKind.Number)
            return (double)expected == (double)actual ? null : Differ(path, expected, actual);
        return JsonNode.DeepEquals(expected, actual) ? null : Differ(path, expected, actual);
    }

    private static string? TypeKind(JsonNode? type) => type switch
    {
        JsonValue v => (string?)v,
        JsonObject o => o.Select(p => p.Key).FirstOrDefault(),
        _ => null,
    };

    private static JsonNode? FieldType(JsonNode? pairs, string name) =>
        pairs?.AsArray().FirstOrDefault(p => (string?)p![0] == name)?[1];

    private static string? Items(JsonNode expected, JsonNode actual, Func<int, JsonNode?> type, string path)
    {
        if (expected is not JsonArray e || actual is not JsonArray a || e.Count != a.Count) return Differ(path, expected, actual);
        for (var i = 0; i < e.Count; i++)
            if (Difference(e[i], a[i], type(i), $"{path}[{i}]") is { } d) return d;
        return null;
    }

    private static string? Fields(JsonNode expected, JsonNode actual, Func<string, JsonNode?> type, string path)
    {
        if (expected is not JsonObject e || actual is not JsonObject a) return Differ(path, expected, actual);
        var keys = e.Select(p => p.Key).Union(a.Select(p => p.Key));
        foreach (var key in keys)
            if (Difference(e[key], a[key], type(key), $"{path}.{key}") is { } d) return d;
        return null;
    }

    private static bool SameFloat(JsonNode expected, JsonNode actual, bool single)
    {
        if (expected.GetValueKind() != JsonValueKind.Number || actual.GetValueKind() != JsonValueKind.Number)
            return JsonNode.DeepEquals(expected, actual); // "NaN", "Infinity", "-Infinity"
        var (e, a) = ((double)expected, (double)actual);
        return single ? (float)e == (float)a : e == a;
    }

    private static BigInteger? Integer(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Number => BigInteger.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null,
        JsonValueKind.String => BigInteger.TryParse((string?)node, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : null,
        _ => null,
    };

    private static string Differ(string path, JsonNode? expected, JsonNode? actual) =>
        $"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}";
}
