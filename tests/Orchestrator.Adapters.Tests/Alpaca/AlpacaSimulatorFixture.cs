using Orchestrator.Adapters.Alpaca;
using Orchestrator.Adapters.WebSockets;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Alpaca;

/// <summary>An Alpaca simulator on an ephemeral loopback port and an HTTP client for it, per test.</summary>
public abstract class AlpacaSimulatorFixture : IAsyncLifetime
{
    private AlpacaSimulator? _simulator;
    private HttpClient? _http;

    /// <summary>Reconnect quickly: tests wait for reconnects, never for a production backoff.</summary>
    protected static readonly ReconnectPolicy s_fast = new() { Base = TimeSpan.FromMilliseconds(20), Max = TimeSpan.FromMilliseconds(100) };

    protected AlpacaSimulator Simulator => _simulator!;

    protected HttpClient Http => _http!;

    protected static AlpacaCredentials Keys { get; } = new(AlpacaSimulator.KeyId, AlpacaSimulator.SecretKey);

    public async Task InitializeAsync()
    {
        _simulator = await AlpacaSimulator.StartAsync();
        _http = new HttpClient { BaseAddress = _simulator.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }

    protected AlpacaRestClient NewClient(AlpacaCredentials? credentials = null) => new(Http, credentials ?? Keys);
}
