using ComponentId = string;

namespace Lattice.Model;

/// <summary>
/// A link: calls from <see cref="Source"/> to the interfaces of <c>namespace:package</c> named in
/// <see cref="Interfaces"/> go to <see cref="Target"/>. Field names follow wasmCloud 1.x links
/// (source_id, target, wit_namespace, wit_package, interfaces, name, source_config, target_config).
/// A source has at most one link per (namespace:package, name); putting another replaces it.
/// </summary>
public sealed record LinkDefinition(
    ComponentId Source,
    string Target,
    string Namespace,
    string Package,
    IReadOnlyList<string> Interfaces,
    string Name = LinkDefinition.DefaultName,
    IReadOnlyList<string>? SourceConfig = null,
    IReadOnlyList<string>? TargetConfig = null)
{
    public const string DefaultName = "default";

    public IReadOnlyList<string> SourceConfigNames => SourceConfig ?? [];
    public IReadOnlyList<string> TargetConfigNames => TargetConfig ?? [];

    /// <summary><c>namespace:package</c>, e.g. <c>wasi:keyvalue</c>.</summary>
    public string WitPackage => $"{Namespace}:{Package}";

    /// <summary>True when this link carries calls to <paramref name="iface"/> (<c>ns:pkg/iface[@version]</c>).</summary>
    public bool Covers(WitInterfaceName iface) =>
        iface.Namespace == Namespace && iface.Package == Package && Interfaces.Contains(iface.Interface);

    public bool SameKey(LinkDefinition other) =>
        Source == other.Source && Namespace == other.Namespace && Package == other.Package && Name == other.Name;
}

/// <summary>A parsed interface name: <c>wasi:keyvalue/store@0.2.0-draft</c>.</summary>
public readonly record struct WitInterfaceName(string Namespace, string Package, string Interface, string? Version)
{
    public static bool TryParse(string text, out WitInterfaceName name)
    {
        name = default;
        var colon = text.IndexOf(':');
        var slash = text.IndexOf('/');
        if (colon <= 0 || slash <= colon + 1 || slash == text.Length - 1) return false;
        var at = text.IndexOf('@', slash);
        var iface = at < 0 ? text[(slash + 1)..] : text[(slash + 1)..at];
        if (iface.Length == 0) return false;
        name = new WitInterfaceName(text[..colon], text[(colon + 1)..slash], iface, at < 0 ? null : text[(at + 1)..]);
        return true;
    }

    public static WitInterfaceName Parse(string text) =>
        TryParse(text, out var n) ? n : throw new FormatException($"'{text}' is not an interface name of the form namespace:package/interface[@version]");

    public override string ToString() => $"{Namespace}:{Package}/{Interface}" + (Version is null ? "" : "@" + Version);
}
