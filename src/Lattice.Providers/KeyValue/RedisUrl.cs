// A Redis URL as wasmCloud's keyvalue-redis takes it (`redis://[user[:password]@]host[:port][/db]`,
// `rediss://` for TLS) turned into StackExchange.Redis options. A value without a scheme is read as
// StackExchange.Redis' own configuration string (`host:port,password=...`). Errors never show the
// password: `Safe` is the URL as a message may print it.
using StackExchange.Redis;

namespace Lattice.Providers.KeyValue;

internal sealed record RedisUrl(string Text, string Safe, ConfigurationOptions Options)
{
    public const string Default = "redis://127.0.0.1:6379";

    public static RedisUrl Parse(string text)
    {
        ConfigurationOptions options;
        string safe;
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            try { options = ConfigurationOptions.Parse(text); }
            catch (ArgumentException e) { throw new KeyValueException($"'{text}' is not a Redis URL (redis://host:port): {e.Message}"); }
            safe = options.Password is null ? text : string.Join(',', text.Split(',').Where(p => !p.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase)));
        }
        else
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss") || uri.Host.Length == 0)
                throw new KeyValueException($"'{Mask(text)}' is not a Redis URL (redis://[user:password@]host[:port][/db] or rediss://...)");
            options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
            options.EndPoints.Add(uri.Host, uri.IsDefaultPort ? 6379 : uri.Port);
            if (uri.UserInfo.Length > 0)
            {
                var colon = uri.UserInfo.IndexOf(':');
                var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
                var password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                // redis://:secret@host is a password alone; redis://secret@host too (as redis-cli reads it).
                if (password is null) options.Password = user;
                else
                {
                    options.Password = password;
                    if (user.Length > 0) options.User = user;
                }
            }
            var path = uri.AbsolutePath.Trim('/');
            if (path.Length > 0)
            {
                if (!int.TryParse(path, out var db) || db < 0)
                    throw new KeyValueException($"'{Mask(text)}': the path must be a database number, not '{path}'");
                options.DefaultDatabase = db;
            }
            safe = Mask(text);
        }
        // Fail fast and say so: a provider call waits on this, within the caller's deadline.
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 3000;
        options.SyncTimeout = 5000;
        options.ConnectRetry = 1;
        options.ClientName = "lattice-keyvalue";
        return new RedisUrl(text, safe, options);
    }

    private static string Mask(string text) => TargetConfig.Masked(text);
}
