using Orchestrator.Core;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine;

/// <summary>
/// What the engine has done, counted by the stages on their own threads (plain increments:
/// each counter has one writer) and read by the slow path for status lines and reports.
/// </summary>
public sealed class EngineCounters
{
    private readonly long[] _rejects = new long[Enum.GetValues<RejectReason>().Length];
    private readonly long[] _finalStates = new long[Enum.GetValues<OrderStatus>().Length];

    public long Events;
    public long TradeTicks;
    public long QuoteTicks;
    public long Bars;
    public long ExternalSignals;
    public long RuleSignals;
    public long ProtectiveExits;
    public long Commands;
    public long ExecutionReports;
    public long OrdersSubmitted;
    public long Fills;
    public long PartialFills;
    public long CancelsSent;
    public long IllegalReports;

    /// <summary>
    /// Risk parameter changes the risk stage applied in this process (live, or in a replay); not in
    /// snapshots, so a session recovered from one counts only what it applied itself.
    /// </summary>
    public long RiskParameterChanges;

    public void Reject(RejectReason reason) => _rejects[(int)reason]++;

    /// <summary>An order reached a terminal state.</summary>
    public void OrderFinished(OrderStatus status) => _finalStates[(int)status]++;

    /// <summary>Orders that ended in <paramref name="status"/> (terminal states only).</summary>
    public long OrdersFinished(OrderStatus status) => Volatile.Read(ref _finalStates[(int)status]);

    public long Rejects(RejectReason reason) => Volatile.Read(ref _rejects[(int)reason]);

    public long TotalRejects
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _rejects.Length; i++)
            {
                total += Volatile.Read(ref _rejects[i]);
            }

            return total;
        }
    }

    /// <summary>The counters the signal engine writes (its thread, its checkpoint section).</summary>
    internal void WriteSignalState(ref StateWriter w)
    {
        w.Int64(Events);
        w.Int64(TradeTicks);
        w.Int64(QuoteTicks);
        w.Int64(Bars);
        w.Int64(ExternalSignals);
        w.Int64(RuleSignals);
        w.Int64(ProtectiveExits);
    }

    internal void ReadSignalState(ref StateReader r)
    {
        Events = r.Int64();
        TradeTicks = r.Int64();
        QuoteTicks = r.Int64();
        Bars = r.Int64();
        ExternalSignals = r.Int64();
        RuleSignals = r.Int64();
        ProtectiveExits = r.Int64();
    }

    /// <summary>The counters the trading stages write (risk, sizing, order manager: one thread), rejects included.</summary>
    internal void WriteTradingState(ref StateWriter w)
    {
        w.Int64(Commands);
        w.Int64(ExecutionReports);
        w.Int64(OrdersSubmitted);
        w.Int64(Fills);
        w.Int64(PartialFills);
        w.Int64(CancelsSent);
        w.Int64(IllegalReports);
        w.Int64s(_rejects);
        w.Int64s(_finalStates);
    }

    internal void ReadTradingState(ref StateReader r)
    {
        Commands = r.Int64();
        ExecutionReports = r.Int64();
        OrdersSubmitted = r.Int64();
        Fills = r.Int64();
        PartialFills = r.Int64();
        CancelsSent = r.Int64();
        IllegalReports = r.Int64();
        r.Int64s(_rejects);
        r.Int64s(_finalStates);
    }
}
