// FUNCTION as written on the command line: `ns:pkg/iface@1.0.0.func`, `ns:pkg/iface.func`,
// `iface#func`, `exports.[method]x.get-a` or a root export's bare name.
namespace Lattice.Wasm;

/// <summary>An exported function's interface ("" at the world root) and name.</summary>
public sealed record ExportName(string Interface, string Function)
{
    public static ExportName Parse(string text)
    {
        var hash = text.IndexOf('#');
        if (hash >= 0) return new(text[..hash], text[(hash + 1)..]);
        // Resource functions contain dots of their own ([method]x.get-a): split before the bracket.
        var bracket = text.IndexOf('[');
        var dot = bracket >= 0 ? (bracket > 0 ? text.LastIndexOf('.', bracket - 1) : -1) : text.LastIndexOf('.');
        // A version has dots too (@0.2.0.run): the last one, outside the version, starts the function.
        return dot < 0 ? new("", text) : new(text[..dot], text[(dot + 1)..]);
    }

    public override string ToString() => Interface.Length == 0 ? Function : $"{Interface}.{Function}";

    /// <summary>Every function a world exports, in the notation <see cref="Parse"/> reads.</summary>
    public static IEnumerable<ExportName> All(ComponentWorld world)
    {
        foreach (var item in world.Exports)
        {
            if (item is WorldFunction f) yield return new("", f.Name);
            else if (item is WorldInterface i)
                foreach (var g in i.Items.OfType<WorldFunction>()) yield return new(i.Name, g.Name);
        }
    }
}
