using System.Text.Json;

namespace Lattice.Tests.Conformance;

/// <summary>
/// The conformance corpus: a cases file (format <c>corpus-cases/1</c>, see the corpus README) and a
/// folder of components. <c>LATTICE_CORPUS</c> names the cases file, <c>LATTICE_CORPUS_COMPONENTS</c>
/// the components folder (default: <c>components/</c> beside the cases file); without them the
/// shared corpus next to the repository is used. The corpus is test data kept outside the project.
/// </summary>
internal sealed class Corpus
{
    private static readonly Lazy<Corpus?> s_default = new(Load);

    private Corpus(string casesFile, string componentsDir, JsonDocument doc)
    {
        CasesFile = casesFile;
        ComponentsDir = componentsDir;
        Root = doc.RootElement;
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) Cases[c.GetProperty("id").GetString()!] = c;
    }

    public static Corpus? Default => s_default.Value;

    /// <summary>Why the corpus could not be found (for the skip message).</summary>
    public static string MissingReason =>
        $"conformance corpus not found: set LATTICE_CORPUS to its cases.json (looked for {CasesFileCandidate()})";

    /// <summary>When set (CI), a missing corpus fails the suite instead of skipping it.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("LATTICE_REQUIRE_CORPUS") is "1" or "true";

    public string CasesFile { get; }
    public string ComponentsDir { get; }
    public JsonElement Root { get; }
    public Dictionary<string, JsonElement> Cases { get; } = [];

    public string ComponentPath(string file) => Path.Combine(ComponentsDir, file);

    public JsonElement? HostImports(string component) =>
        Root.TryGetProperty("host_imports", out var h) && h.TryGetProperty(component, out var c) ? c : null;

    private static string DefaultCasesFile() => Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "corpus", "cases.json"));

    private static string CasesFileCandidate()
    {
        var casesFile = Environment.GetEnvironmentVariable("LATTICE_CORPUS");
        if (string.IsNullOrEmpty(casesFile)) casesFile = DefaultCasesFile();
        return Directory.Exists(casesFile) ? Path.Combine(casesFile, "cases.json") : casesFile;
    }

    private static Corpus? Load()
    {
        var casesFile = CasesFileCandidate();
        if (!File.Exists(casesFile)) return null;
        var components = Environment.GetEnvironmentVariable("LATTICE_CORPUS_COMPONENTS");
        if (string.IsNullOrEmpty(components)) components = Path.Combine(Path.GetDirectoryName(casesFile)!, "components");
        return new Corpus(casesFile, components, JsonDocument.Parse(File.ReadAllBytes(casesFile)));
    }
}
