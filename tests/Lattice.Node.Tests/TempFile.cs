namespace Lattice.Node.Tests;

/// <summary>A file that exists for one test.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lattice-test-{Guid.NewGuid():N}.wasm");
        File.WriteAllText(Path, content, new System.Text.UTF8Encoding(false));
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
