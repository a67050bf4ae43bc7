using System.Diagnostics;

namespace Lattice.Node.Tests;

/// <summary>
/// docker-compose.yml as Debian's `docker-compose config` reads it (no daemon needed): valid, with
/// nats (JetStream), postgres (healthy before the hosts start) and three hosts on PostgreSQL.
/// </summary>
public class DockerComposeSpec
{
    private static readonly string ComposeFile = Path.Combine(TestPaths.RepoRoot, "docker-compose.yml");

    [Fact]
    public void Defines_nats_postgres_and_three_lattice_hosts()
    {
        var services = Compose(ComposeFile, "config", "--services");
        Assert.True(services.ExitCode == 0, services.ToString());
        Assert.Equal(["lattice1", "lattice2", "lattice3", "nats", "postgres"], services.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void Hosts_use_postgres_and_join_the_first_one()
    {
        var config = Compose(ComposeFile, "config");
        Assert.True(config.ExitCode == 0, config.ToString());
        var lattice1 = Service(config.Stdout, "lattice1");
        Assert.Contains("- PostgreSQL.15", lattice1);
        Assert.DoesNotContain("--join", lattice1);
        Assert.Contains("127.0.0.1:4000:4000", lattice1);
        Assert.Contains("condition: service_healthy", lattice1);
        foreach (var worker in new[] { "lattice2", "lattice3" })
        {
            var text = Service(config.Stdout, worker);
            Assert.Contains("- --join\n    - lattice1:4100", text);
            Assert.Contains("- PostgreSQL.15", text);
            Assert.DoesNotContain("ports:", text);
        }
        Assert.Contains("- -js", Service(config.Stdout, "nats"));
        Assert.Contains("healthcheck:", Service(config.Stdout, "postgres"));
    }

    [Fact]
    public void An_invalid_file_is_rejected()
    {
        var broken = Path.Combine(Directory.CreateTempSubdirectory("lattice-compose-").FullName, "docker-compose.yml");
        try
        {
            File.WriteAllText(broken, File.ReadAllText(ComposeFile).Replace("services:", "services:\n  bad:\n    ports: 17\n"));
            Assert.NotEqual(0, Compose(broken, "config").ExitCode);
        }
        finally { Directory.Delete(Path.GetDirectoryName(broken)!, recursive: true); }
    }

    /// <summary>One service's block of `docker-compose config` output (services are indented by two spaces).</summary>
    private static string Service(string config, string name)
    {
        var start = config.IndexOf($"\n  {name}:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no service {name} in\n{config}");
        var end = config.IndexOf("\n  ", start + name.Length + 4, StringComparison.Ordinal);
        while (end >= 0 && end + 3 < config.Length && config[end + 3] == ' ') end = config.IndexOf("\n  ", end + 1, StringComparison.Ordinal);
        return end < 0 ? config[start..] : config[start..end];
    }

    private static LatticeResult Compose(string file, params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(file)!,
        };
        foreach (var a in (string[])["-f", file, .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start docker-compose");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new LatticeResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
