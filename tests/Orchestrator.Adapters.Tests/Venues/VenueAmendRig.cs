using Orchestrator.Adapters.Venues;
using Orchestrator.Core;

namespace Orchestrator.Adapters.Tests.Venues;

/// <summary>
/// The venue gateway over a real client and simulator (issue 19 amend/cancel tests): commands go in as the
/// engine's outbound ring hands them, reports come out in a collector, venue ids go to a real order log.
/// </summary>
internal sealed class VenueAmendRig : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orc-venue-amend-").FullName;

    public VenueAmendRig(IVenueClient client, SymbolTable symbols)
    {
        Log = new VenueOrderLog(_directory);
        Gateway = new VenueBrokerGateway(client, symbols, Reports, new VenueGatewayOptions
        {
            Backoff = TimeSpan.FromMilliseconds(1),
            PollInterval = TimeSpan.FromMilliseconds(20),
            RequestTimeout = TimeSpan.FromSeconds(5),
            RequestsPerSecond = 1_000,
            UnknownGrace = TimeSpan.FromSeconds(5),
            BreakerMinimumThroughput = 1_000,
        }, orderLog: Log);
    }

    public VenueBrokerGateway Gateway { get; }

    public VenueOrderLog Log { get; }

    public ReportCollector Reports { get; } = new();

    public void Send(OrderCommandKind kind, long id, Side side, OrderType type, long quantity, long limitRaw, long stopRaw = 0)
    {
        var command = new OrderCommand { Kind = kind, ClientOrderId = id, SymbolId = 0, Side = side, OrderType = type, TimeInForce = TimeInForce.Day, Quantity = quantity, LimitPriceRaw = limitRaw, StopPriceRaw = stopRaw };
        Gateway.OnEvent(ref command, 0, true);
    }

    public Task WaitFor(long id, ExecutionType type) => Reports.WaitUntilAsync(r => r.Any(x => x.ClientOrderId == id && x.ExecType == type));

    public ExecutionReport Last(long id, ExecutionType type) => Reports.For(id).Last(r => r.ExecType == type);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Log.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
