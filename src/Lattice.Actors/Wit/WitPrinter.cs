// A component's world for people (`lattice inspect`: WIT-like text) and for tools (JSON with the
// corpus's structural type descriptors).
//
// Wasmtime's function types carry no type names, only structure. To print `func(p: point)` rather
// than the record spelled out, a compound type that is structurally equal to exactly one named type
// of the same interface (or of the world) is printed by that name.
using System.Text;
using System.Text.Json.Nodes;
using Lattice.Wasm;

namespace Lattice.Wit;

public static class WitPrinter
{
    private const string Indent = "  ";

    public static string Print(ComponentWorld world)
    {
        var text = new StringBuilder("world component {\n");
        var rootNames = NamedTypes(world.Imports.Concat(world.Exports), null);
        Items(text, "import ", world.Imports, rootNames, Indent);
        Items(text, "export ", world.Exports, rootNames, Indent);
        return text.Append("}\n").ToString();
    }

    public static JsonNode ToJson(ComponentWorld world) => new JsonObject
    {
        ["imports"] = new JsonArray([.. world.Imports.Select(ItemJson)]),
        ["exports"] = new JsonArray([.. world.Exports.Select(ItemJson)]),
    };

    // --- text ------------------------------------------------------------------------------

    private static void Items(StringBuilder text, string direction, IEnumerable<WorldItem> items, TypeNames names, string indent)
    {
        foreach (var item in items)
        {
            text.Append(indent).Append(direction);
            switch (item)
            {
                case WorldFunction f:
                    text.Append(f.Name).Append(": ").Append(Signature(f.Type, names)).Append(";\n");
                    break;
                case WorldInterface i:
                    var inner = NamedTypes(i.Items, names);
                    text.Append(i.Name).Append(": interface {");
                    if (i.Items.Count == 0) { text.Append("}\n"); break; }
                    text.Append('\n');
                    Items(text, "", i.Items, inner, indent + Indent);
                    text.Append(indent).Append("}\n");
                    break;
                case WorldResource r:
                    text.Append("resource ").Append(r.Name).Append(";\n");
                    break;
                case WorldType t:
                    // The declaration itself is spelled out: naming it after itself would say nothing.
                    text.Append("type ").Append(t.Name).Append(" = ").Append(TypeText(t.Type, names, top: true)).Append(";\n");
                    break;
                case WorldOther o:
                    text.Append(o.Name).Append(": ").Append(o.What).Append(";\n");
                    break;
            }
        }
    }

    private static string Signature(FunctionType type, TypeNames names) =>
        "func(" + string.Join(", ", type.Params.Select(p => $"{p.Name}: {TypeText(p.Type, names)}")) + ")" +
        (type.Result is null ? "" : " -> " + TypeText(type.Result, names));

    /// <summary>WIT syntax like <see cref="WitType.ToString"/>, with named types by name and handles as <c>own&lt;r&gt;</c>.</summary>
    private static string TypeText(WitType type, TypeNames names, bool top = false)
    {
        if (!top && names.NameOf(type) is { } name) return name;
        string T(WitType t) => TypeText(t, names);
        return type switch
        {
            ListType l => $"list<{T(l.Element)}>",
            OptionType o => $"option<{T(o.Inner)}>",
            TupleType t => "tuple<" + string.Join(", ", t.Types.Select(T)) + ">",
            ResultType r => (r.Ok, r.Err) switch
            {
                (null, null) => "result",
                (_, null) => $"result<{T(r.Ok)}>",
                (null, _) => $"result<_, {T(r.Err)}>",
                _ => $"result<{T(r.Ok)}, {T(r.Err)}>",
            },
            RecordType r => "record { " + string.Join(", ", r.Fields.Select(f => $"{f.Name}: {T(f.Type)}")) + " }",
            VariantType v => "variant { " + string.Join(", ", v.Cases.Select(c => c.Payload is null ? c.Name : $"{c.Name}({T(c.Payload)})")) + " }",
            HandleType h => $"{(h.Kind == WitKind.Own ? "own" : "borrow")}<{h.Resource ?? $"resource#{h.ResourceId}"}>",
            MapType m => $"map<{T(m.Key)}, {T(m.Value)}>",
            _ => type.ToString(),
        };
    }

    /// <summary>
    /// Named compound types in scope, keyed by structure (their descriptor's JSON text). Two names for
    /// one structure cannot be told apart, so such types are spelled out rather than named wrongly.
    /// </summary>
    private sealed class TypeNames(Dictionary<string, string?> byShape, TypeNames? outer)
    {
        public string? NameOf(WitType type)
        {
            if (type.Kind is not (WitKind.Record or WitKind.Variant or WitKind.Enum or WitKind.Flags)) return null;
            return byShape.TryGetValue(Shape(type), out var name) ? name : outer?.NameOf(type);
        }
    }

    private static TypeNames NamedTypes(IEnumerable<WorldItem> items, TypeNames? outer)
    {
        var byShape = new Dictionary<string, string?>();
        foreach (var t in items.OfType<WorldType>())
        {
            var shape = Shape(t.Type);
            byShape[shape] = byShape.ContainsKey(shape) ? null : t.Name;
        }
        return new TypeNames(byShape, outer);
    }

    private static string Shape(WitType type) => WitJson.DescribeType(type).ToJsonString();

    // --- JSON ------------------------------------------------------------------------------

    private static JsonObject ItemJson(WorldItem item)
    {
        var json = new JsonObject { ["name"] = item.Name };
        switch (item)
        {
            case WorldFunction f:
                json["kind"] = "function";
                json["params"] = new JsonArray([.. f.Type.Params.Select(p => new JsonArray(p.Name, WitJson.DescribeType(p.Type)))]);
                json["result"] = f.Type.Result is null ? null : WitJson.DescribeType(f.Type.Result);
                break;
            case WorldInterface i:
                json["kind"] = "interface";
                json["items"] = new JsonArray([.. i.Items.Select(ItemJson)]);
                break;
            case WorldResource:
                json["kind"] = "resource";
                break;
            case WorldType t:
                json["kind"] = "type";
                json["type"] = WitJson.DescribeType(t.Type);
                break;
            case WorldOther o:
                json["kind"] = "other";
                json["what"] = o.What;
                break;
        }
        return json;
    }
}
