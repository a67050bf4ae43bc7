using System.Text.Json.Nodes;

namespace Lattice.Node.Tests;

/// <summary>
/// The shared conformance corpus (cases.json + components/), found through <c>LATTICE_CORPUS</c> and
/// <c>LATTICE_CORPUS_COMPONENTS</c>, else at <c>&lt;repo&gt;/../shared/corpus</c>.
/// </summary>
internal sealed class CorpusFile
{
    private static readonly Lazy<CorpusFile?> s_instance = new(Load);

    private CorpusFile(string casesPath, string componentsDir, JsonObject root)
    {
        CasesPath = casesPath;
        ComponentsDir = componentsDir;
        Cases = root["cases"]!.AsArray().Select(c => c!.AsObject()).ToList();
        HostImports = root["host_imports"]?.AsObject() ?? [];
        Signatures = root["signatures"]?.AsObject() ?? [];
    }

    /// <summary>The corpus, or null when there is none (see <see cref="MissingReason"/>).</summary>
    public static CorpusFile? Instance => s_instance.Value;

    public static string MissingReason { get; private set; } = "";

    public string CasesPath { get; }

    public string ComponentsDir { get; }

    public IReadOnlyList<JsonObject> Cases { get; }

    public JsonObject HostImports { get; }

    public JsonObject Signatures { get; }

    public JsonObject Case(string id) => Cases.Single(c => (string?)c["id"] == id);

    public string Component(JsonObject testCase) => Path.Combine(ComponentsDir, (string)testCase["component"]!);

    /// <summary>The structural descriptor of a function's result, from <c>signatures</c>; null when unknown.</summary>
    public JsonNode? ResultType(JsonObject testCase) =>
        Signatures[(string)testCase["component"]!]?["exports"]?[(string)testCase["export"]!]?[(string)testCase["func"]!]?["result"];

    private static CorpusFile? Load()
    {
        var explicitPath = Environment.GetEnvironmentVariable("LATTICE_CORPUS");
        var cases = !string.IsNullOrEmpty(explicitPath)
            ? explicitPath
            : Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "corpus", "cases.json"));
        if (!File.Exists(cases))
        {
            MissingReason = string.IsNullOrEmpty(explicitPath)
                ? $"no corpus at {cases}; set LATTICE_CORPUS to the path of cases.json to run it"
                : $"LATTICE_CORPUS points at {cases}, which does not exist";
            return null;
        }
        var components = Environment.GetEnvironmentVariable("LATTICE_CORPUS_COMPONENTS");
        if (string.IsNullOrEmpty(components)) components = Path.Combine(Path.GetDirectoryName(cases)!, "components");
        return new CorpusFile(cases, components, JsonNode.Parse(File.ReadAllText(cases))!.AsObject());
    }
}
