using Lattice.Wasm.Native;

namespace Lattice.Tests.Wasm;

/// <summary>
/// The sizes our structs must have to match libwasmtime 50.0.1. A mismatch corrupts memory silently,
/// so these are checked first; the value round trips in ValueMarshalSpec prove the field offsets.
/// </summary>
public unsafe class NativeLayoutSpec
{
    [Fact]
    public void Struct_sizes_match_the_C_API()
    {
        Assert.Equal(16, sizeof(ByteVec));
        Assert.Equal(32, sizeof(ComponentVal));      // u8 kind + 24-byte union, 8-aligned
        Assert.Equal(48, sizeof(RecordEntry));       // name + value
        Assert.Equal(16, sizeof(ValType));
        Assert.Equal(24, sizeof(ComponentItem));     // kind + union whose widest member is a valtype
        Assert.Equal(16, sizeof(ComponentInstanceRef));
        Assert.Equal(32, sizeof(ComponentFuncRef));  // measured: the 50.0.1 library writes 32 bytes
    }
}
