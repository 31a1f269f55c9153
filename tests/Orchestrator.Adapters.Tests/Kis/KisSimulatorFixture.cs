using Orchestrator.Adapters.Kis;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Adapters.Tests.Kis;

/// <summary>A KIS simulator on an ephemeral loopback port and an HTTP client for it, per test.</summary>
public abstract class KisSimulatorFixture : IAsyncLifetime
{
    private KisSimulator? _simulator;
    private HttpClient? _http;

    protected KisSimulator Simulator => _simulator!;

    protected HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        _simulator = await KisSimulator.StartAsync();
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

    /// <summary>A client for the simulator's virtual account.</summary>
    protected KisRestClient NewClient(string appKey = KisSimulator.AppKey, bool real = false) =>
        new(Http, new KisCredentials(appKey, KisSimulator.AppSecret, "50000000", "01", real));
}
