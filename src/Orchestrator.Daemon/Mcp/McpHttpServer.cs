using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Control;

namespace Orchestrator.Daemon.Mcp;

/// <summary>
/// The MCP server over streamable HTTP (ModelContextProtocol.AspNetCore) on 127.0.0.1 only, at
/// <see cref="Path"/>; every request needs the bearer token (<c>mcp.token</c>), 401 without it.
/// </summary>
public sealed class McpHttpServer : IAsyncDisposable
{
    public const string Path = "/mcp";
    public const string TransportName = "http";

    private readonly WebApplication _app;
    private int _disposed;

    private McpHttpServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The MCP endpoint, e.g. http://127.0.0.1:8765/mcp.</summary>
    public Uri Endpoint { get; }

    /// <summary>Starts on 127.0.0.1:<paramref name="port"/> (0 = any free port).</summary>
    public static async Task<McpHttpServer> StartAsync(McpToolDispatcher dispatcher, Secret token, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(token);
        if (token.IsEmpty)
        {
            throw new ArgumentException("MCP over HTTP needs a bearer token", nameof(token));
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddMcpServer(options => dispatcher.Configure(options, TransportName)).WithHttpTransport();
        WebApplication app = builder.Build();
        BearerToken.Require(app, token);
        app.MapMcp(Path);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new McpHttpServer(app, new Uri(new Uri(address), Path));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped already (the daemon stops intake early, then its scope ends)
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
