using Orchestrator.Core;
using Orchestrator.Engine;
using Orchestrator.Engine.State;

namespace Orchestrator.Agents.State;

/// <summary>
/// <see cref="ITradingView"/> over the engine's published <see cref="EngineSnapshot"/>: agents
/// see the account as of the last snapshot the trading thread wrote (the daemon asks for one
/// every refresh interval). The conversion to a <see cref="TradingSnapshot"/> happens once per
/// version, on the reader's side, never on the engine's threads.
/// </summary>
public sealed class EngineTradingView(TradingEngine engine) : ITradingView
{
    private readonly SnapshotCopy _copy = new();
    private readonly Lock _gate = new();
    private TradingSnapshot _current = new(0, 0, 0m, 0m, [], [], false);

    public IReadOnlyList<string> Symbols => engine.Symbols.Names;

    public TradingSnapshot Current
    {
        get
        {
            if (engine.Snapshot.Version == Volatile.Read(ref _current).Version)
            {
                return _current;
            }

            lock (_gate)
            {
                long version = engine.Snapshot.Read(_copy);
                if (version != _current.Version)
                {
                    Volatile.Write(ref _current, Convert(_copy));
                }

                return _current;
            }
        }
    }

    /// <summary>Asks the engine for a fresh picture (it appears between two events).</summary>
    public void Refresh(long tsEventNs) => engine.RequestSnapshot(tsEventNs);

    private TradingSnapshot Convert(SnapshotCopy c)
    {
        var positions = new List<PositionView>();
        for (int s = 0; s < c.Quantity.Length; s++)
        {
            if (c.Quantity[s] != 0 || c.RealizedRaw[s] != 0)
            {
                positions.Add(new PositionView(engine.Symbols.GetName(s), engine.Instruments.Units.ToDecimal(s, c.Quantity[s]), FixedPoint.ToDecimal(c.AvgCostRaw[s]), FixedPoint.ToDecimal(c.LastRaw[s]),
                    FixedPoint.ToDecimal(c.UnrealizedRaw[s]), FixedPoint.ToDecimal(c.RealizedRaw[s])));
            }
        }

        var orders = new List<OrderView>(c.OrderCount);
        for (int i = 0; i < c.OrderCount; i++)
        {
            SnapshotOrder o = c.Orders[i];
            orders.Add(new OrderView(o.ClientOrderId, engine.Symbols.GetName(o.SymbolId), o.Side == Side.Buy ? "BUY" : "SELL",
                engine.Instruments.Units.ToDecimal(o.SymbolId, o.Quantity), engine.Instruments.Units.ToDecimal(o.SymbolId, o.FilledQuantity),
                FixedPoint.ToDecimal(o.LimitRaw), o.Status.ToString()));
        }

        return new TradingSnapshot(c.Version, c.EventTimeNs, FixedPoint.ToDecimal(c.CashRaw), FixedPoint.ToDecimal(c.EquityRaw), positions, orders, c.KillSwitch);
    }
}
