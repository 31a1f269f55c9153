using Orchestrator.Core;
using Orchestrator.Daemon.Configuration;
using Orchestrator.Daemon.Hosting;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Ring;

namespace Orchestrator.Daemon.Tests;

/// <summary>
/// Zero allocation in steady state, process-wide (issue 16), checked on the real components of a
/// running session: the feed thread (synthetic source, pacing, paper venue, engine publish, the
/// agents' bar store) allocates nothing per tick once warm.
/// </summary>
public sealed class SteadyStateAllocationTests
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FeedThread_WithAgentsOn_AllocatesNothingPerTick_AfterWarmup()
    {
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 3, ticksPerSecond: 50_000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        session.Start("steady-state allocation test");
        AgentHost agents = AgentHost.Start(session, new AgentSettings { SnapshotInterval = TimeSpan.FromMilliseconds(20), BarLength = TimeSpan.FromSeconds(1) }, null, null);
        try
        {
            var probe = new FeedThreadProbe(session.MarketObserver!, warmupTicks: 20_000, measuredTicks: 100_000);
            session.MarketObserver = probe; // after the bar store's feed, on the feed thread

            await probe.Done.Task.WaitAsync(s_hang);

            Assert.Equal(0, probe.Allocated);
            Assert.NotEmpty(agents.Bars.GetBars("AAPL", 10, includeForming: true)); // the bar store was fed on that thread
            Assert.True(session.Engine.Counters.Fills > 0, "the paper venue filled nothing: not a trading steady state");
        }
        finally
        {
            await agents.DisposeAsync();
            session.Stop();
        }
    }

    /// <summary>
    /// The status line (every 5 s by default) may allocate, boundedly: its text and log event cost a
    /// few KB (NLog's rendering to the three targets adds about as much again), so 12 a minute stay
    /// far below one gen0 budget (2 MB on a small machine).
    /// </summary>
    [Fact]
    public void StatusEvent_AllocatesAFewKilobytes()
    {
        const int Lines = 100;
        using var session = new TradingSession(DaemonCli.BuildOptions(seed: 3, ticksPerSecond: 2_000, WaitStrategyKind.Blocking), NullAuditWriter.Instance);
        session.Start("status line allocation test");
        try
        {
            Assert.Contains(" gc=", session.StatusEvent().FormattedMessage, StringComparison.Ordinal); // warm
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Lines; i++)
            {
                GC.KeepAlive(session.StatusEvent());
            }

            long perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / Lines;

            Assert.True(perLine <= 6 * 1024, $"{perLine} bytes per status line");
        }
        finally
        {
            session.Stop();
        }
    }

    /// <summary>Passes ticks on, and measures the feed thread's allocation between two tick counts.</summary>
    private sealed class FeedThreadProbe(IMarketDataSink inner, long warmupTicks, long measuredTicks) : IMarketDataSink
    {
        private long _ticks;
        private long _before;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Allocated { get; private set; } = -1;

        public void OnMarketData(in MarketTick tick)
        {
            inner.OnMarketData(in tick);
            long ticks = ++_ticks;
            if (ticks == warmupTicks)
            {
                _before = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (ticks == warmupTicks + measuredTicks)
            {
                Allocated = GC.GetAllocatedBytesForCurrentThread() - _before;
                Done.TrySetResult();
            }
        }
    }
}
