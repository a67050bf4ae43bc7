namespace Lattice.Tests;

/// <summary>Where the repository's fixtures and the shared conformance corpus are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(string relative) => Path.Combine(RepoRoot, "tests", "fixtures", relative);

    /// <summary>A private cache directory per test run, so tests never share precompiled artifacts with users.</summary>
    public static string CacheDir { get; } = Path.Combine(Path.GetTempPath(), "lattice-tests-" + Environment.ProcessId);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LatticeActors.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find LatticeActors.sln above " + AppContext.BaseDirectory);
    }
}
