// Component values as plain C#, independent of Wasmtime.
//
// Every value knows its exact WIT kind (a u8 is not a u32), because that is what crosses the
// canonical ABI: marshalling (Wasm/Native/ValMarshal) maps each class one-to-one onto Wasmtime's
// `wasmtime_component_val_t`. `list<u8>` has its own class, WitBytes, backed by one byte array,
// so bodies and blobs never cost one object per byte.
using System.Text;

namespace Lattice.Wit;

public abstract class WitValue
{
    private protected WitValue(WitKind kind) => Kind = kind;

    public WitKind Kind { get; }

    public static WitValue Bool(bool v) => v ? WitPrimitive.True : WitPrimitive.False;
    public static WitValue S8(sbyte v) => new WitPrimitive(WitKind.S8, unchecked((ulong)v));
    public static WitValue U8(byte v) => new WitPrimitive(WitKind.U8, v);
    public static WitValue S16(short v) => new WitPrimitive(WitKind.S16, unchecked((ulong)v));
    public static WitValue U16(ushort v) => new WitPrimitive(WitKind.U16, v);
    public static WitValue S32(int v) => new WitPrimitive(WitKind.S32, unchecked((ulong)v));
    public static WitValue U32(uint v) => new WitPrimitive(WitKind.U32, v);
    public static WitValue S64(long v) => new WitPrimitive(WitKind.S64, unchecked((ulong)v));
    public static WitValue U64(ulong v) => new WitPrimitive(WitKind.U64, v);
    public static WitValue F32(float v) => new WitPrimitive(WitKind.F32, BitConverter.SingleToUInt32Bits(v));
    public static WitValue F64(double v) => new WitPrimitive(WitKind.F64, BitConverter.DoubleToUInt64Bits(v));
    public static WitValue Char(Rune v) => new WitPrimitive(WitKind.Char, (uint)v.Value);
    public static WitValue String(string v) => new WitString(v);
    public static WitValue Bytes(ReadOnlyMemory<byte> v) => new WitBytes(v);
    public static WitValue List(IReadOnlyList<WitValue> items) => new WitList(items);
    public static WitValue Tuple(params WitValue[] items) => new WitTuple(items);
    public static WitValue Record(params (string Name, WitValue Value)[] fields) => new WitRecord(fields);
    public static WitValue Variant(string @case, WitValue? payload = null) => new WitVariant(@case, payload);
    public static WitValue Enum(string @case) => new WitEnum(@case);
    public static WitValue Flags(params string[] set) => new WitFlags(set);
    public static WitValue Some(WitValue v) => new WitOption(v);
    public static readonly WitValue None = new WitOption(null);
    public static WitValue Ok(WitValue? payload = null) => new WitResult(true, payload);
    public static WitValue Err(WitValue? payload = null) => new WitResult(false, payload);
    public static readonly WitValue UnitOk = new WitResult(true, null);

    // Typed accessors for host code: they throw a clear error when the kind is not what the caller expects.
    public bool AsBool() => Prim(WitKind.Bool).Bits != 0;
    public uint AsU32() => (uint)Prim(WitKind.U32).Bits;
    public int AsS32() => (int)(uint)Prim(WitKind.S32).Bits;
    public ulong AsU64() => Prim(WitKind.U64).Bits;
    public long AsS64() => (long)Prim(WitKind.S64).Bits;
    public byte AsU8() => (byte)Prim(WitKind.U8).Bits;
    public string AsString() => this is WitString s ? s.Value : throw Mismatch("string");
    public ReadOnlyMemory<byte> AsBytes() => this switch
    {
        WitBytes b => b.Value,
        WitList { Items.Count: 0 } => ReadOnlyMemory<byte>.Empty,
        _ => throw Mismatch("list<u8>"),
    };
    public WitResource AsResource() => this as WitResource ?? throw Mismatch("resource");

    private WitPrimitive Prim(WitKind kind) =>
        this is WitPrimitive p && p.Kind == kind ? p : throw Mismatch(kind.ToString().ToLowerInvariant());

    private InvalidOperationException Mismatch(string expected) =>
        new($"expected a {expected} value, got {Kind.ToString().ToLowerInvariant()}");
}

/// <summary>bool, integers, floats and char, stored as raw bits.</summary>
public sealed class WitPrimitive : WitValue
{
    internal static readonly WitPrimitive True = new(WitKind.Bool, 1);
    internal static readonly WitPrimitive False = new(WitKind.Bool, 0);

    public WitPrimitive(WitKind kind, ulong bits) : base(kind) => Bits = bits;

    /// <summary>The value's bits: sign-extended for signed integers, IEEE bits for floats, the code point for char.</summary>
    public ulong Bits { get; }

    public float AsSingle => BitConverter.UInt32BitsToSingle((uint)Bits);
    public double AsDouble => BitConverter.UInt64BitsToDouble(Bits);

    public override string ToString() => Kind switch
    {
        WitKind.Bool => Bits != 0 ? "true" : "false",
        WitKind.S8 or WitKind.S16 or WitKind.S32 or WitKind.S64 => ((long)Bits).ToString(),
        WitKind.F32 => AsSingle.ToString("R"),
        WitKind.F64 => AsDouble.ToString("R"),
        WitKind.Char => new Rune((int)Bits).ToString(),
        _ => Bits.ToString(),
    };
}

public sealed class WitString(string value) : WitValue(WitKind.String)
{
    public string Value { get; } = value;
    public override string ToString() => Value;
}

/// <summary><c>list&lt;u8&gt;</c> as one block of bytes.</summary>
public sealed class WitBytes(ReadOnlyMemory<byte> value) : WitValue(WitKind.List)
{
    public ReadOnlyMemory<byte> Value { get; } = value;
}

public sealed class WitList(IReadOnlyList<WitValue> items) : WitValue(WitKind.List)
{
    public IReadOnlyList<WitValue> Items { get; } = items;
}

public sealed class WitTuple(IReadOnlyList<WitValue> items) : WitValue(WitKind.Tuple)
{
    public IReadOnlyList<WitValue> Items { get; } = items;
}

public sealed class WitRecord(IReadOnlyList<(string Name, WitValue Value)> fields) : WitValue(WitKind.Record)
{
    public IReadOnlyList<(string Name, WitValue Value)> Fields { get; } = fields;

    public WitValue this[string name]
    {
        get
        {
            foreach (var (n, v) in Fields) if (n == name) return v;
            throw new KeyNotFoundException($"record has no field '{name}'");
        }
    }
}

public sealed class WitVariant(string @case, WitValue? payload) : WitValue(WitKind.Variant)
{
    public string Case { get; } = @case;
    public WitValue? Payload { get; } = payload;
}

public sealed class WitEnum(string @case) : WitValue(WitKind.Enum)
{
    public string Case { get; } = @case;
}

public sealed class WitFlags(IReadOnlyList<string> set) : WitValue(WitKind.Flags)
{
    public IReadOnlyList<string> Set { get; } = set;
}

/// <summary><c>option&lt;T&gt;</c>: <see cref="Value"/> is null for none.</summary>
public sealed class WitOption(WitValue? value) : WitValue(WitKind.Option)
{
    public WitValue? Value { get; } = value;
    public bool IsSome => Value is not null;
}

public sealed class WitResult(bool isOk, WitValue? payload) : WitValue(WitKind.Result)
{
    public bool IsOk { get; } = isOk;
    public WitValue? Payload { get; } = payload;
}
