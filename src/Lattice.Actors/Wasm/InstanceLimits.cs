namespace Lattice.Wasm;

/// <summary>What one instance may use. Defaults suit interactive calls; override per component.</summary>
public sealed record InstanceLimits
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Largest size any one linear memory may grow to.</summary>
    public long MemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Wall-clock budget of one call (and of instantiation), enforced by epoch interruption.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Fuel per call when the engine meters fuel; null = unlimited.</summary>
    public ulong? Fuel { get; init; }
}
