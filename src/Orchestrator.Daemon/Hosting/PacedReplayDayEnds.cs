using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// A file replayed at a pace on the paper venue (<c>run --data FILE --ticks-per-second N</c> or <c>--speed X</c>):
/// ticks go on at the pace (<see cref="MarketDataFanOut"/>), and at each trading day's end — each exchange's
/// close with exchange calendars, else the change of UTC day (<see cref="TradingDayBoundary"/>, the rule the
/// backtest and <see cref="LockstepReplay"/> use) — the venue expires that day's open Day orders. Before it
/// does, the feed waits until the engine is quiet (<see cref="TradingEngine.WaitUntilQuiet"/>), so every order
/// the engine sent before the close is at the venue when the close comes, as at a real exchange.
/// </summary>
/// <remarks>Called on the feed thread. A close the engine does not settle within the timeout fails the feed (the run ends, exit 1).</remarks>
public sealed class PacedReplayDayEnds(IMarketDataSink inner, PaperBrokerGateway venue, TradingEngine engine, TimeSpan timeout) : IMarketDataSink
{
    private readonly TradingDayBoundary _days = new(engine.Calendars);

    public void OnMarketData(in MarketTick tick)
    {
        int ends = _days.Advance(tick.TsEventNs);
        for (int i = 0; i < ends; i++)
        {
            if (!engine.WaitUntilQuiet(timeout))
            {
                throw new TimeoutException($"the engine did not settle within {timeout.TotalSeconds:0} s before a trading day's close (paced replay)");
            }

            venue.EndOfDay(_days.EndTsNs(i), _days.EndSymbols(i));
        }

        inner.OnMarketData(tick);
    }
}
