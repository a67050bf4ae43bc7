using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Lattice.Node.Tests;

/// <summary>
/// The conformance corpus through the real CLI: each case a `lattice call --wasm` process, its
/// printed JSON compared with the case's expectation.
/// </summary>
public partial class CorpusCallSpec(ITestOutputHelper output)
{
    /// <summary>
    /// Cases a single `lattice call` can run: no scripted host imports (the CLI provides only WASI),
    /// no setup steps and no resource handles (both need several calls on one instance), not
    /// instantiate-only, and something to check (an `expect` or `expect_trap`).
    /// </summary>
    public static IEnumerable<object[]> CaseIds()
    {
        if (CorpusFile.Instance is not { } corpus) yield break;
        foreach (var c in corpus.Cases)
        {
            var component = (string)c["component"]!;
            if (corpus.HostImports.ContainsKey(component) || c.ContainsKey("setup")) continue;
            if (c["args"]!.ToJsonString().Contains("\"$handle\"", StringComparison.Ordinal)) continue;
            if ((bool?)c["instantiate_only"] == true) continue;
            if (!c.ContainsKey("expect") && (bool?)c["expect_trap"] != true) continue;
            yield return [(string)c["id"]!];
        }
    }

    [CorpusTheory]
    [MemberData(nameof(CaseIds))]
    public void Case_passes_through_lattice_call(string id)
    {
        var corpus = CorpusFile.Instance!;
        var c = corpus.Case(id);
        var preopens = Directory.CreateTempSubdirectory("lattice-corpus-");
        try
        {
            var result = LatticeProcess.Run(Arguments(corpus, c, preopens.FullName));
            output.WriteLine(result.ToString());
            if ((bool?)c["expect_trap"] == true) AssertTrapped(c, result);
            else AssertReturned(corpus, c, result);
        }
        finally { preopens.Delete(recursive: true); }
    }

    [Fact]
    public void CorpusIsPresentOrExplained()
    {
        if (CorpusFile.Instance is { } corpus)
            output.WriteLine($"corpus: {corpus.CasesPath} ({CaseIds().Count()} of {corpus.Cases.Count} cases run through `lattice call`), components in {corpus.ComponentsDir}");
        else
            output.WriteLine($"corpus cases skipped: {CorpusFile.MissingReason}");
    }

    private static List<string> Arguments(CorpusFile corpus, JsonObject c, string tempDir)
    {
        var export = (string)c["export"]!;
        var func = (string)c["func"]!;
        // Stubs stand in for imports the CLI cannot provide, as in the corpus's reference runner; a
        // case that actually calls one traps and fails.
        List<string> args = ["call", "--trap-unknown-imports", "--wasm", corpus.Component(c), export.Length == 0 ? func : $"{export}#{func}"];
        args.AddRange(c["args"]!.AsArray().Select(a => a?.ToJsonString() ?? "null"));
        if (c["wasi"] is JsonObject wasi)
        {
            foreach (var arg in wasi["args"]?.AsArray() ?? []) args.AddRange(["--wasi-arg", (string)arg!]);
            foreach (var (key, value) in wasi["env"]?.AsObject() ?? []) args.AddRange(["--env", $"{key}={(string?)value}"]);
            var n = 0;
            foreach (var preopen in wasi["preopens"]?.AsArray() ?? [])
            {
                var host = Path.Combine(tempDir, $"preopen{n++}");
                Directory.CreateDirectory(host);
                foreach (var (relative, text) in preopen!["files"]?.AsObject() ?? [])
                {
                    var file = Path.Combine(host, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllText(file, (string?)text);
                }
                args.AddRange(["--dir", $"{host}::{(string)preopen["guest"]!}"]);
            }
        }
        return args;
    }

    private static void AssertReturned(CorpusFile corpus, JsonObject c, LatticeResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var actual = JsonNode.Parse(result.Stdout);
        if (JsonMatch.Difference(c["expect"], actual, corpus.ResultType(c)) is { } difference)
            Assert.Fail($"{difference}\n{result}");
        // The guest's stdout is passed to our stderr (our stdout holds only the result).
        if ((string?)c["expect_stdout"] is { Length: > 0 } stdout) Assert.Contains(stdout, result.Stderr);
    }

    private static void AssertTrapped(JsonObject c, LatticeResult result)
    {
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.True(result.Stdout.Length == 0, result.ToString());
        // The guest may write to stderr before it traps (a panic message): our one line comes last.
        var line = result.StderrLines.LastOrDefault() ?? "";
        Assert.StartsWith("error: ", line);
        Assert.Single(result.StderrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        if ((string?)c["expect_trap_contains"] is not { } fragment) return;
        // Wasmtime's text for an exit is reported by the CLI as an exit status (and exit code).
        if (ExitText().Match(fragment) is { Success: true } exit)
        {
            Assert.Contains($"exited with status {exit.Groups[1].Value}", line);
            Assert.Equal(int.Parse(exit.Groups[1].Value), result.ExitCode);
        }
        else Assert.Contains(fragment, line);
    }

    [GeneratedRegex(@"Exited with i32 exit status (\d+)")]
    private static partial Regex ExitText();

    /// <summary>
    /// xunit 2 fails a theory whose data is empty ("No data found"); without a corpus there are no
    /// cases, so the theory is skipped instead and <see cref="CorpusIsPresentOrExplained"/> says why.
    /// </summary>
    private sealed class CorpusTheoryAttribute : TheoryAttribute
    {
        public CorpusTheoryAttribute()
        {
            if (CorpusFile.Instance is null) Skip = CorpusFile.MissingReason;
        }
    }
}
