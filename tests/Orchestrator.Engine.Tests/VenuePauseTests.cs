using Orchestrator.Core;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Tests.Support;

namespace Orchestrator.Engine.Tests;

/// <summary>
/// Per-venue pause (issue 19, several venues): <see cref="CommandKind.PauseVenue"/> refuses new orders of the paused
/// venue's symbols only (<see cref="RejectReason.SymbolPaused"/>), without the kill switch; <see cref="CommandKind.ResumeVenue"/>
/// ends it; a snapshot keeps it.
/// </summary>
public sealed class VenuePauseTests
{
    private const int Krx = 0; // 005930 at KIS
    private const int Us = 1;  // AAPL at Alpaca

    private static EngineOptions TwoVenues()
    {
        EngineOptions defaults = EngineHarness.DefaultOptions();
        return defaults with
        {
            Symbols = ["005930", "AAPL"],
            Instruments = new Dictionary<string, InstrumentInfo>(StringComparer.Ordinal)
            {
                ["005930"] = InstrumentInfo.Default("005930") with { Venue = "kis" },
                ["AAPL"] = InstrumentInfo.Default("AAPL") with { Venue = "alpaca" },
            },
            Risk = defaults.Risk with { DuplicateWindow = TimeSpan.Zero },
        };
    }

    [Fact]
    public void PauseVenue_RefusesOnlyThatVenuesSymbols_UntilResumed()
    {
        var h = new EngineHarness(TwoVenues());
        int kis = h.Engine.Venues.IdOf("kis");
        Assert.Equal(2, h.Engine.Venues.Count);
        Assert.Equal(kis, h.Engine.Venues.VenueOf(Krx));
        h.Trade(Krx, 70_000m);
        h.Trade(Us, 100m);

        h.Command(CommandKind.PauseVenue, arg: kis);
        Assert.True(h.Engine.Risk.VenuePaused(kis));
        Assert.False(h.Engine.Risk.KillSwitchEngaged);
        Assert.Equal(RejectReason.SymbolPaused, h.Signal(Krx, Side.Buy, signalId: 1).Reject);
        Assert.Equal(RejectReason.None, h.Signal(Us, Side.Buy, signalId: 2).Reject); // the other venue trades on

        h.Command(CommandKind.ResumeVenue, arg: kis);
        Assert.False(h.Engine.Risk.VenuePaused(kis));
        Assert.Equal(RejectReason.None, h.Signal(Krx, Side.Buy, signalId: 3).Reject);
    }

    [Fact]
    public void PauseVenue_WithAnIdNoVenueHas_ChangesNothing()
    {
        var h = new EngineHarness(TwoVenues());
        h.Trade(Krx, 70_000m);
        h.Command(CommandKind.PauseVenue, arg: 7);
        h.Command(CommandKind.PauseVenue, arg: -1);
        Assert.Equal(RejectReason.None, h.Signal(Krx, Side.Buy, signalId: 1).Reject);
    }
}
