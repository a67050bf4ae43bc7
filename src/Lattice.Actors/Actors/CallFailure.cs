namespace Lattice.Actors;

/// <summary>Why a call through the lattice failed. Every failure reaches the caller as one of these, never a crash.</summary>
public enum CallFailureKind
{
    /// <summary>No such component, or no such export.</summary>
    NotFound,
    /// <summary>Arguments do not match the function's WIT type (nothing ran).</summary>
    BadArguments,
    /// <summary>The import has no link (deny by default).</summary>
    Denied,
    /// <summary>Every instance is busy and the bounded queue is full.</summary>
    Overloaded,
    /// <summary>No answer within the call timeout (host gone, instance stuck).</summary>
    Timeout,
    /// <summary>The instance trapped (or hit its deadline, memory or fuel limit); it was recycled.</summary>
    Trap,
}

public sealed class LatticeCallException(CallFailureKind kind, string message) : Exception(message)
{
    public CallFailureKind Kind { get; } = kind;
}

/// <summary>A lattice command (link put, component start...) was refused; the message says why.</summary>
public sealed class LatticeCommandException(string message) : Exception(message);
