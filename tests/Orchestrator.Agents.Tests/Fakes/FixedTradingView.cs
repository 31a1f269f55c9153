using Orchestrator.Agents.State;

namespace Orchestrator.Agents.Tests.Fakes;

/// <summary>
/// A test fake of <see cref="ITradingView"/> (the daemon implements it for real from the engine's
/// published snapshots): always the same snapshot and symbols.
/// </summary>
public sealed class FixedTradingView : ITradingView
{
    public FixedTradingView(params string[] symbols)
    {
        Symbols = symbols;
        Current = new TradingSnapshot(
            Version: 7,
            EventTimeNs: 1_700_000_000_000_000_000,
            Cash: 100_000m,
            Equity: 101_500m,
            Positions: [new PositionView(symbols[0], 10, 150m, 151.5m, 15m, 0m)],
            OpenOrders: [],
            KillSwitchEngaged: false);
    }

    public TradingSnapshot Current { get; }

    public IReadOnlyList<string> Symbols { get; }
}
