using Lattice.Wit;

namespace Lattice.Wasm;

public sealed record WitParam(string Name, WitType Type);

public sealed record FunctionType(IReadOnlyList<WitParam> Params, WitType? Result)
{
    public override string ToString() =>
        "func(" + string.Join(", ", Params.Select(p => $"{p.Name}: {p.Type}")) + ")" + (Result is null ? "" : $" -> {Result}");
}

/// <summary>One named item of a component's imports or exports.</summary>
public abstract record WorldItem(string Name);

public sealed record WorldFunction(string Name, FunctionType Type) : WorldItem(Name);

/// <summary>An interface instance (<c>wasi:cli/stdout@0.2.0</c>) and what it holds.</summary>
public sealed record WorldInterface(string Name, IReadOnlyList<WorldItem> Items) : WorldItem(Name)
{
    public WorldFunction? Function(string name) => Items.OfType<WorldFunction>().FirstOrDefault(f => f.Name == name);
}

public sealed record WorldResource(string Name, int ResourceId) : WorldItem(Name);

/// <summary>A named type (record, variant...) declared by the world or an interface.</summary>
public sealed record WorldType(string Name, WitType Type) : WorldItem(Name);

/// <summary>Core modules, nested components and core functions: listed, never called.</summary>
public sealed record WorldOther(string Name, string What) : WorldItem(Name);

/// <summary>A component's imports and exports with full WIT types.</summary>
public sealed record ComponentWorld(IReadOnlyList<WorldItem> Imports, IReadOnlyList<WorldItem> Exports)
{
    /// <summary>Finds an exported function; <paramref name="iface"/> is "" for a root export.</summary>
    public WorldFunction? FindExport(string iface, string func)
    {
        if (iface.Length == 0) return Exports.OfType<WorldFunction>().FirstOrDefault(f => f.Name == func);
        return Exports.OfType<WorldInterface>().FirstOrDefault(i => i.Name == iface)?.Function(func);
    }
}
