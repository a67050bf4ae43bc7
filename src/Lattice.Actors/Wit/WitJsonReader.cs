// JSON → WitValue, strictly: integers are range-checked per width, records must name exactly their
// fields, and anything unexpected is reported with the path to it. The path is collected while the
// error unwinds, so reading valid input allocates nothing for it.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lattice.Wit;

internal static class WitJsonReader
{
    private const int MaxShown = 40;

    public static WitValue Read(JsonElement json, WitType type, string? path)
    {
        try { return Value(json, type); }
        catch (Problem p)
        {
            p.Segments.Reverse();
            if (!string.IsNullOrEmpty(path)) p.Segments.Insert(0, path);
            throw new WitJsonException(string.Join(", ", p.Segments), p.Message);
        }
    }

    /// <summary>An error on its way up; each container adds its segment of the path.</summary>
    private sealed class Problem(string message) : Exception(message)
    {
        public List<string> Segments { get; } = [];

        public Problem At(string segment)
        {
            Segments.Add(segment);
            return this;
        }
    }

    private static WitValue Value(JsonElement json, WitType type) => type.Kind switch
    {
        WitKind.Bool => json.ValueKind switch
        {
            JsonValueKind.True => WitValue.Bool(true),
            JsonValueKind.False => WitValue.Bool(false),
            _ => throw Expected("true or false", json),
        },
        WitKind.S8 => WitValue.S8((sbyte)Signed(json, type, sbyte.MinValue, sbyte.MaxValue)),
        WitKind.S16 => WitValue.S16((short)Signed(json, type, short.MinValue, short.MaxValue)),
        WitKind.S32 => WitValue.S32((int)Signed(json, type, int.MinValue, int.MaxValue)),
        WitKind.S64 => WitValue.S64(Signed(json, type, long.MinValue, long.MaxValue)),
        WitKind.U8 => WitValue.U8((byte)Unsigned(json, type, byte.MaxValue)),
        WitKind.U16 => WitValue.U16((ushort)Unsigned(json, type, ushort.MaxValue)),
        WitKind.U32 => WitValue.U32((uint)Unsigned(json, type, uint.MaxValue)),
        WitKind.U64 => WitValue.U64(Unsigned(json, type, ulong.MaxValue)),
        WitKind.F32 => WitValue.F32(Single(json)),
        WitKind.F64 => WitValue.F64(Float(json, "f64")),
        WitKind.Char => WitValue.Char(Char(json)),
        WitKind.String => WitValue.String(String(json)),
        WitKind.List => List(json, (ListType)type),
        WitKind.Tuple => Tuple(json, (TupleType)type),
        WitKind.Record => Record(json, (RecordType)type),
        WitKind.Variant => Variant(json, (VariantType)type),
        WitKind.Enum => Enum(json, (EnumType)type),
        WitKind.Flags => Flags(json, (FlagsType)type),
        WitKind.Option => Option(json, (OptionType)type),
        WitKind.Result => Result(json, (ResultType)type),
        WitKind.Own or WitKind.Borrow => throw new Problem("resource handles cannot be given as JSON"),
        _ => throw new Problem($"values of type {type} cannot be given as JSON"),
    };

    // --- scalars ---------------------------------------------------------------------------

    private static long Signed(JsonElement json, WitType type, long min, long max)
    {
        long v = 0;
        var ok = json.ValueKind == JsonValueKind.Number
            ? json.TryGetInt64(out v)
            // 64-bit values beyond 2^53 travel as decimal strings (JSON numbers lose precision there).
            : json.ValueKind == JsonValueKind.String && type.Kind == WitKind.S64 &&
              long.TryParse(json.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);
        return ok && v >= min && v <= max ? v : throw Expected($"an integer in {type} range", json);
    }

    private static ulong Unsigned(JsonElement json, WitType type, ulong max)
    {
        ulong v = 0;
        var ok = json.ValueKind == JsonValueKind.Number
            ? json.TryGetUInt64(out v)
            : json.ValueKind == JsonValueKind.String && type.Kind == WitKind.U64 &&
              ulong.TryParse(json.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out v);
        return ok && v <= max ? v : throw Expected($"an integer in {type} range", json);
    }

