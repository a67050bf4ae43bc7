// The baseline of tests/Lattice.Benchmarks/http-bench.sh: the least an ASP.NET Core server does to
// answer GET / with 200 text/plain "hello, world!\n" (the body demo/http-hello returns), so the
// bench shows what running a component adds on top of Kestrel.
//   dotnet run -c Release -- --port N        (listens on 127.0.0.1:N; default 8080)
using System.Net;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var port = builder.Configuration.GetValue("port", 8080);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

var app = builder.Build();
app.MapGet("/", () => Results.Text("hello, world!\n", "text/plain"));
Console.WriteLine($"listening on http://127.0.0.1:{port}/");
app.Run();
