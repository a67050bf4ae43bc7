namespace Lattice.Node.Tests;

/// <summary>Where the repository's fixtures are, found from the test binaries (nothing is copied).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(string relative) => Path.Combine(RepoRoot, "tests", "fixtures", relative);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LatticeActors.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find LatticeActors.sln above " + AppContext.BaseDirectory);
    }
}
