using Lattice.Wasm;

namespace Lattice.Wit;

/// <summary>
/// Checks values against WIT types before anything reaches Wasmtime: a wrong kind inside a call would
/// kill the store, so it is caught here and reported with the path to the bad part
/// (<c>parameter 'p', field 'label': expected string, got u32</c>).
/// </summary>
public static class WitTypeCheck
{
    public static void CheckArguments(string function, FunctionType type, IReadOnlyList<WitValue> args)
    {
        if (args.Count != type.Params.Count)
            throw new WitTypeMismatchException($"{function} takes {type.Params.Count} argument(s) ({string.Join(", ", type.Params.Select(p => $"{p.Name}: {p.Type}"))}), got {args.Count}");
        for (var i = 0; i < args.Count; i++)
        {
            var error = Check(args[i], type.Params[i].Type);
            if (error is not null) throw new WitTypeMismatchException($"{function}: parameter '{type.Params[i].Name}'{error}");
        }
    }

    /// <summary>Null when <paramref name="value"/> fits <paramref name="type"/>, otherwise ": what is wrong" prefixed by its path.</summary>
    public static string? Check(WitValue value, WitType type)
    {
        switch (type)
        {
            case PrimitiveType:
                return value is WitPrimitive p && p.Kind == type.Kind || value is WitString && type.Kind == WitKind.String
                    ? null : Expected(type, value);
            case ListType l:
                if (value is WitBytes) return l.Element.Kind == WitKind.U8 ? null : Expected(type, value);
                if (value is not WitList list) return Expected(type, value);
                for (var i = 0; i < list.Items.Count; i++)
                    if (Check(list.Items[i], l.Element) is { } e) return $", element {i}{e}";
                return null;
            case RecordType r:
                if (value is not WitRecord rec) return Expected(type, value);
                if (rec.Fields.Count != r.Fields.Count || !rec.Fields.Select(f => f.Name).SequenceEqual(r.Fields.Select(f => f.Name)))
                    return $": expected fields {{{string.Join(", ", r.Fields.Select(f => f.Name))}}}, got {{{string.Join(", ", rec.Fields.Select(f => f.Name))}}}";
                for (var i = 0; i < r.Fields.Count; i++)
                    if (Check(rec.Fields[i].Value, r.Fields[i].Type) is { } e) return $", field '{r.Fields[i].Name}'{e}";
                return null;
            case TupleType t:
                if (value is not WitTuple tup) return Expected(type, value);
                if (tup.Items.Count != t.Types.Count) return $": expected a tuple of {t.Types.Count}, got {tup.Items.Count}";
                for (var i = 0; i < t.Types.Count; i++)
                    if (Check(tup.Items[i], t.Types[i]) is { } e) return $", tuple element {i}{e}";
                return null;
            case VariantType v:
            {
                if (value is not WitVariant var) return Expected(type, value);
                var idx = v.IndexOf(var.Case);
                if (idx < 0) return $": '{var.Case}' is not a case of {type}";
                var payload = v.Cases[idx].Payload;
                if (payload is null) return var.Payload is null ? null : $": case '{var.Case}' has no payload";
                if (var.Payload is null) return $": case '{var.Case}' needs a {payload} payload";
                return Check(var.Payload, payload) is { } e ? $", case '{var.Case}'{e}" : null;
            }
            case EnumType en:
                if (value is not WitEnum ev) return Expected(type, value);
                return en.Names.Contains(ev.Case) ? null : $": '{ev.Case}' is not a case of {type}";
            case FlagsType f:
                if (value is not WitFlags fv) return Expected(type, value);
                foreach (var name in fv.Set) if (!f.Names.Contains(name)) return $": '{name}' is not a flag of {type}";
                return null;
            case OptionType o:
                if (value is not WitOption ov) return Expected(type, value);
                return ov.Value is null ? null : Check(ov.Value, o.Inner) is { } oe ? $", some{oe}" : null;
            case ResultType rt:
            {
                if (value is not WitResult rv) return Expected(type, value);
                var payloadType = rv.IsOk ? rt.Ok : rt.Err;
                var which = rv.IsOk ? "ok" : "err";
                if (payloadType is null) return rv.Payload is null ? null : $": {which} has no payload in {type}";
                if (rv.Payload is null) return $": {which} needs a {payloadType} payload";
                return Check(rv.Payload, payloadType) is { } e ? $", {which}{e}" : null;
            }
            case HandleType h:
                if (value is not WitResource res) return Expected(type, value);
                // An own handle may be lent where a borrow is expected; not the other way round.
                return h.Kind == WitKind.Own && !res.Owned ? $": expected an owned {h.Resource} handle, got a borrow" : null;
            default:
                return $": values of type {type} cannot be passed from the host";
        }
    }

    private static string Expected(WitType type, WitValue value) => $": expected {type}, got {Describe(value)}";

    private static string Describe(WitValue v) => v switch
    {
        WitBytes => "list<u8>",
        WitResource r => r.Owned ? "own handle" : "borrow handle",
        _ => v.Kind.ToString().ToLowerInvariant(),
    };
}
