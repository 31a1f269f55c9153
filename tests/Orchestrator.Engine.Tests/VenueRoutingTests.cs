using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>Issue 19, several venues in one process: a symbol routed to no venue can be watched, not traded.</summary>
public sealed class VenueRoutingTests
{
    private const int Aapl = 0;
    private const int Msft = 1;

    private static EngineOptions Routed(string aaplVenue) => EngineHarness.DefaultOptions() with
    {
        Instruments = new Dictionary<string, InstrumentInfo>
        {
            ["AAPL"] = InstrumentInfo.Default("AAPL") with { Venue = aaplVenue },
            ["MSFT"] = InstrumentInfo.Default("MSFT") with { Venue = "paper" },
        },
    };

    [Fact]
    public void Signal_ForASymbolRoutedToNoVenue_IsRefusedAsNoVenue_AndNoOrderIsSent()
    {
        var h = new EngineHarness(Routed(InstrumentInfo.NoVenue));
        h.Trade(Aapl, 100m);
        h.Trade(Msft, 100m);

        EngineEvent refused = h.Signal(Aapl, Side.Buy);
        Assert.Equal(RejectReason.NoVenue, refused.Reject);
        Assert.Equal(0, refused.ClientOrderId);
        Assert.Equal(1, h.Engine.Counters.Rejects(RejectReason.NoVenue));

        Assert.Equal(RejectReason.None, h.Signal(Msft, Side.Buy, signalId: 2).Reject); // a routed symbol trades
    }

    [Fact]
    public void Signal_ForASymbolWithAVenue_PassesTheRoutingRule()
    {
        var h = new EngineHarness(Routed("kis"));
        h.Trade(Aapl, 100m);
        Assert.Equal(RejectReason.None, h.Signal(Aapl, Side.Buy).Reject);
    }
}
