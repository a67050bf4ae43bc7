// Blittable mirrors of the C structs in wasmtime/component/*.h (Wasmtime 50). A wrong layout
// corrupts memory silently, so each size is asserted in NativeLayoutSpec and every value kind
// round-trips through a real component in the tests.
using System.Runtime.InteropServices;

namespace Lattice.Wasm.Native;

/// <summary><c>wasm_byte_vec_t</c> / <c>wasm_name_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ByteVec
{
    public nuint Size;
    public byte* Data;

    public readonly ReadOnlySpan<byte> Span => new(Data, checked((int)Size));
}

/// <summary>The vectors of component values: list, tuple, record, flags, map (<c>DECLARE_VEC</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ValVec
{
    public nuint Size;
    public void* Data;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ValVariant
{
    public ByteVec Discriminant;
    public ComponentVal* Val;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ValResult
{
    public byte IsOk;
    public ComponentVal* Val;
}

/// <summary><c>wasmtime_component_val_t</c>: a one-byte kind then a 24-byte union.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal unsafe struct ComponentVal
{
    [FieldOffset(0)] public byte Kind;
    [FieldOffset(8)] public byte U8;
    [FieldOffset(8)] public ushort U16;
    [FieldOffset(8)] public uint U32;
    [FieldOffset(8)] public ulong U64;
    [FieldOffset(8)] public float F32;
    [FieldOffset(8)] public double F64;
    [FieldOffset(8)] public ByteVec String;
    [FieldOffset(8)] public ValVec Vec;
    [FieldOffset(8)] public ValVariant Variant;
    [FieldOffset(8)] public ComponentVal* Option;
    [FieldOffset(8)] public ValResult Result;
    [FieldOffset(8)] public IntPtr Resource;
}

/// <summary><c>wasmtime_component_valrecord_entry_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RecordEntry
{
    public ByteVec Name;
    public ComponentVal Val;
}

/// <summary>Kinds of <see cref="ComponentVal"/> (<c>WASMTIME_COMPONENT_*</c>).</summary>
internal static class ValKind
{
    public const byte Bool = 0, S8 = 1, U8 = 2, S16 = 3, U16 = 4, S32 = 5, U32 = 6, S64 = 7, U64 = 8,
        F32 = 9, F64 = 10, Char = 11, String = 12, List = 13, Record = 14, Tuple = 15, Variant = 16,
        Enum = 17, Option = 18, Result = 19, Flags = 20, Resource = 21, Map = 22;
}

/// <summary><c>wasmtime_component_valtype_t</c>: kind + one pointer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ValType
{
    public byte Kind;
    public IntPtr Of;
}

/// <summary>Kinds of <see cref="ValType"/> (<c>WASMTIME_COMPONENT_VALTYPE_*</c>).</summary>
internal static class ValTypeKind
{
    public const byte Bool = 0, S8 = 1, S16 = 2, S32 = 3, S64 = 4, U8 = 5, U16 = 6, U32 = 7, U64 = 8,
        F32 = 9, F64 = 10, Char = 11, String = 12, List = 13, Record = 14, Tuple = 15, Variant = 16,
        Enum = 17, Option = 18, Result = 19, Flags = 20, Own = 21, Borrow = 22, Future = 23, Stream = 24,
        ErrorContext = 25, Map = 26;
}

/// <summary><c>wasmtime_component_item_t</c>: kind + a union whose widest member is a <see cref="ValType"/>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct ComponentItem
{
    [FieldOffset(0)] public byte Kind;
    [FieldOffset(8)] public IntPtr Of;
    [FieldOffset(8)] public ValType Type;
}

internal static class ItemKind
{
    public const byte Component = 0, ComponentInstance = 1, Module = 2, ComponentFunc = 3, Resource = 4, CoreFunc = 5, Type = 6;
}

/// <summary><c>wasmtime_component_func_t</c>: an index into a store. The v45-49 headers say 24 bytes,
/// but the Wasmtime 50.0.1 library writes 32 (a pointer-sized field follows the index; measured in
/// NativeLayoutSpec), so the struct is opaque here and sized for what the library really writes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct ComponentFuncRef
{
    [FieldOffset(0)] public ulong StoreId;
    [FieldOffset(8)] public uint Private1;
    [FieldOffset(16)] public uint Private2;
    [FieldOffset(24)] public IntPtr Private3;
}

/// <summary><c>wasmtime_component_instance_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ComponentInstanceRef
{
    public ulong StoreId;
    public uint Private;
}
