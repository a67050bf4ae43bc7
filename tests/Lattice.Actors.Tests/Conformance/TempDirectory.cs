namespace Lattice.Tests.Conformance;

internal sealed class TempDirectory : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lattice-case-" + Guid.NewGuid().ToString("N")[..12]);
    private int _next;

    public string NewSubdirectory()
    {
        var dir = Path.Combine(_root, (_next++).ToString());
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        try { if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
