using Orchestrator.Strategies;

namespace Orchestrator.Engine.Strategies;

/// <summary>What a <see cref="StrategyEnvelope"/> carries to a slow-path strategy.</summary>
internal enum StrategyEnvelopeKind : byte
{
    None = 0,
    Tick,
    Bar,
    OrderUpdate,
    Fill,
}

/// <summary>One callback for a slow-path strategy, copied into its queue on the trading thread.</summary>
internal struct StrategyEnvelope
{
    public StrategyEnvelopeKind Kind;
    public Tick Tick;
    public Bar Bar;
    public OrderUpdate Update;
    public Fill Fill;

    /// <summary>Whether it may be dropped when the strategy falls behind (market data may; order updates and fills never).</summary>
    public readonly bool IsMarketData => Kind is StrategyEnvelopeKind.Tick or StrategyEnvelopeKind.Bar;

    /// <summary>The event time it carries (a bar's: its end).</summary>
    public readonly long TsEventNs => Kind switch
    {
        StrategyEnvelopeKind.Tick => Tick.TsEventNs,
        StrategyEnvelopeKind.Bar => Bar.EndNs,
        StrategyEnvelopeKind.OrderUpdate => Update.TsEventNs,
        StrategyEnvelopeKind.Fill => Fill.TsEventNs,
        _ => 0,
    };
}
