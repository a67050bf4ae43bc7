// WitValue → JSON. Values know their own kind, so writing is driven by the value; the type, when
// given, only supplies what a value lacks (resource names, the declared order of flags).
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lattice.Wit;

internal static class WitJsonWriter
{
    // Integers beyond ±2^53 are written as strings: JSON readers parse numbers as doubles.
    private const ulong MaxExact = 1UL << 53;

    public static void Write(Utf8JsonWriter w, WitValue? value, WitType? type)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case WitPrimitive p:
                Primitive(w, p);
                break;
            case WitString s:
                w.WriteStringValue(s.Value);
                break;
            case WitBytes b:
                w.WriteStartArray();
                foreach (var x in b.Value.Span) w.WriteNumberValue(x);
                w.WriteEndArray();
                break;
            case WitList l:
                w.WriteStartArray();
                foreach (var item in l.Items) Write(w, item, (type as ListType)?.Element);
                w.WriteEndArray();
                break;
            case WitTuple t:
                w.WriteStartArray();
                for (var i = 0; i < t.Items.Count; i++) Write(w, t.Items[i], type is TupleType tt && i < tt.Types.Count ? tt.Types[i] : null);
                w.WriteEndArray();
                break;
            case WitRecord r:
                w.WriteStartObject();
                foreach (var (name, v) in r.Fields)
                {
                    w.WritePropertyName(name);
                    Write(w, v, (type as RecordType)?.Fields.FirstOrDefault(f => f.Name == name)?.Type);
                }
                w.WriteEndObject();
                break;
            case WitVariant v:
                w.WriteStartObject();
                w.WriteString("tag", v.Case);
                if (v.Payload is not null)
                {
                    w.WritePropertyName("val");
                    Write(w, v.Payload, (type as VariantType)?.Cases.FirstOrDefault(c => c.Name == v.Case)?.Payload);
                }
                w.WriteEndObject();
                break;
            case WitEnum e:
                w.WriteStringValue(e.Case);
                break;
            case WitFlags f:
                w.WriteStartArray();
                var names = type is FlagsType ft ? ft.Names.Where(f.Set.Contains) : f.Set;
                foreach (var name in names) w.WriteStringValue(name);
                w.WriteEndArray();
                break;
            case WitOption o:
                Option(w, o, type as OptionType);
                break;
            case WitResult r:
                w.WriteStartObject();
                w.WritePropertyName(r.IsOk ? "ok" : "err");
                Write(w, r.Payload, type is ResultType rt ? (r.IsOk ? rt.Ok : rt.Err) : null);
                w.WriteEndObject();
                break;
            case WitResource h:
                w.WriteStartObject();
                w.WriteString("$handle", Describe(h, type as HandleType));
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"cannot write a {value.GetType().Name} as JSON", nameof(value));
        }
    }

    private static void Option(Utf8JsonWriter w, WitOption o, OptionType? type)
    {
        if (o.Value is null)
        {
            w.WriteNullValue();
            return;
        }
        if (o.Value is WitOption || type?.Inner is OptionType)
        {
            w.WriteStartObject();
            w.WritePropertyName("some");
            Write(w, o.Value, type?.Inner);
            w.WriteEndObject();
        }
        else Write(w, o.Value, type?.Inner);
    }

    private static void Primitive(Utf8JsonWriter w, WitPrimitive p)
    {
        switch (p.Kind)
        {
            case WitKind.Bool:
                w.WriteBooleanValue(p.Bits != 0);
                break;
            case WitKind.S8 or WitKind.S16 or WitKind.S32:
                w.WriteNumberValue((long)p.Bits);
                break;
            case WitKind.U8 or WitKind.U16 or WitKind.U32:
                w.WriteNumberValue(p.Bits);
                break;
            case WitKind.S64:
                var s = (long)p.Bits;
                if (s >= -(long)MaxExact && s <= (long)MaxExact) w.WriteNumberValue(s);
                else w.WriteStringValue(s.ToString(CultureInfo.InvariantCulture));
                break;
            case WitKind.U64:
                if (p.Bits <= MaxExact) w.WriteNumberValue(p.Bits);
                else w.WriteStringValue(p.Bits.ToString(CultureInfo.InvariantCulture));
                break;
            case WitKind.F32:
                // Shortest text that reads back as the same float: 1.2f prints as 1.2, not 1.2000000476837158.
                var f = p.AsSingle;
                if (float.IsFinite(f)) w.WriteRawValue(f.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
                else w.WriteStringValue(NonFinite(f));
                break;
            case WitKind.F64:
                var d = p.AsDouble;
                if (double.IsFinite(d)) w.WriteNumberValue(d);
                else w.WriteStringValue(NonFinite(d));
                break;
            case WitKind.Char:
                w.WriteStringValue(new Rune((int)p.Bits).ToString());
                break;
            default:
                throw new ArgumentException($"cannot write a {p.Kind} primitive as JSON");
        }
    }

    private static string NonFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";

    private static string Describe(WitResource h, HandleType? type)
    {
        var name = type?.Resource ?? (h.IsHost ? $"host#{h.HostType}" : "guest");
        return $"{(h.Owned ? "own" : "borrow")}<{name}>" + (h.IsHost ? $"#{h.Rep}" : "");
    }
}
