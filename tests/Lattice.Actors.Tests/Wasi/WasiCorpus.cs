using System.Text.Json;

namespace Lattice.Tests.Wasi;

/// <summary>
/// The WASI cases of the shared conformance corpus. <c>LATTICE_CORPUS</c> names its cases.json (or
/// its folder); otherwise it is looked for beside the repository (<c>../shared/corpus</c>). When it
/// is missing, corpus tests are reported as skipped with the reason (see <see cref="CorpusTheoryAttribute"/>).
/// </summary>
internal static class WasiCorpus
{
    /// <summary>The corpus components whose cases need only WASI from the host.</summary>
    public static readonly string[] Components =
    [
        "cli_args.component.wasm", "cli_env.component.wasm", "cli_file_read.component.wasm", "cli_exit_failure.component.wasm",
        "cli_hello_stdout.component.wasm", "hello_stdout.component.wasm", "stdout-pollable-hang.component.wasm",
        "multi-version.component.wasm", "dir.virt.wasm", "utf8-utf16.composed.wasm", "stdio.composed.wasm",
        "env-allow.composed.wasm", "api_reactor.component.wasm",
    ];

    private static readonly Lazy<string?> s_casesFile = new(FindCasesFile);
    private static readonly Lazy<Dictionary<string, JsonElement>> s_cases = new(LoadCases);

    public static string? CasesFile => s_casesFile.Value;

    public static string MissingReason =>
        $"WASI corpus not found: set LATTICE_CORPUS to its cases.json (looked for {Candidate()})";

    public static string ComponentPath(string file) => Path.Combine(Path.GetDirectoryName(CasesFile!)!, "components", file);

    public static JsonElement Case(string id) => s_cases.Value[id];

    /// <summary>Theory data: the ids of every WASI case (nothing when the corpus is absent; the theory is then skipped).</summary>
    public static IEnumerable<object[]> CaseIds() =>
        CasesFile is null ? [] : s_cases.Value.Keys.Order(StringComparer.Ordinal).Select(id => new object[] { id });

    private static string DefaultCasesFile => Path.GetFullPath(Path.Combine(WasiTestbed.RepoRoot, "..", "shared", "corpus", "cases.json"));

    private static string Candidate()
    {
        var file = Environment.GetEnvironmentVariable("LATTICE_CORPUS");
        if (string.IsNullOrEmpty(file)) file = DefaultCasesFile;
        return Directory.Exists(file) ? Path.Combine(file, "cases.json") : file;
    }

    private static string? FindCasesFile() => File.Exists(Candidate()) ? Candidate() : null;

    private static Dictionary<string, JsonElement> LoadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(CasesFile!));
        var cases = new Dictionary<string, JsonElement>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            if (Components.Contains(c.GetProperty("component").GetString()))
                cases[c.GetProperty("id").GetString()!] = c.Clone();
        return cases;
    }
}

/// <summary>A theory over corpus data that is skipped, with the reason, when the corpus is absent.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (WasiCorpus.CasesFile is null) Skip = WasiCorpus.MissingReason;
    }
}

/// <summary>A fact that needs the corpus; skipped, with the reason, when it is absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (WasiCorpus.CasesFile is null) Skip = WasiCorpus.MissingReason;
    }
}
