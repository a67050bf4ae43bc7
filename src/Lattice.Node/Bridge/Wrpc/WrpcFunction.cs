// One function as wRPC names and types it: the instance (the full interface name with its version,
// e.g. `wrpc:keyvalue/store@0.2.0-draft`, or empty for a root-level function), the function name,
// and the WIT types of its params and results, which the codec needs to read and write them.
using Lattice.Wit;

namespace Lattice.Node.Bridge.Wrpc;

public sealed class WrpcFunction
{
    public WrpcFunction(string instance, string name, IReadOnlyList<WitType> parameters, IReadOnlyList<WitType> results)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(name);
        // Both become subject tokens: `.` is allowed (versions, resource methods), wildcards and spaces are not.
        if (!WrpcSubjects.IsTokens(instance, allowEmpty: true)) throw new ArgumentException($"'{instance}' cannot be part of a NATS subject", nameof(instance));
        if (!WrpcSubjects.IsTokens(name, allowEmpty: false)) throw new ArgumentException($"'{name}' cannot be part of a NATS subject", nameof(name));
        Instance = instance;
        Name = name;
        Params = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Results = results ?? throw new ArgumentNullException(nameof(results));
        Suffix = WrpcSubjects.Suffix(instance, name);
    }

    public string Instance { get; }

    public string Name { get; }

    public IReadOnlyList<WitType> Params { get; }

    public IReadOnlyList<WitType> Results { get; }

    /// <summary><c>wrpc.0.0.1.{instance}.{name}</c>, the invocation subject after the prefix.</summary>
    internal string Suffix { get; }

    public string SubjectFor(string prefix) => prefix.Length == 0 ? Suffix : prefix + "." + Suffix;

    /// <summary>
    /// The wire name of a component-model function: wasmCloud's runtime strips the resource markers,
    /// <c>[constructor]R</c> → <c>R</c>, <c>[static]R.f</c> and <c>[method]R.f</c> → <c>R.f</c>.
    /// </summary>
    public static string WireName(string componentModelName)
    {
        foreach (var marker in (ReadOnlySpan<string>)["[constructor]", "[static]", "[method]"])
            if (componentModelName.StartsWith(marker, StringComparison.Ordinal)) return componentModelName[marker.Length..];
        return componentModelName;
    }

    public override string ToString() => Instance.Length == 0 ? Name : $"{Instance}.{Name}";
}
