namespace Lattice.Wasm;

/// <summary>Anything that went wrong loading, linking or calling a component.</summary>
public class ComponentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The bytes are not a valid component, or Wasmtime could not compile them.</summary>
public sealed class ComponentLoadException(string message) : ComponentException(message);

/// <summary>An import could not be satisfied, or instantiation itself failed.</summary>
public sealed class ComponentLinkException(string message) : ComponentException(message);

/// <summary>No such export, or the name is malformed.</summary>
public sealed class ExportNotFoundException(string message) : ComponentException(message);

/// <summary>An argument does not match the function's WIT type. Nothing ran; the instance is intact.</summary>
public sealed class WitTypeMismatchException(string message) : ComponentException(message);

public enum TrapKind
{
    /// <summary>A WebAssembly trap: <c>unreachable</c>, out-of-bounds access, stack overflow, a guest panic...</summary>
    Trap,
    /// <summary>The epoch deadline passed (the call ran too long).</summary>
    Deadline,
    /// <summary>Fuel ran out.</summary>
    OutOfFuel,
    /// <summary>The instance asked for more memory than its limit.</summary>
    MemoryLimit,
    /// <summary>A host function failed (threw) while the guest was calling it.</summary>
    HostError,
    /// <summary>The guest called <c>wasi:cli/exit</c>.</summary>
    Exit,
}

/// <summary>
/// The call failed inside the instance. The instance's store is dead after this (Wasmtime refuses to
/// re-enter a store that trapped); <see cref="RecyclingInstance"/> builds a fresh one for the next call.
/// </summary>
public class ComponentTrapException(TrapKind kind, string message, Exception? inner = null) : ComponentException(message, inner)
{
    public TrapKind Kind { get; } = kind;
}

/// <summary>The guest called <c>wasi:cli/exit</c>. A zero status is a normal end of a command.</summary>
public sealed class ComponentExitException(int status)
    : ComponentTrapException(TrapKind.Exit, $"Exited with i32 exit status {status}")
{
    public int Status { get; } = status;
}
