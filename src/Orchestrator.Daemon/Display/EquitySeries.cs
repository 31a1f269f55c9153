using Orchestrator.Backtest;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// The equity sampled at each dashboard refresh, stamped with the market's clock (the event time
/// of the engine's snapshot, so a sample is taken only when market time moved), and the backtest's own metrics over it
/// (<see cref="BacktestMetrics"/>: cumulative return against the starting cash, Sharpe, max
/// drawdown), so the live figures mean what the backtest report's mean. Bounded: past
/// <see cref="Capacity"/> points every other point is dropped (the curve keeps its shape over
/// the whole session at half the resolution). Display thread only.
/// </summary>
public sealed class EquitySeries(decimal startingCash, int capacity = 4096)
{
    private readonly List<EquityPoint> _points = [];

    public int Capacity { get; } = Math.Max(capacity, 16);

    public int Count => _points.Count;

    /// <summary>Adds a sample taken at <paramref name="tsNs"/> (market event time, ns since the epoch).</summary>
    public void Add(long tsNs, long equityRaw)
    {
        if (_points.Count > 0 && tsNs <= _points[^1].TsNs)
        {
            return; // one point per instant, in time order
        }

        if (_points.Count >= Capacity)
        {
            int kept = 0;
            for (int i = 0; i < _points.Count; i += 2)
            {
                _points[kept++] = _points[i];
            }

            _points.RemoveRange(kept, _points.Count - kept);
        }

        _points.Add(new EquityPoint(tsNs, equityRaw, 0, 0));
    }

    public PerformanceView Measure()
    {
        if (_points.Count == 0)
        {
            return new PerformanceView(null, null, null, 0);
        }

        BacktestReport report = BacktestMetrics.Compute(new BacktestResult
        {
            Symbols = [],
            StartingCash = startingCash,
            Equity = _points,
            Fills = [],
            Events = 0,
            MarketEvents = 0,
            ElapsedSeconds = 0,
            Signals = 0,
            Rejects = new Dictionary<string, long>(),
            OpenPositions = new Dictionary<string, long>(),
        });
        return new PerformanceView(report.TotalReturn, report.Sharpe, report.MaxDrawdown, _points.Count);
    }
}
