namespace Orchestrator.Strategies;

/// <summary>
/// A strategy as the engine's strategy host calls it. Derive from <see cref="Strategy{TOptions}"/>
/// rather than implementing this directly.
/// </summary>
/// <remarks>
/// <para>Threading (<see cref="Threading"/>): every callback of one strategy comes from one thread at a
/// time, in event order. A <see cref="StrategyThreading.FastPath"/> strategy runs on the trading thread
/// and must not allocate, lock, block or throw in steady state.</para>
/// <para>Order of calls for one market-data input of a symbol the strategy trades: the bars it
/// closed (<see cref="OnBar"/>, shortest timeframe first), then <see cref="OnTick"/>; timers that
/// came due are fired (<see cref="OnTimer"/>) after the event's own callbacks.</para>
/// <para>A callback that throws is caught by the host, counted and logged once; after several in a
/// row the strategy is disabled. The engine never stops for a strategy's exception.</para>
/// </remarks>
public interface IStrategy
{
    /// <summary>Where the host runs it. Read once, at registration.</summary>
    StrategyThreading Threading { get; }

    /// <summary>The bar lengths the host aggregates for <see cref="OnBar"/> (empty = no bars). Read once, at registration.</summary>
    IReadOnlyList<Timeframe> Timeframes { get; }

    /// <summary>Called once, before any other callback, on the host's thread (with the first event the host handles).</summary>
    void OnStart(IStrategyContext context);

    /// <summary>Market data of one of the strategy's symbols.</summary>
    void OnTick(in Tick tick);

    /// <summary>A bar of one of <see cref="Timeframes"/> closed.</summary>
    void OnBar(in Bar bar);

    /// <summary>One of the strategy's orders was accepted, canceled, rejected, expired or went unknown.</summary>
    void OnOrderUpdate(in OrderUpdate update);

    /// <summary>One of the strategy's orders was (partly) filled; the position the context reports already includes it.</summary>
    void OnFill(in Fill fill);

    /// <summary>A timer set with <see cref="IStrategyContext.SetTimer"/> came due; <paramref name="eventTimeNs"/> is the time it was set for.</summary>
    void OnTimer(long eventTimeNs);
}
