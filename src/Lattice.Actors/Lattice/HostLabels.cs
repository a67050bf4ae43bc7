using System.Collections.Immutable;
using HostAddress = string;

namespace Lattice.Model;

/// <summary>
/// The label changes made to one host while the lattice runs (`lattice label`, wasmCloud's
/// `label.put` / `label.del`), on top of the `--label` labels it started with, which are its Akka
/// cluster roles (<c>zone=a</c>) and cannot change for the life of the process. Kept in the desired
/// state, keyed by the host's cluster address, so placement on every host sees them and they survive
/// restarts, as a Kubernetes node's labels do.
/// </summary>
public sealed record HostLabelChanges(IReadOnlyDictionary<string, string>? Set = null, IReadOnlyList<string>? Removed = null)
{
    public static readonly HostLabelChanges None = new();

    public IReadOnlyDictionary<string, string> SetLabels => Set ?? ImmutableDictionary<string, string>.Empty;
    public IReadOnlyList<string> RemovedKeys => Removed ?? [];

    /// <summary>The host's labels: its start-up labels (cluster roles of the form key=value) with these changes applied.</summary>
    public IReadOnlyDictionary<string, string> Apply(IEnumerable<string> roles)
    {
        var labels = StartupLabels(roles);
        foreach (var key in RemovedKeys) labels.Remove(key);
        foreach (var (key, value) in SetLabels) labels[key] = value;
        return labels;
    }

    /// <summary>These changes with <paramref name="key"/> set to <paramref name="value"/> (null: removed).</summary>
    public HostLabelChanges With(string key, string? value)
    {
        var set = SetLabels.ToImmutableSortedDictionary(StringComparer.Ordinal);
        var removed = RemovedKeys.ToImmutableSortedSet(StringComparer.Ordinal);
        return value is null
            ? new HostLabelChanges(set.Remove(key), removed.Add(key).ToList())
            : new HostLabelChanges(set.SetItem(key, value), removed.Remove(key).ToList());
    }

    /// <summary>Labels from cluster roles: a role <c>key=value</c> is the label key=value; other roles are not labels.</summary>
    public static SortedDictionary<string, string> StartupLabels(IEnumerable<string> roles)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var eq = role.IndexOf('=');
            if (eq > 0) labels[role[..eq]] = role[(eq + 1)..];
        }
        return labels;
    }

    /// <summary>Why <paramref name="key"/>=<paramref name="value"/> cannot be a label, or null.</summary>
    public static string? Invalid(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(key)) return "a label needs a key";
        if (key.Any(c => char.IsWhiteSpace(c) || c is '=' or ',')) return $"'{key}' is not a label key (no '=', ',' or whitespace)";
        if (value is not null && value.Any(c => char.IsControl(c) || c == ',')) return $"the value of label '{key}' has a ',' or a control character";
        return null;
    }
}
