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

    /// <summary>
    /// Limits for the simulator, which is not KIS: rates high enough not to slow tests down (KIS's own,
    /// 2/s VIRTUAL and one token request a second, are what the limit tests set).
    /// </summary>
    protected static KisLimits SimulatorLimits { get; } = new() { RequestsPerSecond = 1_000, TokenRequestsPerSecond = 1_000 };

    /// <summary>A client for the simulator's virtual account.</summary>
    protected KisRestClient NewClient(string appKey = KisSimulator.AppKey, bool real = false, KisLimits? limits = null, TimeProvider? time = null) =>
        new(Http, new KisCredentials(appKey, KisSimulator.AppSecret, "50000000", "01", real), time, limits: limits ?? SimulatorLimits);
}
