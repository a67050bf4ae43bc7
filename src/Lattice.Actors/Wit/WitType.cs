// The WIT type model: what a component's imports and exports look like, as plain C#.
//
// Types are read from a compiled component by Wasm/ComponentTypes (Wasmtime's type introspection)
// and are immutable, so one component's types are shared by every store that runs it. They drive
// argument validation (a wrong kind never reaches Wasmtime, where it would poison the store), the
// JSON form of values (Wit/WitJson), and the WIT-like text of `lattice inspect`.
namespace Lattice.Wit;

public enum WitKind : byte
{
    Bool, S8, U8, S16, U16, S32, U32, S64, U64, F32, F64, Char, String,
    List, Record, Tuple, Variant, Enum, Option, Result, Flags, Own, Borrow, Future, Stream, ErrorContext, Map,
}

/// <summary>A WIT type. Primitives are singletons; compound types hold their parts.</summary>
public abstract class WitType
{
    private protected WitType(WitKind kind) => Kind = kind;

    public WitKind Kind { get; }

    public static readonly WitType Bool = new PrimitiveType(WitKind.Bool, "bool");
    public static readonly WitType S8 = new PrimitiveType(WitKind.S8, "s8");
    public static readonly WitType U8 = new PrimitiveType(WitKind.U8, "u8");
    public static readonly WitType S16 = new PrimitiveType(WitKind.S16, "s16");
    public static readonly WitType U16 = new PrimitiveType(WitKind.U16, "u16");
    public static readonly WitType S32 = new PrimitiveType(WitKind.S32, "s32");
    public static readonly WitType U32 = new PrimitiveType(WitKind.U32, "u32");
    public static readonly WitType S64 = new PrimitiveType(WitKind.S64, "s64");
    public static readonly WitType U64 = new PrimitiveType(WitKind.U64, "u64");
    public static readonly WitType F32 = new PrimitiveType(WitKind.F32, "f32");
    public static readonly WitType F64 = new PrimitiveType(WitKind.F64, "f64");
    public static readonly WitType Char = new PrimitiveType(WitKind.Char, "char");
    public static readonly WitType String = new PrimitiveType(WitKind.String, "string");
    public static readonly WitType ErrorContext = new PrimitiveType(WitKind.ErrorContext, "error-context");

    /// <summary>WIT syntax for this type, e.g. <c>list&lt;option&lt;u32&gt;&gt;</c>.</summary>
    public abstract override string ToString();
}

public sealed class PrimitiveType : WitType
{
    private readonly string _name;
    internal PrimitiveType(WitKind kind, string name) : base(kind) => _name = name;
    public override string ToString() => _name;
}

public sealed class ListType(WitType element) : WitType(WitKind.List)
{
    public WitType Element { get; } = element;
    public override string ToString() => $"list<{Element}>";
}

public sealed record WitField(string Name, WitType Type);

public sealed class RecordType(IReadOnlyList<WitField> fields) : WitType(WitKind.Record)
{
    public IReadOnlyList<WitField> Fields { get; } = fields;
    public override string ToString() => "record { " + string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Type}")) + " }";
}

public sealed class TupleType(IReadOnlyList<WitType> types) : WitType(WitKind.Tuple)
{
    public IReadOnlyList<WitType> Types { get; } = types;
    public override string ToString() => "tuple<" + string.Join(", ", Types) + ">";
}

public sealed record WitCase(string Name, WitType? Payload);

public sealed class VariantType(IReadOnlyList<WitCase> cases) : WitType(WitKind.Variant)
{
    public IReadOnlyList<WitCase> Cases { get; } = cases;

    public int IndexOf(string name)
    {
        for (var i = 0; i < Cases.Count; i++) if (Cases[i].Name == name) return i;
        return -1;
    }

    public override string ToString() =>
        "variant { " + string.Join(", ", Cases.Select(c => c.Payload is null ? c.Name : $"{c.Name}({c.Payload})")) + " }";
}

public sealed class EnumType(IReadOnlyList<string> names) : WitType(WitKind.Enum)
{
    public IReadOnlyList<string> Names { get; } = names;
    public override string ToString() => "enum { " + string.Join(", ", Names) + " }";
}

public sealed class FlagsType(IReadOnlyList<string> names) : WitType(WitKind.Flags)
{
    public IReadOnlyList<string> Names { get; } = names;
    public override string ToString() => "flags { " + string.Join(", ", Names) + " }";
}

public sealed class OptionType(WitType inner) : WitType(WitKind.Option)
{
    public WitType Inner { get; } = inner;
    public override string ToString() => $"option<{Inner}>";
}

public sealed class ResultType(WitType? ok, WitType? err) : WitType(WitKind.Result)
{
    public WitType? Ok { get; } = ok;
    public WitType? Err { get; } = err;

    public override string ToString() => (Ok, Err) switch
    {
        (null, null) => "result",
        (_, null) => $"result<{Ok}>",
        (null, _) => $"result<_, {Err}>",
        _ => $"result<{Ok}, {Err}>",
    };
}

public sealed class MapType(WitType key, WitType value) : WitType(WitKind.Map)
{
    public WitType Key { get; } = key;
    public WitType Value { get; } = value;
    public override string ToString() => $"map<{Key}, {Value}>";
}

/// <summary><c>future&lt;T&gt;</c> or <c>stream&lt;T&gt;</c> (WASI 0.3; reported by introspection, never called).</summary>
public sealed class AsyncValueType(WitKind kind, WitType? element) : WitType(kind)
{
    public WitType? Element { get; } = element;
    public override string ToString() => (Kind == WitKind.Future ? "future" : "stream") + (Element is null ? "" : $"<{Element}>");
}

/// <summary>
/// <c>own&lt;R&gt;</c> or <c>borrow&lt;R&gt;</c>. <see cref="Resource"/> names the resource as the
/// component declares it (e.g. <c>output-stream</c>); it is resolved by comparing Wasmtime's resource
/// types with the resources the enclosing interface lists, so it can be <c>null</c> when unknown.
/// </summary>
public sealed class HandleType(WitKind kind, string? resource, int resourceId) : WitType(kind)
{
    public string? Resource { get; } = resource;

    /// <summary>Identity of the resource type within one component's type graph.</summary>
    public int ResourceId { get; } = resourceId;

    public override string ToString()
    {
        var name = Resource ?? $"resource#{ResourceId}";
        return Kind == WitKind.Own ? name : $"borrow<{name}>";
    }
}
