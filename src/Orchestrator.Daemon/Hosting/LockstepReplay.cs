using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using Orchestrator.Engine;

namespace Orchestrator.Daemon.Hosting;

/// <summary>
/// A file replayed as fast as possible on the paper venue (<c>run --data FILE --ticks-per-second 0</c>):
/// each tick goes to the venue and the engine (<see cref="MarketDataFanOut"/>), then the feed waits
/// until the engine is quiet — the tick handled, every slow-path strategy's callbacks for it returned
/// and the signals they made decided, every order it caused at the venue, every report back
/// (<see cref="TradingEngine.WaitUntilQuiet"/>) — before the next tick. Without the wait the feed outruns the engine, and an order fills at
/// whichever later tick the venue happens to see first: the result would depend on thread
/// scheduling. With it, the run decides and fills exactly as <c>backtest</c> does on the same file
/// (same order of events at each moment, same end-of-day expiries: <see cref="TradingDayBoundary"/>).
/// </summary>
/// <remarks>Called on the feed thread. A tick the engine does not settle within the timeout fails the feed (the run ends, exit 1).</remarks>
public sealed class LockstepReplay(MarketDataFanOut fanOut, PaperBrokerGateway venue, TradingEngine engine, TimeSpan timeout) : IMarketDataSink
{
    private readonly TradingDayBoundary _days = new(engine.Calendars);

    public void OnMarketData(in MarketTick tick)
    {
        int ends = _days.Advance(tick.TsEventNs);
        for (int i = 0; i < ends; i++)
        {
            venue.EndOfDay(_days.EndTsNs(i), _days.EndSymbols(i)); // the day's open Day orders expire before the next day's first tick
            Quiet();
        }

        fanOut.OnMarketData(tick);
        Quiet();
    }

    private void Quiet()
    {
        if (!engine.WaitUntilQuiet(timeout))
        {
            throw new TimeoutException($"the engine did not settle within {timeout.TotalSeconds:0} s of a replayed tick (lock-step replay)");
        }
    }
}
