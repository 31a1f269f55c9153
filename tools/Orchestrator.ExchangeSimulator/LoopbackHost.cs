using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.ExchangeSimulator;

/// <summary>The simulators' web host: Kestrel on 127.0.0.1 (0 = any free port), WebSockets on, no console logging.</summary>
internal static class LoopbackHost
{
    /// <summary>Builds the app, lets <paramref name="create"/> make the simulator and map its routes, starts it, and returns both with the base address.</summary>
    public static async Task<(T Simulator, Uri BaseAddress)> StartAsync<T>(int port, Func<WebApplication, T> create, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        WebApplication app = builder.Build();
        app.UseWebSockets();
        T simulator = create(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (simulator, new Uri(address.TrimEnd('/') + "/"));
    }
}
