// The JSON form of WIT values: what `lattice call` reads and prints, what the conformance corpus
// (cases.json, "JSON value convention") is written in. JSON alone is ambiguous (is 3 a u8 or an
// f64? is null a none or a unit ok?), so every conversion is driven by the WIT type.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lattice.Wit;

public static class WitJson
{
    // Relaxed escaping keeps non-ASCII text readable on a terminal; the output is still valid JSON.
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Reads <paramref name="json"/> as a value of <paramref name="type"/>. <paramref name="path"/> names
    /// the value in error messages (e.g. <c>argument 2 (point)</c>).
    /// </summary>
    /// <exception cref="WitJsonException">The JSON does not fit the type.</exception>
    public static WitValue FromJson(JsonElement json, WitType type, string? path = null) =>
        WitJsonReader.Read(json, type, path);

    /// <inheritdoc cref="FromJson(JsonElement, WitType, string?)"/>
    public static WitValue FromJson(string json, WitType type, string? path = null)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new WitJsonException(path ?? "", $"invalid JSON ({FirstSentence(e.Message)})"); }
        using (doc) return FromJson(doc.RootElement, type, path);
    }

    /// <summary>Writes <paramref name="value"/> (null → JSON <c>null</c>); <paramref name="type"/> refines names and order when known.</summary>
    public static void Write(Utf8JsonWriter writer, WitValue? value, WitType? type) => WitJsonWriter.Write(writer, value, type);

    public static string ToJson(WitValue? value, WitType? type)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact)) Write(writer, value, type);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// The corpus's structural type descriptor: <c>"u32"</c>, <c>{"list": T}</c>, <c>{"record": [[field, T]...]}</c>...
    /// </summary>
    public static JsonNode DescribeType(WitType type) => type switch
    {
        PrimitiveType => JsonValue.Create(type.ToString()),
        ListType l => new JsonObject { ["list"] = DescribeType(l.Element) },
        OptionType o => new JsonObject { ["option"] = DescribeType(o.Inner) },
        TupleType t => new JsonObject { ["tuple"] = new JsonArray([.. t.Types.Select(DescribeType)]) },
        ResultType r => new JsonObject { ["result"] = new JsonObject { ["ok"] = DescribeOrNull(r.Ok), ["err"] = DescribeOrNull(r.Err) } },
        RecordType r => new JsonObject { ["record"] = new JsonArray([.. r.Fields.Select(f => Pair(f.Name, f.Type))]) },
        VariantType v => new JsonObject { ["variant"] = new JsonArray([.. v.Cases.Select(c => Pair(c.Name, c.Payload))]) },
        EnumType e => new JsonObject { ["enum"] = new JsonArray([.. e.Names.Select(n => JsonValue.Create(n))]) },
        FlagsType f => new JsonObject { ["flags"] = new JsonArray([.. f.Names.Select(n => JsonValue.Create(n))]) },
        HandleType h => new JsonObject { [h.Kind == WitKind.Own ? "own" : "borrow"] = h.Resource ?? $"resource#{h.ResourceId}" },
        MapType m => new JsonObject { ["map"] = new JsonArray(DescribeType(m.Key), DescribeType(m.Value)) },
        AsyncValueType a => new JsonObject { [a.Kind == WitKind.Future ? "future" : "stream"] = DescribeOrNull(a.Element) },
        _ => JsonValue.Create(type.ToString()),
    };

    private static JsonNode? DescribeOrNull(WitType? type) => type is null ? null : DescribeType(type);

    private static JsonArray Pair(string name, WitType? type) => new(JsonValue.Create(name), DescribeOrNull(type));

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.');
    }
}

/// <summary>
/// JSON that does not fit a WIT type. The message is one line: the path to the bad part, then what is
/// wrong (<c>argument 2 (point), field 'x': expected an integer in s32 range, got "abc"</c>).
/// </summary>
public sealed class WitJsonException(string path, string problem)
    : FormatException(path.Length == 0 ? problem : $"{path}: {problem}")
{
    /// <summary>Where the problem is, e.g. <c>field 'x', element 3</c>; empty for the value itself.</summary>
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
