using System.Text.Json;
using Orchestrator.ExchangeSimulator;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// The documented example of several venues in one process (issue 19), config/examples/kis-alpaca-simulator:
/// one daemon process trades the KRX symbols through the KIS simulator and the US symbols through the
/// Alpaca simulator, each on loopback; at its graceful stop every position is its venue's.
/// </summary>
public sealed class KisAlpacaExampleDaemonTests : IDisposable
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(120);
    private static readonly string[] s_krx = ["005930", "000660"];
    private static readonly string[] s_us = ["AAPL", "MSFT"];
    private readonly string _root = Directory.CreateTempSubdirectory("orc-kis-alpaca-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The example pointed at this test's simulators, tuned so the rules trade often against their random walks.</summary>
    private string WriteConfig(KisSimulator kis, AlpacaSimulator alpaca)
    {
        string source = Path.Combine(CrashRecoveryTests.RepositoryRoot(), "config", "examples", "kis-alpaca-simulator");
        string dir = Directory.CreateDirectory(Path.Combine(_root, "config")).FullName;
        string kisAt = kis.BaseAddress.Authority;
        string alpacaAt = alpaca.BaseAddress.Authority;
        CrashRecoveryTests.CopyEdited(source, dir, "broker_config.yaml",
            (@"rest_url: \S+", $"rest_url: http://{kisAt}/"),
            (@"websocket_url: \S+", $"websocket_url: ws://{kisAt}/\n  hts_id: SIMHTS"),
            (@"trading_url: \S+", $"trading_url: http://{alpacaAt}/"),
            (@"trading_stream_url: \S+", $"trading_stream_url: ws://{alpacaAt}/stream"),
            (@"data_url: \S+", $"data_url: ws://{alpacaAt}/v2/iex"),
            (@"poll_interval: \S+", "poll_interval: 100ms"),
            (@"rate_limit:\n  requests_per_second: \S+", "rate_limit:\n  requests_per_second: 50"));
        CrashRecoveryTests.CopyEdited(source, dir, "risk_management.yaml",
            (@"max_daily_loss: \S+", "max_daily_loss: 0.5"),
            (@"per_minute: \S+", "per_minute: 1000"),
            (@"price_collar: \S+", "price_collar: 1"));
        CrashRecoveryTests.CopyEdited(source, dir, "myStockInfo.yaml");
        CrashRecoveryTests.CopyEdited(source, dir, "daemon.yaml");
        return dir;
    }

    [Fact]
    public async Task OneDaemonProcess_TradesKrxThroughKis_AndUsThroughAlpaca_EachPositionIsItsVenues()
    {
        await using KisSimulator kis = await VenueSessionTests.StartKisAsync(answersLost: false);
        await using AlpacaSimulator alpaca = await AlpacaSimulator.StartAsync();
        alpaca.FrameInterval = TimeSpan.FromMilliseconds(5);
        string config = WriteConfig(kis, alpaca);
        string report = Path.Combine(_root, "report.json");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ORCHESTRATOR_ALPACA_KEY_ID"] = AlpacaSimulator.KeyId,
            ["ORCHESTRATOR_ALPACA_SECRET_KEY"] = AlpacaSimulator.SecretKey,
        };

        using var daemon = DaemonProcess.Start(_root, Path.Combine(_root, "run.out"),
            ["run", "--config", config, "--log-dir", Path.Combine(_root, "logs"), "--report", report, "--headless"], environment);
        string? ready = await daemon.WaitForLineAsync(l => l.Contains("Step 6/6", StringComparison.Ordinal), s_hang);
        Assert.True(ready is not null, "the daemon did not start\n" + daemon.Tail());
        Assert.Contains(daemon.Lines, l => l.Contains("broker connected: kis", StringComparison.Ordinal) && l.Contains("trades 005930, 000660", StringComparison.Ordinal));
        Assert.Contains(daemon.Lines, l => l.Contains("broker connected: alpaca", StringComparison.Ordinal) && l.Contains("trades AAPL, MSFT", StringComparison.Ordinal));

        using (var guard = new CancellationTokenSource(s_hang))
        {
            while (kis.OrdersBooked(VenueSessionTests.KisAccount) < 2 || alpaca.OrderCount < 2)
            {
                Assert.False(daemon.HasExited, "the daemon ended early\n" + daemon.Tail());
                await Task.Delay(50, guard.Token); // polls a condition under a hang guard; asserts nothing about time
            }
        }

        Assert.True(await daemon.TerminateAsync(s_hang), "the daemon did not stop\n" + daemon.Tail());
        Assert.True(daemon.ExitCode == 0, $"exit code {daemon.ExitCode}\n{daemon.Tail()}");

        // Every KIS order is a KRX one and every Alpaca position a US one.
        Assert.All(kis.BookedOrders(VenueSessionTests.KisAccount), o => Assert.Contains(o.Symbol, s_krx));
        Assert.Equal(0, kis.OverseasOrdersBooked(VenueSessionTests.KisAccount));
        Assert.All(s_krx, s => Assert.Equal(0, alpaca.PositionOf(s)));

        // The engine's positions at its stop are each venue's.
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(report));
        var positions = json.RootElement.GetProperty("positions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("symbol").GetString()!, p => p.GetProperty("quantity").GetInt64(), StringComparer.Ordinal);
        IReadOnlyDictionary<string, long> kisBook = kis.AccountBook(VenueSessionTests.KisAccount).Positions;
        Assert.All(s_krx, s => Assert.Equal(kisBook.GetValueOrDefault(s), positions.GetValueOrDefault(s)));
        Assert.All(s_us, s => Assert.Equal(alpaca.PositionOf(s), positions.GetValueOrDefault(s)));
        Assert.DoesNotContain(daemon.Lines, l => l.Contains("positions differ from the venue", StringComparison.Ordinal));
    }
}
