using Lattice.Model;

namespace Lattice.Capabilities;

/// <summary>
/// Masks the values of secret-looking config keys (<see cref="NamedConfig.IsSecret"/>) wherever they
/// appear in a text, so a guest that logs its own token does not put it into the host's logs. Values
/// shorter than <see cref="MinLength"/> are left alone: masking "1" or "on" everywhere would make
/// logs unreadable and hides nothing.
/// </summary>
public sealed class SecretRedactor(Func<IReadOnlyDictionary<string, string>> config)
{
    public const int MinLength = 4;
    public const string Mask = "********";

    public string Redact(string text)
    {
        IReadOnlyDictionary<string, string> values;
        try { values = config(); }
        catch (Exception) { return text; } // no config, no secrets to find: logging must go on
        // Longest first, so a secret that contains another is masked whole.
        foreach (var secret in values.Where(kv => NamedConfig.IsSecret(kv.Key) && kv.Value.Length >= MinLength)
                     .Select(kv => kv.Value).OrderByDescending(v => v.Length))
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }
}
