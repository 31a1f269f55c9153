using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>The gateway taking over the orders a restarted engine recovered, and the venue-id log it relies on.</summary>
public sealed class VenueRecoveryTests : IAsyncLifetime
{
    private static readonly SymbolTable Symbols = new(["005930", "000660"]);
    private readonly ScriptedVenue _venue = new();
    private readonly ReportCollector _reports = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("orc-venue-log-").FullName;
    private VenueOrderLog _log = null!;
    private VenueBrokerGateway _gateway = null!;

    private static VenueGatewayOptions FastOptions => new()
    {
        Backoff = TimeSpan.FromMilliseconds(1),
        PollInterval = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromMilliseconds(300),
        RequestsPerSecond = 1_000,
        UnknownGrace = TimeSpan.FromMilliseconds(200),
        BreakerMinimumThroughput = 1_000, // the breaker has its own test
    };

    public Task InitializeAsync()
    {
        _log = new VenueOrderLog(_directory);
        _gateway = new VenueBrokerGateway(_venue, Symbols, _reports, FastOptions, orderLog: _log);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static RecoveredOrder Order(long clientOrderId, OrderStatus status, long quantity = 100, long filled = 0, decimal average = 0m) =>
        new(new VenueOrderRequest(clientOrderId, "005930", 0, Side.Buy, OrderType.Market, TimeInForce.Day, quantity, 0, 0), status, filled, FixedPoint.FromDecimal(average));

    private Task WaitFor(long id, ExecutionType type) => _reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == id && x.ExecType == type));

    [Fact]
    public async Task AcceptedOrder_WithItsVenueIdKept_ReportsOnlyTheFillsTheEngineMissed()
    {
        string venueId = _venue.Book(new VenueOrderState(string.Empty, 1, "005930", Side.Buy, 100, 0, 0m, VenueOrderStatus.Open));
        _venue.Fill(venueId, 30, 70_000m); // the engine saw this one before the crash
        _log.Append(1, venueId);
        _venue.Fill(venueId, 70, 70_100m); // this one happened while it was down

        Assert.Equal(0, _gateway.Recover([Order(1, OrderStatus.PartiallyFilled, filled: 30, average: 70_000m)]));
        _gateway.Start();
        await WaitFor(1, ExecutionType.Fill);

        ExecutionReport fill = Assert.Single(_reports.For(1));
        Assert.Equal((70L, FixedPoint.FromDecimal(70_100m), 0L), (fill.FillQuantity, fill.FillPriceRaw, fill.LeavesQuantity));
        Assert.Equal(0, _venue.PlaceCalls);
        Assert.Equal(1, _gateway.RecoveredFillReports);
    }

    [Fact]
    public async Task PendingOrder_WithoutAVenueId_GoesInDoubt_AndIsFoundAtTheVenue_NotResent()
    {
        _venue.Book(new VenueOrderState(string.Empty, 2, "005930", Side.Buy, 100, 0, 0m, VenueOrderStatus.Open));

        Assert.Equal(1, _gateway.Recover([Order(2, OrderStatus.PendingNew)]));
        Assert.Equal(ExecutionType.Unknown, Assert.Single(_reports.For(2)).ExecType); // its symbol pauses
        Assert.Contains(0, _gateway.SymbolsInDoubt());
        _gateway.Start();
        await WaitFor(2, ExecutionType.Accepted);

        Assert.Equal(0, _venue.PlaceCalls);
        Assert.True(_log.TryGet(2, out string kept), "the venue id found is kept for the next restart");
        Assert.Equal(_venue.OrderFor(2).VenueOrderId, kept);
        Assert.Empty(_gateway.SymbolsInDoubt());
    }

    [Fact]
    public async Task PendingOrder_NotAtTheVenue_IsDeclaredNeverPlaced_AfterTheGrace()
    {
        Assert.Equal(1, _gateway.Recover([Order(3, OrderStatus.PendingNew)]));
        _gateway.Start();
        await WaitFor(3, ExecutionType.Rejected);

        Assert.Equal([ExecutionType.Unknown, ExecutionType.Rejected], _reports.For(3).Select(r => r.ExecType));
        Assert.Equal(RejectReason.NeverPlaced, _reports.For(3)[^1].Reject); // so an order group places a lost exit again (issue 19)
        Assert.Equal(1, _gateway.RecoveredNeverPlaced);
        Assert.Equal(0, _venue.PlaceCalls);
    }

    [Fact]
    public async Task OrderInDoubt_AtAVenueWithoutClientIds_TakesOnlyAVenueOrderNoOtherEngineOrderOwns()
    {
        // A venue without client ids (KIS): two venue orders with order 5's terms; the first is order 4's
        // (in the log), so order 5, recovered without a venue id, may only take the second.
        string owned = _venue.Book(new VenueOrderState(string.Empty, null, "005930", Side.Buy, 100, 0, 0m, VenueOrderStatus.Open));
        string free = _venue.Book(new VenueOrderState(string.Empty, null, "005930", Side.Buy, 100, 0, 0m, VenueOrderStatus.Open));
        _log.Append(4, owned);

        _gateway.Recover([Order(5, OrderStatus.PendingNew)]);
        _gateway.Start();
        await WaitFor(5, ExecutionType.Accepted);

        Assert.True(_log.TryGet(5, out string taken));
        Assert.Equal(free, taken); // not order 4's
    }

    [Fact]
    public async Task VenueReadableAgainAfterFailing_RaisesReconnected_Once()
    {
        int reconnects = 0;
        _gateway.Reconnected += () => Interlocked.Increment(ref reconnects);
        Assert.True(await _gateway.PollNowAsync(CancellationToken.None));
        Assert.Equal(0, reconnects); // the first read is not a reconnect

        _venue.ListFails = true;
        Assert.False(await _gateway.PollNowAsync(CancellationToken.None));
        Assert.False(await _gateway.PollNowAsync(CancellationToken.None));
        _venue.ListFails = false;
        Assert.True(await _gateway.PollNowAsync(CancellationToken.None));
        Assert.True(await _gateway.PollNowAsync(CancellationToken.None));

        Assert.Equal(1, reconnects); // what the session reconciles on
    }

    [Fact]
    public void Log_SurvivesAReopen_CutsATornLastLine_AndNamesABadLine()
    {
        _log.Append(10, "0000000042");
        _log.Append(10, "0000000042"); // idempotent
        _log.Dispose();
        File.AppendAllText(Path.Combine(_directory, VenueOrderLog.FileName), "11 00000"); // a crash mid-line

        _log = new VenueOrderLog(_directory);
        Assert.Equal(8, _log.TornBytesCut);
        Assert.Equal(1, _log.Count);
        Assert.True(_log.TryGet(10, out string id));
        Assert.Equal("0000000042", id);
        Assert.False(_log.TryGet(11, out _));
        Assert.Equal("10 0000000042\n", File.ReadAllText(_log.Path));

        _log.Dispose();
        File.AppendAllText(Path.Combine(_directory, VenueOrderLog.FileName), "twelve 0000000043\n");
        var error = Assert.Throws<InvalidDataException>(() => new VenueOrderLog(_directory));
        Assert.Contains("venue-orders.log line 2", error.Message, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_directory, VenueOrderLog.FileName), string.Empty);
        _log = new VenueOrderLog(_directory);
    }
}
