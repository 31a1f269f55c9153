using Orchestrator.Core;
using Orchestrator.Strategies;

namespace Orchestrator.Engine.Tests.Strategies;

/// <summary>A strategy that records every callback and does what the test scripts.</summary>
internal sealed class ScriptedStrategy : IStrategy
{
    private int _ticks;

    public bool Slow { get; init; }

    public IReadOnlyList<Timeframe> WantedTimeframes { get; init; } = [];

    /// <summary>Buy on this tick (1-based); 0 = never.</summary>
    public int BuyOnTickNumber { get; init; }

    public int BuySymbol { get; init; }

    public int ConfidencePpm { get; set; } = SignalLimits.ConfidenceScalePpm;

    /// <summary>What to submit on <see cref="BuyOnTickNumber"/> instead of a plain buy.</summary>
    public StrategySignal? SignalToSend { get; init; }

    public bool ThrowOnTick { get; init; }

    public bool ThrowEveryOtherTick { get; init; }

    public IReadOnlyList<long> TimersAtStart { get; init; } = [];

    public IStrategyContext? Context { get; private set; }

    public List<string> Calls { get; } = [];

    public List<SubmitResult> Results { get; } = [];

    public List<Bar> Bars { get; } = [];

    public List<OrderUpdate> Updates { get; } = [];

    public List<Fill> Fills { get; } = [];

    public List<long> Timers { get; } = [];

    /// <summary><see cref="IStrategyContext.IsReplaying"/> as seen when it submitted.</summary>
    public List<bool> ReplayingSeen { get; } = [];

    public long PositionSeenAtFill { get; private set; }

    public StrategyThreading Threading => Slow ? StrategyThreading.SlowPath : StrategyThreading.FastPath;

    public IReadOnlyList<Timeframe> Timeframes => WantedTimeframes;

    public void OnStart(IStrategyContext context)
    {
        Context = context;
        Calls.Add("start");
        foreach (long due in TimersAtStart)
        {
            context.SetTimer(due);
        }
    }

    public void OnTick(in Tick tick)
    {
        Calls.Add("tick");
        _ticks++;
        if (ThrowOnTick || (ThrowEveryOtherTick && _ticks % 2 == 0))
        {
            throw new InvalidOperationException("scripted failure");
        }

        if (_ticks == BuyOnTickNumber)
        {
            ReplayingSeen.Add(Context!.IsReplaying);
            Results.Add(Context!.Submit(SignalToSend ?? new StrategySignal { SymbolId = BuySymbol, Side = Side.Buy, ConfidencePpm = ConfidencePpm, Reason = "scripted" }));
        }
    }

    public void OnBar(in Bar bar)
    {
        Calls.Add("bar " + bar.Timeframe);
        Bars.Add(bar);
    }

    public void OnOrderUpdate(in OrderUpdate update)
    {
        Calls.Add("update");
        Updates.Add(update);
    }

    public void OnFill(in Fill fill)
    {
        Calls.Add("fill");
        Fills.Add(fill);
        PositionSeenAtFill = Context!.Position(fill.SymbolId);
    }

    public void OnTimer(long eventTimeNs)
    {
        Calls.Add("timer");
        Timers.Add(eventTimeNs);
    }
}
