namespace Lattice.Node.Tests.Bridge;

/// <summary>`lattice up --nats URL [--nats-creds FILE]`: a wrong value is one error line before anything starts.</summary>
public sealed class NatsOptionsSpec
{
    [Theory]
    [InlineData("--nats", "http://127.0.0.1:4222", "--nats must be a nats://HOST:PORT URL")]
    [InlineData("--nats", "127.0.0.1:4222", "--nats must be a nats://HOST:PORT URL")]
    [InlineData("--nats", "nats://127.0.0.1:4222,ftp://x", "--nats must be a nats://HOST:PORT URL")]
    [InlineData("--nats-creds", "/etc/hosts", "--nats-creds needs --nats URL")]
    public void A_bad_nats_option_is_refused(string option, string value, string error) =>
        CliAssert.FailedWith(error, LatticeProcess.Run("up", option, value, "--data", Path.GetTempPath()), exitCode: 2);

    [Fact]
    public void A_missing_credentials_file_is_refused() =>
        CliAssert.FailedWith("--nats-creds /no/such.creds: no such file",
            LatticeProcess.Run("up", "--nats", "nats://127.0.0.1:4222", "--nats-creds", "/no/such.creds", "--data", Path.GetTempPath()), exitCode: 2);

    [Fact]
    public void Help_lists_the_nats_options()
    {
        var help = LatticeProcess.Run("up", "--help");
        Assert.Contains("--nats <URL>", help.Stdout);
        Assert.Contains("--nats-creds <FILE>", help.Stdout);
    }
}