    private static float Single(JsonElement json)
    {
        var d = Float(json, "f32");
        var f = (float)d;
        // A finite number too large for single precision would silently become infinity.
        return float.IsInfinity(f) && !double.IsInfinity(d) ? throw Expected("a number in f32 range", json) : f;
    }

    private static double Float(JsonElement json, string type)
    {
        if (json.ValueKind == JsonValueKind.Number && json.TryGetDouble(out var d) && double.IsFinite(d)) return d;
        if (json.ValueKind == JsonValueKind.String)
        {
            switch (json.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity": return double.PositiveInfinity;
                case "-Infinity": return double.NegativeInfinity;
            }
        }
        throw Expected($"a number (or \"NaN\", \"Infinity\", \"-Infinity\") in {type} range", json);
    }

    private static Rune Char(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.String && TryString(json) is { Length: > 0 } s &&
            Rune.DecodeFromUtf16(s, out var rune, out var used) == System.Buffers.OperationStatus.Done && used == s.Length)
            return rune;
        throw Expected("a string of exactly one character", json);
    }

    private static string String(JsonElement json) =>
        json.ValueKind == JsonValueKind.String && TryString(json) is { } s ? s : throw Expected("a string", json);

    /// <summary>Null for JSON text that is not valid Unicode (a lone surrogate escape), which WIT strings cannot hold.</summary>
    private static string? TryString(JsonElement json)
    {
        try { return json.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    // --- compounds -------------------------------------------------------------------------

    private static WitValue List(JsonElement json, ListType type)
    {
        if (json.ValueKind != JsonValueKind.Array) throw Expected($"an array for {type}", json);
        var n = json.GetArrayLength();
        if (type.Element.Kind == WitKind.U8)
        {
            // list<u8> is one block of bytes, not one object per byte.
            var bytes = new byte[n];
            var i = 0;
            foreach (var item in json.EnumerateArray())
            {
                try { bytes[i] = (byte)Unsigned(item, WitType.U8, byte.MaxValue); }
                catch (Problem p) { throw p.At($"element {i}"); }
                i++;
            }
            return WitValue.Bytes(bytes);
        }
        var items = new WitValue[n];
        var k = 0;
        foreach (var item in json.EnumerateArray())
        {
            try { items[k] = Value(item, type.Element); }
            catch (Problem p) { throw p.At($"element {k}"); }
            k++;
        }
        return WitValue.List(items);
    }

    private static WitValue Tuple(JsonElement json, TupleType type)
    {
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() != type.Types.Count)
            throw Expected($"an array of {type.Types.Count} element(s) for {type}", json);
        var items = new WitValue[type.Types.Count];
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            try { items[i] = Value(item, type.Types[i]); }
            catch (Problem p) { throw p.At($"tuple element {i}"); }
            i++;
        }
        return WitValue.Tuple(items);
    }

    private static WitValue Record(JsonElement json, RecordType type)
    {
        var names = string.Join(", ", type.Fields.Select(f => f.Name));
        if (json.ValueKind != JsonValueKind.Object) throw Expected($"an object with fields {{{names}}}", json);
        var given = Properties(json, "field");
        foreach (var name in given.Keys)
            if (!type.Fields.Any(f => f.Name == name)) throw new Problem($"unknown field '{name}' (fields: {names})");
        var fields = new (string, WitValue)[type.Fields.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = type.Fields[i];
            if (!given.TryGetValue(field.Name, out var v)) throw new Problem($"missing field '{field.Name}' (fields: {names})");
            try { fields[i] = (field.Name, Value(v, field.Type)); }
            catch (Problem p) { throw p.At($"field '{field.Name}'"); }
        }
        return WitValue.Record(fields);
    }

    private static WitValue Variant(JsonElement json, VariantType type)
    {
        var cases = string.Join(", ", type.Cases.Select(c => c.Name));
        if (json.ValueKind != JsonValueKind.Object) throw Expected($"{{\"tag\": case, \"val\": payload}} with a case of {cases}", json);
        var props = Properties(json, "key");
        foreach (var key in props.Keys)
            if (key is not ("tag" or "val")) throw new Problem($"unexpected key '{key}' in a variant (only \"tag\" and \"val\")");
        if (!props.TryGetValue("tag", out var tag) || tag.ValueKind != JsonValueKind.String)
            throw new Problem($"a variant needs \"tag\": one of {cases}");
        var name = tag.GetString()!;
        var index = type.IndexOf(name);
        if (index < 0) throw new Problem($"unknown case '{name}' (cases: {cases})");
        var payloadType = type.Cases[index].Payload;
        var hasVal = props.TryGetValue("val", out var val);
        if (payloadType is null)
            return hasVal && val.ValueKind != JsonValueKind.Null
                ? throw new Problem($"case '{name}' has no payload, got \"val\": {Show(val)}")
                : WitValue.Variant(name);
        if (!hasVal)
            return payloadType.Kind == WitKind.Option ? WitValue.Variant(name, WitValue.None) : throw new Problem($"case '{name}' needs \"val\" ({payloadType})");
        try { return WitValue.Variant(name, Value(val, payloadType)); }
        catch (Problem p) { throw p.At($"case '{name}'"); }
    }

    private static WitValue Enum(JsonElement json, EnumType type)
    {
        if (json.ValueKind == JsonValueKind.String && json.GetString() is { } name && type.Names.Contains(name))
            return WitValue.Enum(name);
        throw Expected("one of " + string.Join(", ", type.Names.Select(n => $"\"{n}\"")), json);
    }

    private static WitValue Flags(JsonElement json, FlagsType type)
    {
        var all = string.Join(", ", type.Names);
        if (json.ValueKind != JsonValueKind.Array) throw Expected($"an array of flag names ({all})", json);
        var set = new List<string>();
        foreach (var item in json.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Expected($"a flag name ({all})", item);
            if (!type.Names.Contains(name)) throw new Problem($"unknown flag '{name}' (flags: {all})");
            if (set.Contains(name)) throw new Problem($"flag '{name}' given twice");
            set.Add(name);
        }
        return WitValue.Flags([.. set]);
    }

    private static WitValue Option(JsonElement json, OptionType type)
    {
        if (json.ValueKind == JsonValueKind.Null) return WitValue.None;
        var inner = json;
        // option<option<T>>: a bare null would be ambiguous, so some is spelled {"some": v}.
        if (type.Inner.Kind == WitKind.Option &&
            !(json.ValueKind == JsonValueKind.Object && Properties(json, "key") is { Count: 1 } p && p.TryGetValue("some", out inner)))
            throw Expected($"null or {{\"some\": value}} for {type}", json);
        try { return WitValue.Some(Value(inner, type.Inner)); }
        catch (Problem e) { throw e.At("some"); }
    }

    private static WitValue Result(JsonElement json, ResultType type)
    {
        if (json.ValueKind == JsonValueKind.Object && Properties(json, "key") is { Count: 1 } p)
        {
            var (key, payload) = p.First();
            var payloadType = key switch { "ok" => type.Ok, "err" => type.Err, _ => null };
            if (key is "ok" or "err")
            {
                if (payloadType is null)
                    return payload.ValueKind == JsonValueKind.Null
                        ? key == "ok" ? WitValue.Ok() : WitValue.Err()
                        : throw new Problem($"{key} has no payload in {type}, got {Show(payload)}");
                WitValue v;
                try { v = Value(payload, payloadType); }
                catch (Problem e) { throw e.At(key); }
                return key == "ok" ? WitValue.Ok(v) : WitValue.Err(v);
            }
        }
        throw Expected($"{{\"ok\": ...}} or {{\"err\": ...}} for {type}", json);
    }

    // --- plumbing --------------------------------------------------------------------------

    private static Dictionary<string, JsonElement> Properties(JsonElement json, string what)
    {
        var props = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in json.EnumerateObject())
            if (!props.TryAdd(p.Name, p.Value)) throw new Problem($"{what} '{p.Name}' given twice");
        return props;
    }

    private static Problem Expected(string what, JsonElement got) => new($"expected {what}, got {Show(got)}");

    private static string Show(JsonElement json)
    {
        var text = json.GetRawText();
        return text.Length <= MaxShown ? text : text[..MaxShown] + "…";
    }
}
