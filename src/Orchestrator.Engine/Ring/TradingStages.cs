using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Handlers;
using Orchestrator.Engine.Journal;
using Orchestrator.Engine.Strategies;

namespace Orchestrator.Engine.Ring;

/// <summary>
/// The stages that share one thread, in their live order: the journal when it is inline (first),
/// the signal engine unless it has a thread of its own (pipelined), then risk, sizing and the
/// order manager, and last the in-process strategy host (fast-path strategies react to the event
/// the order manager has finished). One sealed class that calls the concrete handlers directly — no array of
/// interfaces per event — so Disruptor-net calls it through a generated struct proxy.
/// </summary>
/// <remarks>Called on its stage's thread (<c>engine-TradingStages</c>) only.</remarks>
public sealed class TradingStages : IValueEventHandler<EngineEvent>
{
    private readonly JournalHandler? _journal;
    private readonly SignalEngineHandler? _signalEngine;
    private readonly RiskManagerHandler _risk;
    private readonly PositionSizingHandler _sizing;
    private readonly OrderManagerHandler _orderManager;
    private readonly StrategyHost? _strategies;

    /// <param name="journal">The inline journal (null = none, or on a thread of its own).</param>
    /// <param name="signalEngine">The signal engine (null = on a thread of its own, before this stage).</param>
    /// <param name="risk">Risk manager.</param>
    /// <param name="sizing">Position sizing.</param>
    /// <param name="orderManager">Order manager.</param>
    /// <param name="strategies">The strategy host (null = no in-process strategies).</param>
    public TradingStages(JournalHandler? journal, SignalEngineHandler? signalEngine, RiskManagerHandler risk, PositionSizingHandler sizing, OrderManagerHandler orderManager, StrategyHost? strategies = null)
    {
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(sizing);
        ArgumentNullException.ThrowIfNull(orderManager);
        _journal = journal;
        _signalEngine = signalEngine;
        _risk = risk;
        _sizing = sizing;
        _orderManager = orderManager;
        _strategies = strategies;
    }

    public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
    {
        _journal?.OnEvent(ref data, sequence, endOfBatch);
        _signalEngine?.OnEvent(ref data, sequence, endOfBatch);
        _risk.OnEvent(ref data, sequence, endOfBatch);
        _sizing.OnEvent(ref data, sequence, endOfBatch);
        _orderManager.OnEvent(ref data, sequence, endOfBatch);
        _strategies?.OnEvent(ref data);
    }

    public void OnStart() => _journal?.OnStart();

    public void OnShutdown() => _journal?.OnShutdown();
}
